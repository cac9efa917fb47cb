package dev.weft.apps.tenantpipeline;

import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.TableId;
import org.projectfloodlight.openflow.types.U64;

import java.util.List;

/**
 * The layout of the tenant pipeline on a hypervisor's integration bridge (OpenFlow 1.3), shared
 * by the apps that build it. A packet goes through the stages in this order; each stage is one
 * table, owned by one app, and a stage that its app does not use passes packets on to the next
 * (the {@code isolation} app installs that pass-through, priority 0, in every stage after its own):
 * <pre>
 *  table 0  INGRESS     (isolation)       a VM port's own MAC+IP, or a tunnel with a known segment
 *                                          id → metadata = segment (+ from-tunnel bit); else drop
 *  table 1  EGRESS_ACL  (security groups) what a VM may send (stateful, connection tracking)
 *  table 2  ARP         (tenant-networks) ARP requests from local VMs for known addresses answered
 *                                          in place (and a router's own addresses)
 *  table 3  L3          (routers)         routing between a tenant's networks, DHCP, NAT
 *  table 4  INGRESS_ACL (security groups) what a VM may receive, by (network, destination MAC),
 *                                          on the hypervisor where it is (stateful)
 *  table 5  L2          (tenant-networks) (network, MAC) → local port or tunnel; broadcast → local
 *                                          ports + one copy per remote hypervisor; else drop
 * </pre>
 * The ingress ACL comes after L3 so that routed packets are checked with the destination they
 * were routed to (their new network and MAC), and before L2 so that L2 stays the one stage that
 * outputs. A packet for a VM on another hypervisor passes it here and is checked there, when it
 * arrives from the tunnel.
 * Metadata bits 0..23 carry the segment id; bit 24 says the packet came from a tunnel (so it is
 * never sent into a tunnel again); bit 25 says it is a DHCP request from a VM that has no address
 * yet (source 0.0.0.0): only the DHCP responder in the L3 stage takes it, L2 forwards nothing
 * with that bit; bit 26 marks a packet on the gateway node after a router's connection tracker
 * (bits 0..15 are then the router's conntrack zone, not a segment), bit 27 that it is on its way
 * out by the uplink; L2 forwards nothing with either. Bits 32..63 are free for later stages (a destination port for an ingress ACL,
 * say); claim them here, not in an app.
 *
 * <p>Priorities in the L3 stage, shared by its apps (higher first): DHCP 500, a router's
 * answers for its own addresses 400-390, routes 300 + prefix length (host routes 332), the
 * default 300, the pass-through 0.
 *
 * <p>New stages go here, in order, so that every app moves with the layout; the numbers are the
 * switch's table ids and fit the 8 tables of small hardware pipelines.
 */
public final class TenantPipeline {
    public static final TableId INGRESS = TableId.of(0);
    public static final TableId EGRESS_ACL = TableId.of(1);
    public static final TableId ARP = TableId.of(2);
    public static final TableId L3 = TableId.of(3);
    public static final TableId INGRESS_ACL = TableId.of(4);
    public static final TableId L2 = TableId.of(5);

    /** Every stage, in the order a packet goes through them. */
    public static final List<TableId> STAGES = List.of(INGRESS, EGRESS_ACL, ARP, L3, INGRESS_ACL, L2);

    /** The stage after {@code stage}: where a packet goes when this stage has nothing to say. */
    public static TableId next(TableId stage) {
        int i = STAGES.indexOf(stage);
        if (i < 0 || i == STAGES.size() - 1) {
            throw new IllegalArgumentException("no stage after table " + stage);
        }
        return STAGES.get(i + 1);
    }

    public static final long SEGMENT_MASK = (1L << 24) - 1;
    public static final long FROM_TUNNEL = 1L << 24;
    /** A DHCP request from a VM without an address: for the DHCP responder only. */
    public static final long UNADDRESSED = 1L << 25;
    /** On the gateway node, after a router's connection tracker: bits 0..15 are its zone. */
    public static final long GATEWAY = 1L << 26;
    /** With {@link #GATEWAY}: leaving by the uplink (else: arrived from it). */
    public static final long OUTWARD = 1L << 27;
    /**
     * Mask covering the segment, the from-tunnel bit and the unaddressed bit: what the stages
     * write, and what a match on "this network, sent here" (or "from a tunnel") must fix.
     */
    public static final U64 METADATA_MASK = U64.of(SEGMENT_MASK | FROM_TUNNEL | UNADDRESSED | GATEWAY | OUTWARD);
    /** Mask for "this network, from anywhere" (but not an unaddressed DHCP request, nor a gateway's packet). */
    public static final U64 SEGMENT_MATCH_MASK = U64.of(SEGMENT_MASK | UNADDRESSED | GATEWAY | OUTWARD);

    /** L3 stage priorities (see the class comment). */
    public static final int L3_DHCP = 500;
    public static final int L3_ROUTER_ANSWER = 400;
    public static final int L3_ROUTER_OWN = 390;
    public static final int L3_ROUTE_BASE = 300;

    public static final MacAddress GROUP_BIT = MacAddress.of("01:00:00:00:00:00");

    /** The tenant pipeline speaks OpenFlow 1.3. */
    public static final OFFactory OF = OFFactories.getFactory(OFVersion.OF_13);

    private TenantPipeline() {
    }

    public static U64 metadata(int segment, boolean fromTunnel) {
        return U64.of((segment & SEGMENT_MASK) | (fromTunnel ? FROM_TUNNEL : 0));
    }

    /** Matches packets of {@code segment} sent on this hypervisor (not from a tunnel, not unaddressed). */
    public static org.projectfloodlight.openflow.protocol.oxm.OFOxm<?> sentHere(int segment) {
        return OF.oxms().metadataMasked(org.projectfloodlight.openflow.types.OFMetadata.of(metadata(segment, false)),
                org.projectfloodlight.openflow.types.OFMetadata.of(METADATA_MASK));
    }

    /** The segment a packet-in's metadata names (0 when it has none, or it is a gateway's packet). */
    public static int segmentOf(U64 metadata) {
        return (metadata.getValue() & GATEWAY) != 0 ? 0 : (int) (metadata.getValue() & SEGMENT_MASK);
    }

    /** The metadata of a packet on the gateway node after the connection tracker of the router with {@code zone}. */
    public static U64 gateway(int zone, boolean outward) {
        return U64.of(GATEWAY | (outward ? OUTWARD : 0) | (zone & 0xffff));
    }

    /**
     * The actions that send a packet (its tunnel id set) into {@code t}: a flow-based tunnel port
     * needs the remote endpoint first ({@code tun_dst}, Open vSwitch's NXM_NX_TUN_IPV4_DST).
     */
    public static List<org.projectfloodlight.openflow.protocol.action.OFAction> intoTunnel(
            dev.weft.api.tenant.FabricView.Tunnel t) {
        var out = OF.actions().output(t.port(), 0);
        return t.flowRemote().map(ip -> List.of(OF.actions().setField(OF.oxms().tunnelIpv4Dst(ip)), out))
                .orElse(List.of(out));
    }

    /** Matches what arrives from {@code t}: its port and, for a flow-based one, the remote's address. */
    public static List<org.projectfloodlight.openflow.protocol.oxm.OFOxm<?>> fromTunnel(
            dev.weft.api.tenant.FabricView.Tunnel t) {
        var in = OF.oxms().inPort(t.port());
        return t.flowRemote().<List<org.projectfloodlight.openflow.protocol.oxm.OFOxm<?>>>map(
                ip -> List.of(in, OF.oxms().tunnelIpv4Src(ip))).orElse(List.of(in));
    }
}
