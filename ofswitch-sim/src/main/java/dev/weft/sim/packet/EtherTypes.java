package dev.weft.sim.packet;

/** Ethertypes and IP protocol numbers used by the simulator. */
public final class EtherTypes {
    public static final int IPV4 = 0x0800;
    public static final int ARP = 0x0806;
    public static final int RARP = 0x8035;
    public static final int VLAN = 0x8100;
    public static final int LLDP = 0x88cc;
    public static final int BDDP = 0x8942;

    public static final int PROTO_ICMP = 1;
    public static final int PROTO_TCP = 6;
    public static final int PROTO_UDP = 17;
    public static final int PROTO_SCTP = 132;

    private EtherTypes() {
    }
}
