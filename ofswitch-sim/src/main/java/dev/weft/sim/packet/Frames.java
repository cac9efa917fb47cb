package dev.weft.sim.packet;

import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;

/**
 * Ethernet frames: {@link #from} starts one (see {@link FrameBuilder}, the one frame builder of
 * the tests, the simulator and the bench), and the parsers read ARP and ICMP echo back.
 */
public final class Frames {
    public static final int ARP_REQUEST = 1;
    public static final int ARP_REPLY = 2;
    public static final int RARP_REQUEST = 3;
    public static final int ICMP_ECHO_REPLY = 0;
    public static final int ICMP_ECHO_REQUEST = 8;

    private Frames() {
    }

    /** A frame from {@code mac}, a sender without an IP address (raw Ethernet, RARP). */
    public static FrameBuilder from(MacAddress mac) {
        return FrameBuilder.from(mac, null);
    }

    /** A frame from {@code mac} with address {@code ip} (ARP, IPv4, ICMP, UDP). */
    public static FrameBuilder from(MacAddress mac, IPv4Address ip) {
        return FrameBuilder.from(mac, ip);
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
