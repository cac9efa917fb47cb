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
 *  table 4  L2          (tenant-networks) (network, MAC) → local port or tunnel; broadcast → local
 *                                          ports + one copy per remote hypervisor; else drop
 * </pre>
 * Metadata bits 0..23 carry the segment id; bit 24 says the packet came from a tunnel (so it is
 * never sent into a tunnel again). Bits 32..63 are free for later stages (a destination port for
 * an ingress ACL, say); claim them here, not in an app.
 *
 * <p>New stages go here, in order, so that every app moves with the layout; the numbers are the
 * switch's table ids and fit the 8 tables of small hardware pipelines.
 */
public final class TenantPipeline {
    public static final TableId INGRESS = TableId.of(0);
    public static final TableId EGRESS_ACL = TableId.of(1);
    public static final TableId ARP = TableId.of(2);
    public static final TableId L3 = TableId.of(3);
    public static final TableId L2 = TableId.of(4);

    /** Every stage, in the order a packet goes through them. */
    public static final List<TableId> STAGES = List.of(INGRESS, EGRESS_ACL, ARP, L3, L2);

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
    /** Mask covering the segment and the from-tunnel bit. */
    public static final U64 METADATA_MASK = U64.of(SEGMENT_MASK | FROM_TUNNEL);

    public static final MacAddress GROUP_BIT = MacAddress.of("01:00:00:00:00:00");

    /** The tenant pipeline speaks OpenFlow 1.3. */
    public static final OFFactory OF = OFFactories.getFactory(OFVersion.OF_13);

    private TenantPipeline() {
    }

    public static U64 metadata(int segment, boolean fromTunnel) {
        return U64.of((segment & SEGMENT_MASK) | (fromTunnel ? FROM_TUNNEL : 0));
    }
}
