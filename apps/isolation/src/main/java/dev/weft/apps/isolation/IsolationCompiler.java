package dev.weft.apps.isolation;

import dev.weft.api.flow.FlowSpec;
import dev.weft.api.tenant.FabricView;
import dev.weft.api.tenant.LogicalNetwork;
import dev.weft.api.tenant.LogicalPort;
import dev.weft.apps.tenantpipeline.NetworkFlowsKeeper;
import dev.weft.apps.tenantpipeline.Presence;
import dev.weft.apps.tenantpipeline.TenantPipeline;
import dev.weft.api.tenant.PortLocation;
import dev.weft.api.tenant.TransportNode;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.instruction.OFInstruction;
import org.projectfloodlight.openflow.protocol.oxm.OFOxm;
import org.projectfloodlight.openflow.protocol.oxm.OFOxms;
import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.EthType;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.IpProtocol;
import org.projectfloodlight.openflow.types.TransportPort;
import org.projectfloodlight.openflow.types.OFVlanVidMatch;
import org.projectfloodlight.openflow.types.TableId;
import org.projectfloodlight.openflow.types.U64;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static dev.weft.apps.tenantpipeline.TenantPipeline.INGRESS;
import static dev.weft.apps.tenantpipeline.TenantPipeline.METADATA_MASK;
import static dev.weft.apps.tenantpipeline.TenantPipeline.OF;
import static dev.weft.apps.tenantpipeline.TenantPipeline.metadata;

/**
 * Table 0 of the tenant pipeline: who may send what, and which network it belongs to.
 * <ul>
 *   <li>From a VM port: only untagged frames from the port's own MAC, and only ARP (sender MAC and
 *       IP its own) or IPv4 (source IP its own); those are tagged with the network and continue.
 *       Anything else from the port is dropped by a per-port entry (so drops are counted per port).
 *       A port with no IP address configured may send any untagged frame from its own MAC.</li>
 *   <li>On a network with DHCP, a VM may also send a DHCP request from 0.0.0.0 (it has no
 *       address yet): tagged as unaddressed, which only the DHCP responder takes (L2 forwards
 *       nothing so tagged), so the exception opens no way to spoof anyone.</li>
 *   <li>From the tunnel to hypervisor R: only segment ids of networks that both R and this
 *       hypervisor must carry (where they have ports, or where their router sends into them:
 *       {@link Presence#reach}); tagged with the network and the from-tunnel bit.</li>
 *   <li>Everything else: dropped (default deny).</li>
 * </ul>
 * A pure function of a {@link FabricView}.
 */
public final class IsolationCompiler implements NetworkFlowsKeeper.Compiler {
    /** Port security and forwarding read no security groups nor rate limits. */
    @Override
    public boolean readsPortPolicy() {
        return false;
    }

    static final int ALLOW = 200;
    /** Above ALLOW: a port allowed everything from its MAC still sends its DHCP requests to the responder only. */
    static final int DHCP = 210;
    static final int PORT_DROP = 100;
    static final int DEFAULT_DROP = 0;
    /** A later stage's last resort: on to the next stage. */
    static final int PASS_THROUGH = 0;

    @Override
    public Map<DatapathId, List<FlowSpec>> network(LogicalNetwork net, FabricView view) {
        int seg = net.segment();
        OFOxms x = OF.oxms();
        Map<DatapathId, List<FlowSpec>> out = new HashMap<>();
        Set<DatapathId> hosts = new HashSet<>();
        List<OFInstruction> local = toNetwork(seg, false);
        List<OFInstruction> unaddressed = net.dhcp().isPresent() ? List.of(
                OF.instructions().writeMetadata(U64.of(metadata(seg, false).getValue() | TenantPipeline.UNADDRESSED),
                        METADATA_MASK),
                OF.instructions().gotoTable(TenantPipeline.next(INGRESS))) : null;
        OFOxm<?> untagged = x.vlanVid(OFVlanVidMatch.UNTAGGED);
        OFOxm<?> ipv4 = x.ethType(EthType.IPv4);
        OFOxm<?> arp = x.ethType(EthType.ARP);
        for (LogicalPort p : net.ports()) {
            Optional<PortLocation> at = view.location(p);
            if (at.isEmpty() || view.config().node(at.get().dpid()).isEmpty()) {
                continue;
            }
            DatapathId dpid = at.get().dpid();
            hosts.add(dpid);
            List<FlowSpec> flows = out.computeIfAbsent(dpid, d -> new ArrayList<>());
            OFOxm<?> in = x.inPort(at.get().port());
            OFOxm<?> src = x.ethSrc(p.mac());
            if (p.ips().isEmpty()) {
                flows.add(FlowSpec.of(INGRESS, ALLOW, local, in, untagged, src));
            }
            OFOxm<?> sha = p.ips().isEmpty() ? null : x.arpSha(p.mac());
            for (IPv4Address ip : p.ips()) {
                flows.add(FlowSpec.of(INGRESS, ALLOW, local, in, untagged, src, ipv4, x.ipv4Src(ip)));
                flows.add(FlowSpec.of(INGRESS, ALLOW, local, in, untagged, src, arp, sha, x.arpSpa(ip)));
            }
            if (unaddressed != null) {
                flows.add(FlowSpec.of(INGRESS, DHCP, unaddressed, in, untagged, src, ipv4, x.ipv4Src(IPv4Address.NONE),
                        x.ipProto(IpProtocol.UDP), x.udpSrc(TransportPort.of(68)), x.udpDst(TransportPort.of(67))));
            }
            flows.add(FlowSpec.of(INGRESS, PORT_DROP, List.of(), in));
        }
        for (DatapathId d : Presence.reach(net, view)) {
            hosts.add(d);
            out.computeIfAbsent(d, k -> new ArrayList<>());
        }
        // Tunnels: accept this segment only from hypervisors that host the network too.
        List<OFInstruction> fromTunnel = toNetwork(seg, true);
        OFOxm<?> tunnelId = x.tunnelId(U64.of(seg));
        for (DatapathId here : hosts) {
            for (DatapathId there : hosts) {
                if (here.equals(there)) {
                    continue;
                }
                TransportNode remote = view.config().node(there).orElseThrow();
                // A flow-based port takes VXLAN from any address: only the remote's own is let in.
                view.tunnelTo(here, remote).ifPresent(t -> {
                    List<OFOxm<?>> m = new ArrayList<>(TenantPipeline.fromTunnel(t));
                    m.add(tunnelId);
                    out.get(here).add(FlowSpec.of(INGRESS, ALLOW, fromTunnel, m.toArray(OFOxm<?>[]::new)));
                });
            }
        }
        return out;
    }

    /**
     * On every transport node: default deny (what matches nothing above is dropped), and the
     * pass-through of every later stage but the last, so a stage whose app is not running (or has
     * nothing to say about a packet) hands it on to the next.
     */
    @Override
    public Map<DatapathId, List<FlowSpec>> base(FabricView view) {
        List<FlowSpec> base = new ArrayList<>();
        base.add(FlowSpec.of(INGRESS, DEFAULT_DROP, List.of()));
        List<TableId> stages = TenantPipeline.STAGES;
        for (int i = 1; i < stages.size() - 1; i++) {
            base.add(FlowSpec.of(stages.get(i), PASS_THROUGH,
                    List.of(OF.instructions().gotoTable(TenantPipeline.next(stages.get(i))))));
        }
        Map<DatapathId, List<FlowSpec>> out = new HashMap<>();
        for (TransportNode n : view.config().transportNodes()) {
            out.put(n.dpid(), base);
        }
        return out;
    }

    private static List<OFInstruction> toNetwork(int segment, boolean fromTunnel) {
        OFFactory f = OF;
        return List.of(
                f.instructions().writeMetadata(metadata(segment, fromTunnel), METADATA_MASK),
                f.instructions().gotoTable(TenantPipeline.next(INGRESS)));
    }
}
