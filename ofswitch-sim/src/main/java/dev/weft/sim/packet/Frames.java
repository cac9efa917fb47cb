package dev.weft.sim.packet;

import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;

/**
 * Builds real Ethernet frames: ARP (request, reply, gratuitous), RARP, ICMP echo, LLDP-like
 * frames and arbitrary payloads. Checksums are correct; frames shorter than 60 bytes are padded
 * as an Ethernet NIC would.
 */
public final class Frames {
    public static final int ARP_REQUEST = 1;
    public static final int ARP_REPLY = 2;
    public static final int RARP_REQUEST = 3;
    public static final int ICMP_ECHO_REPLY = 0;
    public static final int ICMP_ECHO_REQUEST = 8;
    private static final int MIN_FRAME = 60;

    private Frames() {
    }

    /** An Ethernet frame with the given header and payload, padded to the 60-byte minimum. */
    public static byte[] ethernet(MacAddress dst, MacAddress src, int ethType, byte[] payload) {
        byte[] f = new byte[Math.max(MIN_FRAME, 14 + payload.length)];
        Bytes.put48(f, 0, dst.getLong());
        Bytes.put48(f, 6, src.getLong());
        Bytes.put16(f, 12, ethType);
        System.arraycopy(payload, 0, f, 14, payload.length);
        return f;
    }

    private static byte[] arpBody(int op, MacAddress sha, IPv4Address spa, MacAddress tha, IPv4Address tpa) {
        byte[] a = new byte[28];
        Bytes.put16(a, 0, 1);
        Bytes.put16(a, 2, EtherTypes.IPV4);
        a[4] = 6;
        a[5] = 4;
        Bytes.put16(a, 6, op);
        Bytes.put48(a, 8, sha.getLong());
        Bytes.put32(a, 14, spa.getInt() & 0xffffffffL);
        Bytes.put48(a, 18, tha.getLong());
        Bytes.put32(a, 24, tpa.getInt() & 0xffffffffL);
        return a;
    }

    /** A broadcast ARP request: who has {@code tpa}? tell {@code spa}. */
    public static byte[] arpRequest(MacAddress sha, IPv4Address spa, IPv4Address tpa) {
        return ethernet(MacAddress.BROADCAST, sha, EtherTypes.ARP, arpBody(ARP_REQUEST, sha, spa, MacAddress.NONE, tpa));
    }

    /** A unicast ARP reply from {@code sha/spa} to {@code tha/tpa}. */
    public static byte[] arpReply(MacAddress sha, IPv4Address spa, MacAddress tha, IPv4Address tpa) {
        return ethernet(tha, sha, EtherTypes.ARP, arpBody(ARP_REPLY, sha, spa, tha, tpa));
    }

    /** A gratuitous ARP (request form, as {@code arping -U} sends): spa = tpa = own address. */
    public static byte[] gratuitousArp(MacAddress mac, IPv4Address ip) {
        return ethernet(MacAddress.BROADCAST, mac, EtherTypes.ARP, arpBody(ARP_REQUEST, mac, ip, MacAddress.NONE, ip));
    }

    /** A broadcast RARP request announcing {@code mac}, as QEMU sends after a live migration. */
    public static byte[] rarpAnnounce(MacAddress mac) {
        return ethernet(MacAddress.BROADCAST, mac, EtherTypes.RARP,
                arpBody(RARP_REQUEST, mac, IPv4Address.NONE, mac, IPv4Address.NONE));
    }

    /** An IPv4 packet inside an Ethernet frame, header checksum filled in, TTL 64, DF set. */
    public static byte[] ipv4(MacAddress dst, MacAddress src, IPv4Address ipSrc, IPv4Address ipDst,
                              int proto, byte[] l4) {
        byte[] ip = new byte[20 + l4.length];
        ip[0] = 0x45;
        Bytes.put16(ip, 2, ip.length);
        Bytes.put16(ip, 6, 0x4000);
        ip[8] = 64;
        ip[9] = (byte) proto;
        Bytes.put32(ip, 12, ipSrc.getInt() & 0xffffffffL);
        Bytes.put32(ip, 16, ipDst.getInt() & 0xffffffffL);
        Bytes.put16(ip, 10, Checksums.internet(ip, 0, 20));
        System.arraycopy(l4, 0, ip, 20, l4.length);
        return ethernet(dst, src, EtherTypes.IPV4, ip);
    }

    /** An ICMP echo request or reply (type 8 or 0) with a 32-byte payload. */
    public static byte[] icmpEcho(int type, MacAddress dst, MacAddress src, IPv4Address ipSrc, IPv4Address ipDst,
                                  int id, int seq, byte[] payload) {
        byte[] icmp = new byte[8 + payload.length];
        icmp[0] = (byte) type;
        Bytes.put16(icmp, 4, id);
        Bytes.put16(icmp, 6, seq);
        System.arraycopy(payload, 0, icmp, 8, payload.length);
        Bytes.put16(icmp, 2, Checksums.internet(icmp, 0, icmp.length));
        return ipv4(dst, src, ipSrc, ipDst, EtherTypes.PROTO_ICMP, icmp);
    }

    /** A UDP datagram with a correct checksum. */
    public static byte[] udp(MacAddress dst, MacAddress src, IPv4Address ipSrc, IPv4Address ipDst,
                             int srcPort, int dstPort, byte[] payload) {
        byte[] u = new byte[8 + payload.length];
        Bytes.put16(u, 0, srcPort);
        Bytes.put16(u, 2, dstPort);
        Bytes.put16(u, 4, u.length);
        System.arraycopy(payload, 0, u, 8, payload.length);
        long pseudo = ((ipSrc.getInt() >>> 16) & 0xffff) + (ipSrc.getInt() & 0xffff)
                + ((ipDst.getInt() >>> 16) & 0xffff) + (ipDst.getInt() & 0xffff)
                + EtherTypes.PROTO_UDP + u.length;
        int c = Checksums.fold(Checksums.sum(u, 0, u.length, pseudo));
        Bytes.put16(u, 6, c == 0 ? 0xffff : c);
        return ipv4(dst, src, ipSrc, ipDst, EtherTypes.PROTO_UDP, u);
    }

    /** The parsed ARP (or RARP) body of a frame, or null when it is not one. */
    public static Arp parseArp(byte[] frame) {
        Headers h = Headers.parse(frame);
        if (!h.has(Field.ARP_OP)) {
            return null;
        }
        return new Arp(h.ethType() == EtherTypes.RARP, (int) h.get(Field.ARP_OP),
                MacAddress.of(h.get(Field.ARP_SHA)), IPv4Address.of((int) h.get(Field.ARP_SPA)),
                MacAddress.of(h.get(Field.ARP_THA)), IPv4Address.of((int) h.get(Field.ARP_TPA)));
    }

    /** The ICMP echo request/reply in a frame with a valid ICMP checksum, or null. */
    public static IcmpEcho parseIcmpEcho(byte[] frame) {
        Headers h = Headers.parse(frame);
        if (!h.has(Field.ICMPV4_TYPE)) {
            return null;
        }
        int type = (int) h.get(Field.ICMPV4_TYPE);
        if (type != ICMP_ECHO_REQUEST && type != ICMP_ECHO_REPLY) {
            return null;
        }
        int l3 = h.l3Offset();
        int l4 = h.l4Offset();
        int len = Bytes.u16(frame, l3 + 2) - (l4 - l3);
        if (len < 8 || l4 + len > frame.length || !Checksums.verify(frame, l4, len)
                || !Checksums.verify(frame, l3, l4 - l3)) {
            return null;
        }
        byte[] payload = new byte[len - 8];
        System.arraycopy(frame, l4 + 8, payload, 0, payload.length);
        return new IcmpEcho(type == ICMP_ECHO_REQUEST, IPv4Address.of((int) h.get(Field.IPV4_SRC)),
                IPv4Address.of((int) h.get(Field.IPV4_DST)), Bytes.u16(frame, l4 + 4), Bytes.u16(frame, l4 + 6), payload);
    }

    public static MacAddress ethDst(byte[] frame) {
        return MacAddress.of(Bytes.u48(frame, 0));
    }

    public static MacAddress ethSrc(byte[] frame) {
        return MacAddress.of(Bytes.u48(frame, 6));
    }

    /** An ARP or RARP body. {@code op} 1 request, 2 reply, 3 RARP request, 4 RARP reply. */
    public record Arp(boolean rarp, int op, MacAddress sha, IPv4Address spa, MacAddress tha, IPv4Address tpa) {
        public boolean isGratuitous() {
            return !rarp && spa.equals(tpa);
        }
    }

    /** An ICMP echo request ({@code request} true) or reply. */
    public record IcmpEcho(boolean request, IPv4Address src, IPv4Address dst, int id, int seq, byte[] payload) {
    }
}
