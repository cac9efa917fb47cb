package dev.weft.sim.packet;

/**
 * The header and pipeline fields the simulated switch can match on and (for most) rewrite.
 * Every value fits in a {@code long}; {@link #fullMask()} has exactly {@link #bits()} ones.
 * VLAN_VID uses the OpenFlow 1.3 encoding: {@code 0x1000 | vid} when tagged, 0 when untagged.
 */
public enum Field {
    IN_PORT(32), IN_PHY_PORT(32), METADATA(64), TUNNEL_ID(64), TUNNEL_IPV4_SRC(32), TUNNEL_IPV4_DST(32),
    ETH_DST(48), ETH_SRC(48), ETH_TYPE(16), VLAN_VID(13), VLAN_PCP(3),
    IP_DSCP(6), IP_ECN(2), IP_PROTO(8), IPV4_SRC(32), IPV4_DST(32),
    TCP_SRC(16), TCP_DST(16), UDP_SRC(16), UDP_DST(16), SCTP_SRC(16), SCTP_DST(16),
    ICMPV4_TYPE(8), ICMPV4_CODE(8),
    ARP_OP(16), ARP_SPA(32), ARP_TPA(32), ARP_SHA(48), ARP_THA(48),
    /** TCP's 12 flag bits (Open vSwitch's tcp_flags; in OpenFlow 1.3 the ONF extension field 42). Match only. */
    TCP_FLAGS(12),
    /** Open vSwitch's connection-tracking state and zone (NXM_NX_CT_STATE, NXM_NX_CT_ZONE), set by ct. */
    CT_STATE(32), CT_ZONE(16);

    private final int bits;
    private final long fullMask;

    Field(int bits) {
        this.bits = bits;
        this.fullMask = bits == 64 ? -1L : (1L << bits) - 1;
    }

    public int bits() {
        return bits;
    }

    public long fullMask() {
        return fullMask;
    }

    /** True for fields that live in the pipeline's metadata rather than in the frame's bytes. */
    public boolean isPipelineField() {
        return this == IN_PORT || this == IN_PHY_PORT || this == METADATA || this == TUNNEL_ID
                || this == TUNNEL_IPV4_SRC || this == TUNNEL_IPV4_DST || this == CT_STATE || this == CT_ZONE;
    }
}
