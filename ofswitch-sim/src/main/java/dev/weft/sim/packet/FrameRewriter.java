package dev.weft.sim.packet;

import java.util.Arrays;

/**
 * Rewrites frame bytes the way a switch does: set a header field (fixing the IPv4 header
 * checksum and the TCP/UDP checksum), push and pop an 802.1Q tag. Every method returns a new
 * array and leaves its argument untouched; a field the frame does not have is left alone.
 */
public final class FrameRewriter {
    private FrameRewriter() {
    }

    /**
     * Sets a header field. Returns the rewritten frame, or the same array when the frame has no
     * such header (e.g. IPV4_SRC on an ARP frame; VLAN_VID on an untagged frame).
     */
    public static byte[] setField(byte[] frame, Field field, long value) {
        Headers h = Headers.parse(frame);
        if (!h.has(field) || (field == Field.VLAN_VID && !h.vlanTagged())) {
            return frame;
        }
        byte[] f = frame.clone();
        int l3 = h.l3Offset();
        int l4 = h.l4Offset();
        switch (field) {
            case ETH_DST -> Bytes.put48(f, 0, value);
            case ETH_SRC -> Bytes.put48(f, 6, value);
            case ETH_TYPE -> Bytes.put16(f, h.ethTypeOffset(), (int) value);
            case VLAN_VID -> Bytes.put16(f, 14, (Bytes.u16(f, 14) & 0xf000) | (int) (value & 0x0fff));
            case VLAN_PCP -> Bytes.put16(f, 14, (Bytes.u16(f, 14) & 0x1fff) | (int) ((value & 7) << 13));
            case IP_DSCP -> {
                f[l3 + 1] = (byte) ((f[l3 + 1] & 0x03) | ((value & 0x3f) << 2));
                fixIpv4(f, h);
            }
            case IP_ECN -> {
                f[l3 + 1] = (byte) ((f[l3 + 1] & 0xfc) | (value & 3));
                fixIpv4(f, h);
            }
            case IP_PROTO -> {
                f[l3 + 9] = (byte) value;
                fixIpv4(f, h);
            }
            case IPV4_SRC -> {
                Bytes.put32(f, l3 + 12, value);
                fixIpv4(f, h);
            }
            case IPV4_DST -> {
                Bytes.put32(f, l3 + 16, value);
                fixIpv4(f, h);
            }
            case TCP_SRC, UDP_SRC, SCTP_SRC -> {
                Bytes.put16(f, l4, (int) value);
                fixL4(f, h);
            }
            case TCP_DST, UDP_DST, SCTP_DST -> {
                Bytes.put16(f, l4 + 2, (int) value);
                fixL4(f, h);
            }
            case ICMPV4_TYPE -> {
                f[l4] = (byte) value;
                fixIcmp(f, h);
            }
            case ICMPV4_CODE -> {
                f[l4 + 1] = (byte) value;
                fixIcmp(f, h);
            }
            case ARP_OP -> Bytes.put16(f, l3 + 6, (int) value);
            case ARP_SHA -> Bytes.put48(f, l3 + 8, value);
            case ARP_SPA -> Bytes.put32(f, l3 + 14, value);
            case ARP_THA -> Bytes.put48(f, l3 + 18, value);
            case ARP_TPA -> Bytes.put32(f, l3 + 24, value);
            default -> throw new IllegalArgumentException(field + " is not a header field");
        }
        return f;
    }

    /**
     * Pushes an outer 802.1Q tag with the given TPID. As OpenFlow 1.3 specifies, the new tag copies
     * VID and PCP from the existing outer tag, or is zero when the frame was untagged.
     */
    public static byte[] pushVlan(byte[] frame, int tpid) {
        if (frame.length < 14) {
            return frame;
        }
        Headers h = Headers.parse(frame);
        int tci = h.vlanTagged() ? Bytes.u16(frame, 14) : 0;
        byte[] f = new byte[frame.length + 4];
        System.arraycopy(frame, 0, f, 0, 12);
        Bytes.put16(f, 12, tpid);
        Bytes.put16(f, 14, tci);
        System.arraycopy(frame, 12, f, 16, frame.length - 12);
        return f;
    }

    /** Removes the outer 802.1Q tag; an untagged frame is returned unchanged. */
    public static byte[] popVlan(byte[] frame) {
        if (!Headers.parse(frame).vlanTagged()) {
            return frame;
        }
        byte[] f = new byte[frame.length - 4];
        System.arraycopy(frame, 0, f, 0, 12);
        System.arraycopy(frame, 16, f, 12, frame.length - 16);
        return f;
    }

    /** OpenFlow 1.0 set_vlan_vid: rewrite the VID, tagging an untagged frame first (priority 0). */
    public static byte[] setVlanVid10(byte[] frame, int vid) {
        byte[] f = Headers.parse(frame).vlanTagged() ? frame : pushVlan(frame, EtherTypes.VLAN);
        return setField(f, Field.VLAN_VID, vid);
    }

    /** OpenFlow 1.0 set_vlan_pcp: rewrite the PCP, tagging an untagged frame first (VID 0). */
    public static byte[] setVlanPcp10(byte[] frame, int pcp) {
        byte[] f = Headers.parse(frame).vlanTagged() ? frame : pushVlan(frame, EtherTypes.VLAN);
        return setField(f, Field.VLAN_PCP, pcp);
    }

    private static void fixIpv4(byte[] f, Headers h) {
        int l3 = h.l3Offset();
        int ihl = (f[l3] & 0x0f) * 4;
        Bytes.put16(f, l3 + 10, 0);
        Bytes.put16(f, l3 + 10, Checksums.internet(f, l3, Math.min(ihl, f.length - l3)));
        fixL4(f, h);
    }

    private static void fixL4(byte[] f, Headers h) {
        int l3 = h.l3Offset();
        int l4 = h.l4Offset();
        if (l4 < 0 || (Bytes.u16(f, l3 + 6) & 0x1fff) != 0) {
            return;
        }
        int proto = Bytes.u8(f, l3 + 9);
        int csumOff;
        if (proto == EtherTypes.PROTO_TCP) {
            csumOff = l4 + 16;
        } else if (proto == EtherTypes.PROTO_UDP) {
            csumOff = l4 + 6;
            if (f.length < csumOff + 2 || Bytes.u16(f, csumOff) == 0) {
                return; // UDP over IPv4 without a checksum stays without one
            }
        } else {
            return; // SCTP uses CRC32c and ICMP has no pseudo-header: nothing here depends on IP
        }
        int l4Len = Math.min(Bytes.u16(f, l3 + 2) - (l4 - l3), f.length - l4);
        if (l4Len < 0 || f.length < csumOff + 2) {
            return;
        }
        Bytes.put16(f, csumOff, 0);
        long pseudo = Checksums.sum(f, l3 + 12, 8, 0) + proto + l4Len;
        int c = Checksums.fold(Checksums.sum(f, l4, l4Len, pseudo));
        if (proto == EtherTypes.PROTO_UDP && c == 0) {
            c = 0xffff;
        }
        Bytes.put16(f, csumOff, c);
    }

    private static void fixIcmp(byte[] f, Headers h) {
        int l3 = h.l3Offset();
        int l4 = h.l4Offset();
        int len = Math.min(Bytes.u16(f, l3 + 2) - (l4 - l3), f.length - l4);
        Bytes.put16(f, l4 + 2, 0);
        Bytes.put16(f, l4 + 2, Checksums.internet(f, l4, len));
    }

    /** The IPv4 TTL of the frame, or -1 when it carries no IPv4 header. */
    public static int ttl(byte[] frame) {
        Headers h = Headers.parse(frame);
        if (!h.has(Field.IPV4_SRC)) {
            return -1;
        }
        return frame[h.l3Offset() + 8] & 0xff;
    }

    /** Sets the IPv4 TTL (fixing the header checksum); frames without IPv4 are returned as they are. */
    public static byte[] setTtl(byte[] frame, int ttl) {
        Headers h = Headers.parse(frame);
        if (!h.has(Field.IPV4_SRC)) {
            return frame;
        }
        byte[] f = frame.clone();
        f[h.l3Offset() + 8] = (byte) ttl;
        int l3 = h.l3Offset();
        int ihl = (f[l3] & 0x0f) * 4;
        Bytes.put16(f, l3 + 10, 0);
        Bytes.put16(f, l3 + 10, Checksums.internet(f, l3, Math.min(ihl, f.length - l3)));
        return f;
    }

    /** A copy truncated to at most {@code maxLen} bytes. */
    public static byte[] truncate(byte[] frame, int maxLen) {
        return frame.length <= maxLen ? frame : Arrays.copyOf(frame, maxLen);
    }
}
