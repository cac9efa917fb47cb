package dev.weft.sim.packet;

/**
 * The header fields of one Ethernet frame, parsed from its bytes, with the offsets needed to
 * rewrite them. Covers Ethernet, one 802.1Q tag, IPv4 (+TCP/UDP/SCTP/ICMP) and ARP. Pipeline
 * fields (in_port, metadata, tunnel) are not here: see the datapath's packet.
 */
public final class Headers implements FieldSource {
    private static final int NFIELDS = Field.values().length;

    private final long[] values = new long[NFIELDS];
    private long present;
    private final int ethTypeOffset;
    private final int l3Offset;
    private final int l4Offset;
    private final boolean vlanTagged;

    private Headers(byte[] f) {
        if (f.length < 14) {
            ethTypeOffset = -1;
            l3Offset = -1;
            l4Offset = -1;
            vlanTagged = false;
            return;
        }
        put(Field.ETH_DST, Bytes.u48(f, 0));
        put(Field.ETH_SRC, Bytes.u48(f, 6));
        int typeOff = 12;
        boolean tagged = false;
        if (Bytes.u16(f, 12) == EtherTypes.VLAN && f.length >= 18) {
            int tci = Bytes.u16(f, 14);
            put(Field.VLAN_VID, 0x1000 | (tci & 0x0fff));
            put(Field.VLAN_PCP, tci >>> 13);
            typeOff = 16;
            tagged = true;
        } else {
            put(Field.VLAN_VID, 0);
        }
        vlanTagged = tagged;
        ethTypeOffset = typeOff;
        int ethType = Bytes.u16(f, typeOff);
        put(Field.ETH_TYPE, ethType);
        l3Offset = typeOff + 2;
        int l4 = -1;
        if (ethType == EtherTypes.IPV4 && f.length >= l3Offset + 20) {
            int ihl = (f[l3Offset] & 0x0f) * 4;
            int tos = Bytes.u8(f, l3Offset + 1);
            put(Field.IP_DSCP, tos >>> 2);
            put(Field.IP_ECN, tos & 3);
            int proto = Bytes.u8(f, l3Offset + 9);
            put(Field.IP_PROTO, proto);
            put(Field.IPV4_SRC, Bytes.u32(f, l3Offset + 12));
            put(Field.IPV4_DST, Bytes.u32(f, l3Offset + 16));
            boolean laterFragment = (Bytes.u16(f, l3Offset + 6) & 0x1fff) != 0;
            l4 = l3Offset + ihl;
            if (!laterFragment && ihl >= 20) {
                parseL4(f, proto, l4);
            }
        } else if ((ethType == EtherTypes.ARP || ethType == EtherTypes.RARP) && f.length >= l3Offset + 28
                && Bytes.u16(f, l3Offset) == 1 && Bytes.u16(f, l3Offset + 2) == EtherTypes.IPV4) {
            put(Field.ARP_OP, Bytes.u16(f, l3Offset + 6));
            put(Field.ARP_SHA, Bytes.u48(f, l3Offset + 8));
            put(Field.ARP_SPA, Bytes.u32(f, l3Offset + 14));
            put(Field.ARP_THA, Bytes.u48(f, l3Offset + 18));
            put(Field.ARP_TPA, Bytes.u32(f, l3Offset + 24));
        }
        l4Offset = l4;
    }

    private void parseL4(byte[] f, int proto, int l4) {
        switch (proto) {
            case EtherTypes.PROTO_TCP -> {
                if (f.length >= l4 + 20) {
                    put(Field.TCP_SRC, Bytes.u16(f, l4));
                    put(Field.TCP_DST, Bytes.u16(f, l4 + 2));
                    put(Field.TCP_FLAGS, Bytes.u16(f, l4 + 12) & 0x0fff);
                }
            }
            case EtherTypes.PROTO_UDP -> {
                if (f.length >= l4 + 8) {
                    put(Field.UDP_SRC, Bytes.u16(f, l4));
                    put(Field.UDP_DST, Bytes.u16(f, l4 + 2));
                }
            }
            case EtherTypes.PROTO_SCTP -> {
                if (f.length >= l4 + 12) {
                    put(Field.SCTP_SRC, Bytes.u16(f, l4));
                    put(Field.SCTP_DST, Bytes.u16(f, l4 + 2));
                }
            }
            case EtherTypes.PROTO_ICMP -> {
                if (f.length >= l4 + 4) {
                    put(Field.ICMPV4_TYPE, Bytes.u8(f, l4));
                    put(Field.ICMPV4_CODE, Bytes.u8(f, l4 + 1));
                }
            }
            default -> {
            }
        }
    }

    /** Parses a frame; frames too short for a header simply have fewer fields. Never throws. */
    public static Headers parse(byte[] frame) {
        return new Headers(frame);
    }

    private void put(Field f, long v) {
        values[f.ordinal()] = v;
        present |= 1L << f.ordinal();
    }

    @Override
    public boolean has(Field field) {
        return (present & (1L << field.ordinal())) != 0;
    }

    @Override
    public long get(Field field) {
        return values[field.ordinal()];
    }

    public boolean vlanTagged() {
        return vlanTagged;
    }

    /** Offset of the (inner) ethertype, or -1 for a runt frame. */
    public int ethTypeOffset() {
        return ethTypeOffset;
    }

    /** Offset of the IPv4 or ARP header, or -1. */
    public int l3Offset() {
        return l3Offset;
    }

    /** Offset of the IPv4 payload (TCP/UDP/ICMP header), or -1 when not IPv4. */
    public int l4Offset() {
        return l4Offset;
    }

    public int ethType() {
        return has(Field.ETH_TYPE) ? (int) get(Field.ETH_TYPE) : -1;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Headers{");
        for (Field f : Field.values()) {
            if (has(f)) {
                sb.append(f).append('=').append(Long.toHexString(get(f))).append(' ');
            }
        }
        return sb.append('}').toString();
    }
}
