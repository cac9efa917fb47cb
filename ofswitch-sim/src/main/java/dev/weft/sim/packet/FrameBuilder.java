package dev.weft.sim.packet;

import java.util.Objects;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;

/**
 * Builds real Ethernet frames, the one way for tests, the simulator and the bench. Addresses are
 * named, never positional: a frame starts {@link Frames#from} its sender and goes {@link #to} its
 * receiver, then a last call says what it is ({@link #arpRequest}, {@link #echoRequest},
 * {@link #udp}, ...) and returns the bytes:
 * <pre>
 * Frames.from(a.mac(), a.ip()).to(b.mac(), b.ip()).echoRequest(7, 1)
 * Frames.from(a.mac(), a.ip()).arpRequest(b.ip())        // broadcast
 * Frames.from(mac).to(MacAddress.BROADCAST).vlan(10).ethernet(0x88cc, tlvs)
 * </pre>
 * Checksums are correct; frames shorter than {@link #minLength} (default 60, the Ethernet
 * minimum without the FCS) are padded with zeros as a NIC does. Immutable: every call returns a
 * new builder, so a partly built one can be shared.
 */
public final class FrameBuilder {
    private static final int ETHERNET_MIN = 60;
    private static final int IPV4_DONT_FRAGMENT = 0x4000;

    private final MacAddress src;
    private final IPv4Address srcIp;
    private final MacAddress dst;
    private final IPv4Address dstIp;
    private final int vlan;
    private final int minLength;

    private FrameBuilder(MacAddress src, IPv4Address srcIp, MacAddress dst, IPv4Address dstIp, int vlan,
                         int minLength) {
        this.src = src;
        this.srcIp = srcIp;
        this.dst = dst;
        this.dstIp = dstIp;
        this.vlan = vlan;
        this.minLength = minLength;
    }

    static FrameBuilder from(MacAddress src, IPv4Address srcIp) {
        return new FrameBuilder(Objects.requireNonNull(src, "source MAC"), srcIp, null, null, -1, ETHERNET_MIN);
    }

    /** The receiver's MAC (for ARP, IP and UDP frames also give its address with {@link #to(MacAddress, IPv4Address)}). */
    public FrameBuilder to(MacAddress dstMac) {
        return new FrameBuilder(src, srcIp, Objects.requireNonNull(dstMac, "destination MAC"), dstIp, vlan, minLength);
    }

    public FrameBuilder to(MacAddress dstMac, IPv4Address dstAddress) {
        return new FrameBuilder(src, srcIp, Objects.requireNonNull(dstMac, "destination MAC"),
                Objects.requireNonNull(dstAddress, "destination IP"), vlan, minLength);
    }

    /** An 802.1Q tag (priority 0) with VLAN id {@code vid} (0..4095) after the addresses. */
    public FrameBuilder vlan(int vid) {
        if (vid < 0 || vid > 0xfff) {
            throw new IllegalArgumentException("a VLAN id is 0..4095, was " + vid);
        }
        return new FrameBuilder(src, srcIp, dst, dstIp, vid, minLength);
    }

    /** Pads shorter frames with zeros to {@code bytes} (default 60; cbench sends 64). */
    public FrameBuilder minLength(int bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("a length is at least 0, was " + bytes);
        }
        return new FrameBuilder(src, srcIp, dst, dstIp, vlan, bytes);
    }

    // ---- what the frame is ------------------------------------------------------------------

    /** Any payload after the Ethernet header (and tag). */
    public byte[] ethernet(int ethType, byte[] payload) {
        return frame(need(dst, "a destination MAC: call to(...)"), ethType, payload);
    }

    /** "Who has {@code tpa}? Tell the sender": broadcast unless {@link #to} named a receiver. */
    public byte[] arpRequest(IPv4Address tpa) {
        return arp(Frames.ARP_REQUEST, src, need(srcIp, "the sender's IP: from(mac, ip)"), MacAddress.NONE, tpa);
    }

    /** The sender's answer to the receiver's ARP request: the receiver must be given with its IP. */
    public byte[] arpReply() {
        need(dstIp, "the asker's MAC and IP: to(mac, ip)");
        return arp(Frames.ARP_REPLY, src, need(srcIp, "the sender's IP: from(mac, ip)"), dst, dstIp);
    }

    /** A gratuitous ARP (request form, as {@code arping -U} sends): sender and target address are its own. */
    public byte[] gratuitousArp() {
        IPv4Address ip = need(srcIp, "the sender's IP: from(mac, ip)");
        return arp(Frames.ARP_REQUEST, src, ip, MacAddress.NONE, ip);
    }

    /** A broadcast RARP request announcing the sender's MAC, as QEMU sends after a live migration. */
    public byte[] rarpAnnounce() {
        byte[] body = arpBody(Frames.RARP_REQUEST, src, IPv4Address.NONE, src, IPv4Address.NONE);
        return frame(dst == null ? MacAddress.BROADCAST : dst, EtherTypes.RARP, body);
    }

    /**
     * An ARP body with every field given (also ones that disagree with the Ethernet header, as a
     * spoofer sends); broadcast unless {@link #to} named a receiver.
     */
    public byte[] arp(int op, MacAddress sha, IPv4Address spa, MacAddress tha, IPv4Address tpa) {
        return frame(dst == null ? MacAddress.BROADCAST : dst, EtherTypes.ARP, arpBody(op, sha, spa, tha, tpa));
    }

    /** An IPv4 packet (TTL 64, DF set, header checksum filled in) carrying {@code l4}. */
    public byte[] ipv4(int protocol, byte[] l4) {
        IPv4Address from = need(srcIp, "the sender's IP: from(mac, ip)");
        IPv4Address target = need(dstIp, "the receiver's IP: to(mac, ip)");
        byte[] ip = new byte[20 + l4.length];
        ip[0] = 0x45;
        Bytes.put16(ip, 2, ip.length);
        Bytes.put16(ip, 6, IPV4_DONT_FRAGMENT);
        ip[8] = 64;
        ip[9] = (byte) protocol;
        Bytes.put32(ip, 12, from.getInt() & 0xffffffffL);
        Bytes.put32(ip, 16, target.getInt() & 0xffffffffL);
        Bytes.put16(ip, 10, Checksums.internet(ip, 0, 20));
        System.arraycopy(l4, 0, ip, 20, l4.length);
        return ethernet(EtherTypes.IPV4, ip);
    }

    /** An ICMP echo request with a 32-byte zero payload (what the simulator's hosts send). */
    public byte[] echoRequest(int id, int seq) {
        return echoRequest(id, seq, new byte[32]);
    }

    public byte[] echoRequest(int id, int seq, byte[] payload) {
        return icmpEcho(Frames.ICMP_ECHO_REQUEST, id, seq, payload);
    }

    public byte[] echoReply(int id, int seq, byte[] payload) {
        return icmpEcho(Frames.ICMP_ECHO_REPLY, id, seq, payload);
    }

    /** A UDP datagram with a correct checksum. */
    public byte[] udp(int srcPort, int dstPort, byte[] payload) {
        IPv4Address from = need(srcIp, "the sender's IP: from(mac, ip)");
        IPv4Address target = need(dstIp, "the receiver's IP: to(mac, ip)");
        byte[] u = new byte[8 + payload.length];
        Bytes.put16(u, 0, srcPort);
        Bytes.put16(u, 2, dstPort);
        Bytes.put16(u, 4, u.length);
        System.arraycopy(payload, 0, u, 8, payload.length);
        long pseudo = ((from.getInt() >>> 16) & 0xffff) + (from.getInt() & 0xffff)
                + ((target.getInt() >>> 16) & 0xffff) + (target.getInt() & 0xffff)
                + EtherTypes.PROTO_UDP + u.length;
        int c = Checksums.fold(Checksums.sum(u, 0, u.length, pseudo));
        Bytes.put16(u, 6, c == 0 ? 0xffff : c);
        return ipv4(EtherTypes.PROTO_UDP, u);
    }

    /** TCP flag bits, for {@link #tcp}. */
    public static final int FIN = 0x01;
    public static final int SYN = 0x02;
    public static final int RST = 0x04;
    public static final int ACK = 0x10;

    /** A TCP segment without payload (header only, window 65535, checksum filled in). */
    public byte[] tcp(int srcPort, int dstPort, int flags) {
        IPv4Address from = need(srcIp, "the sender's IP: from(mac, ip)");
        IPv4Address target = need(dstIp, "the receiver's IP: to(mac, ip)");
        byte[] t = new byte[20];
        Bytes.put16(t, 0, srcPort);
        Bytes.put16(t, 2, dstPort);
        t[12] = 0x50;
        t[13] = (byte) flags;
        Bytes.put16(t, 14, 0xffff);
        long pseudo = ((from.getInt() >>> 16) & 0xffff) + (from.getInt() & 0xffff)
                + ((target.getInt() >>> 16) & 0xffff) + (target.getInt() & 0xffff)
                + EtherTypes.PROTO_TCP + t.length;
        Bytes.put16(t, 16, Checksums.fold(Checksums.sum(t, 0, t.length, pseudo)));
        return ipv4(EtherTypes.PROTO_TCP, t);
    }

    // ---- bytes ------------------------------------------------------------------------------

    private byte[] icmpEcho(int type, int id, int seq, byte[] payload) {
        byte[] icmp = new byte[8 + payload.length];
        icmp[0] = (byte) type;
        Bytes.put16(icmp, 4, id);
        Bytes.put16(icmp, 6, seq);
        System.arraycopy(payload, 0, icmp, 8, payload.length);
        Bytes.put16(icmp, 2, Checksums.internet(icmp, 0, icmp.length));
        return ipv4(EtherTypes.PROTO_ICMP, icmp);
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

    private byte[] frame(MacAddress to, int ethType, byte[] payload) {
        int header = vlan < 0 ? 14 : 18;
        byte[] f = new byte[Math.max(minLength, header + payload.length)];
        Bytes.put48(f, 0, to.getLong());
        Bytes.put48(f, 6, src.getLong());
        if (vlan >= 0) {
            Bytes.put16(f, 12, EtherTypes.VLAN);
            Bytes.put16(f, 14, vlan);
        }
        Bytes.put16(f, header - 2, ethType);
        System.arraycopy(payload, 0, f, header, payload.length);
        return f;
    }

    private static <T> T need(T value, String what) {
        if (value == null) {
            throw new IllegalStateException("this frame needs " + what);
        }
        return value;
    }
}
