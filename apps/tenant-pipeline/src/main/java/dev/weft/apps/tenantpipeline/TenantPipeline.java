package dev.weft.apps.tenantpipeline;

import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.TableId;
import org.projectfloodlight.openflow.types.U64;

/**
 * The layout of the tenant pipeline on a hypervisor's integration bridge (OpenFlow 1.3), shared
 * by the apps that build it:
 * <pre>
 *  table 0  INGRESS   (isolation)       a VM port's own MAC+IP, or a tunnel with a known segment id
 *                                        → metadata = segment (+ from-tunnel bit), goto ARP; else drop
 *  table 1  ARP       (tenant-networks) ARP requests from local VMs for known addresses answered
 *                                        in place; everything else → goto L2
 *  table 2  L2        (tenant-networks) (network, MAC) → local port or tunnel; broadcast → local
 *                                        ports + one copy per remote hypervisor; else drop
 * </pre>
 * Metadata bits 0..23 carry the segment id; bit 24 says the packet came from a tunnel (so it is
 * never sent into a tunnel again).
 */
public final class TenantPipeline {
    public static final TableId INGRESS = TableId.of(0);
    public static final TableId ARP = TableId.of(1);
    public static final TableId L2 = TableId.of(2);

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
