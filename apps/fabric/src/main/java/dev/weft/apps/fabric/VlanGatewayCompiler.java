package dev.weft.apps.fabric;

import dev.weft.api.flow.FlowSpec;
import dev.weft.api.tenant.Binding;
import dev.weft.api.tenant.FabricView;
import dev.weft.api.tenant.LogicalNetwork;
import dev.weft.api.tenant.LogicalPort;
import dev.weft.api.tenant.TransportNode;
import dev.weft.api.tenant.VlanGateway;
import dev.weft.apps.tenantpipeline.NetworkFlowsKeeper;
import dev.weft.apps.tenantpipeline.Presence;
import dev.weft.apps.tenantpipeline.TenantPipeline;
import org.projectfloodlight.openflow.protocol.action.OFAction;
import org.projectfloodlight.openflow.protocol.instruction.OFInstruction;
import org.projectfloodlight.openflow.protocol.oxm.OFOxm;
import org.projectfloodlight.openflow.protocol.oxm.OFOxms;
import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.EthType;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFMetadata;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.OFVlanVidMatch;
import org.projectfloodlight.openflow.types.U64;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

import static dev.weft.apps.tenantpipeline.TenantPipeline.GROUP_BIT;
import static dev.weft.apps.tenantpipeline.TenantPipeline.INGRESS;
import static dev.weft.apps.tenantpipeline.TenantPipeline.L2;
import static dev.weft.apps.tenantpipeline.TenantPipeline.METADATA_MASK;
import static dev.weft.apps.tenantpipeline.TenantPipeline.OF;
import static dev.weft.apps.tenantpipeline.TenantPipeline.SEGMENT_MATCH_MASK;
import static dev.weft.apps.tenantpipeline.TenantPipeline.metadata;

/**
 * The tenant pipeline's side of an L2 gateway ({@link VlanGateway}): a logical network bridged to
 * a VLAN on a physical port of a transport node, the MACs behind it unknown to the config.
 * <ul>
 *   <li>Ingress on the gateway node: frames from the port tagged with the VLAN enter the network
 *       (tag popped), except those claiming a MAC of one of the network's logical ports (dropped:
 *       the VLAN side cannot impersonate a VM), unless that port is a server bound to a switch that
 *       is no transport node (a fabric behind the VLAN: a mixed site, see {@link VlanPort}). A source MAC not learned yet also sends a copy to
 *       the controller, which learns it ({@link #learned}); nothing else from the port gets in.</li>
 *   <li>L2 on the gateway node: broadcast and multicast that came from a tunnel go out of the port
 *       (tagged); so does any destination no entry knows (the MACs behind the VLAN).</li>
 *   <li>L2 on every other node with the network: a destination no entry knows goes into the tunnel
 *       to the gateway node (the tenant-networks app floods to it already: it is a host of the
 *       network, see {@link Presence#hosts}).</li>
 * </ul>
 * Priorities sit around the tenant-networks app's (unicast 200, flood 100): learned sources 210
 * and impersonation 220 in ingress; gateway flood 101 and unknown destinations 1 in L2. A
 * gateway node that also hosts VMs of the bridged network is not supported (its local flood
 * would bypass the VLAN).
 */
public final class VlanGatewayCompiler implements NetworkFlowsKeeper.Compiler {
    static final int IMPERSONATION = 220;
    static final int LEARNED = 210;
    static final int ADMIT = 200;
    static final int GATEWAY_FLOOD = 101;
    static final int UNKNOWN = 1;
    private static final OFOxms X = OF.oxms();

    private final Function<String, Set<MacAddress>> learned;

    /** {@code learned}: the MACs learned behind each gateway, by gateway name. */
    public VlanGatewayCompiler(Function<String, Set<MacAddress>> learned) {
        this.learned = learned;
    }

    public VlanGatewayCompiler() {
        this(g -> Set.of());
    }

    @Override
    public Map<DatapathId, List<FlowSpec>> network(LogicalNetwork net, FabricView view) {
        Map<DatapathId, List<FlowSpec>> out = new HashMap<>();
        int seg = net.segment();
        for (VlanGateway g : view.config().vlanGateways(seg)) {
            TransportNode gwNode = view.config().node(g.dpid()).orElse(null);
            if (gwNode == null) {
                continue;
            }
            List<FlowSpec> here = out.computeIfAbsent(g.dpid(), d -> new ArrayList<>());
            OFOxm<?> in = X.inPort(g.port());
            OFOxm<?> tag = X.vlanVid(OFVlanVidMatch.ofVlan(g.vlan()));
            List<OFInstruction> enter = List.of(OF.instructions().applyActions(List.of(OF.actions().popVlan())),
                    OF.instructions().writeMetadata(metadata(seg, false), METADATA_MASK),
                    OF.instructions().gotoTable(TenantPipeline.next(INGRESS)));
            for (LogicalPort p : net.ports()) {
                // Servers bound to a port of a switch that is no transport node (a fabric behind
                // the VLAN: a mixed site) are legitimately on that side, known without learning;
                // every other port is not.
                boolean behind = p.binding() instanceof Binding.Static st && view.config().node(st.dpid()).isEmpty();
                here.add(behind ? FlowSpec.of(INGRESS, LEARNED, enter, in, tag, X.ethSrc(p.mac()))
                        : FlowSpec.of(INGRESS, IMPERSONATION, List.of(), in, tag, X.ethSrc(p.mac())));
            }
            for (MacAddress m : learned.apply(g.name())) {
                here.add(FlowSpec.of(INGRESS, LEARNED, enter, in, tag, X.ethSrc(m)));
            }
            here.add(FlowSpec.of(INGRESS, ADMIT, List.of(OF.instructions().applyActions(List.of(
                            OF.actions().output(OFPort.CONTROLLER, 0xffff), OF.actions().popVlan())),
                    OF.instructions().writeMetadata(metadata(seg, false), METADATA_MASK),
                    OF.instructions().gotoTable(TenantPipeline.next(INGRESS))), in, tag));
            List<OFAction> toVlan = List.of(OF.actions().pushVlan(EthType.VLAN_FRAME),
                    OF.actions().setField(X.vlanVid(OFVlanVidMatch.ofVlan(g.vlan()))), OF.actions().output(g.port(), 0));
            List<OFInstruction> toGateway = List.of(OF.instructions().applyActions(toVlan));
            OFOxm<?> fromTunnel = X.metadataMasked(OFMetadata.of(metadata(seg, true)), OFMetadata.of(METADATA_MASK));
            OFOxm<?> anyOrigin = X.metadataMasked(OFMetadata.of(metadata(seg, false)), OFMetadata.of(SEGMENT_MATCH_MASK));
            here.add(FlowSpec.of(L2, GATEWAY_FLOOD, toGateway, fromTunnel, X.ethDstMasked(GROUP_BIT, GROUP_BIT)));
            here.add(FlowSpec.of(L2, UNKNOWN, toGateway, anyOrigin));
            // Elsewhere: unknown destinations into the tunnel to the gateway node.
            OFOxm<?> sentLocally = X.metadataMasked(OFMetadata.of(metadata(seg, false)), OFMetadata.of(METADATA_MASK));
            for (DatapathId d : Presence.hosts(net, view)) {
                if (d.equals(g.dpid())) {
                    continue;
                }
                Optional<OFPort> t = view.tunnel(d, gwNode);
                t.ifPresent(port -> out.computeIfAbsent(d, k -> new ArrayList<>()).add(FlowSpec.of(L2, UNKNOWN,
                        List.of(OF.instructions().applyActions(List.of(
                                OF.actions().setField(X.tunnelId(U64.of(seg))), OF.actions().output(port, 0)))),
                        sentLocally)));
            }
        }
        return out;
    }
}
