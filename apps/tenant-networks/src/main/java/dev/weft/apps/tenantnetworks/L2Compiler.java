package dev.weft.apps.tenantnetworks;

import dev.weft.api.flow.FlowSpec;
import dev.weft.api.tenant.FabricView;
import dev.weft.api.tenant.LogicalNetwork;
import dev.weft.api.tenant.LogicalPort;
import dev.weft.api.tenant.NetworkFlowsKeeper;
import dev.weft.api.tenant.PortLocation;
import dev.weft.api.tenant.TransportNode;
import org.projectfloodlight.openflow.protocol.action.OFAction;
import org.projectfloodlight.openflow.protocol.instruction.OFInstruction;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.ArpOpcode;
import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.EthType;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.OFMetadata;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.U64;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static dev.weft.api.tenant.TenantPipeline.ARP;
import static dev.weft.api.tenant.TenantPipeline.GROUP_BIT;
import static dev.weft.api.tenant.TenantPipeline.L2;
import static dev.weft.api.tenant.TenantPipeline.METADATA_MASK;
import static dev.weft.api.tenant.TenantPipeline.OF;
import static dev.weft.api.tenant.TenantPipeline.SEGMENT_MASK;
import static dev.weft.api.tenant.TenantPipeline.metadata;

/**
 * Tables 1 and 2 of the tenant pipeline for one logical network, per hypervisor:
 * <ul>
 *   <li>ARP (table 1): a local VM asking for the address of another port of its network gets the
 *       answer from its own hypervisor, with no broadcast (one entry per local asker and target
 *       address: OpenFlow 1.3 cannot copy the asker's addresses into the answer).</li>
 *   <li>L2 (table 2): a known (network, MAC) goes to the local port, or into the tunnel to the
 *       hypervisor where it is, with tunnel_id = segment; what came from a tunnel never goes into
 *       a tunnel again. Broadcast and multicast go to the network's local ports and, when sent
 *       locally, one copy to each other hypervisor hosting the network (head-end replication).
 *       Unknown destinations match nothing and are dropped.</li>
 * </ul>
 */
public final class L2Compiler implements NetworkFlowsKeeper.Compiler {
    static final int ANSWER = 200;
    static final int UNICAST = 200;
    static final int FLOOD = 100;

    @Override
    public Map<DatapathId, List<FlowSpec>> network(LogicalNetwork net, FabricView view) {
        int seg = net.segment();
        // Where each located port of the network is, hypervisors in a stable order.
        Map<DatapathId, List<Located>> byHost = new LinkedHashMap<>();
        for (LogicalPort p : net.ports()) {
            Optional<PortLocation> at = view.location(p);
            if (at.isPresent() && view.config().node(at.get().dpid()).isPresent()) {
                byHost.computeIfAbsent(at.get().dpid(), d -> new ArrayList<>()).add(new Located(p, at.get().port()));
            }
        }
        Map<DatapathId, List<FlowSpec>> out = new HashMap<>();
        // Shared within this compile: many entries carry the same instructions or match values.
        Map<OFPort, List<OFInstruction>> toPort = new HashMap<>();
        Map<OFPort, List<OFInstruction>> toTunnel = new HashMap<>();
        OFAction setTunnelId = OF.actions().setField(OF.oxms().tunnelId(U64.of(seg)));
        U64 local = metadata(seg, false);
        U64 fromTunnel = metadata(seg, true);
        OFMetadata segmentOnly = OFMetadata.of(U64.of(SEGMENT_MASK));
        for (var host : byHost.entrySet()) {
            DatapathId here = host.getKey();
            List<FlowSpec> flows = new ArrayList<>();
            // ARP answered in place.
            for (Located asker : host.getValue()) {
                for (IPv4Address askerIp : asker.port().ips()) {
                    for (LogicalPort target : net.ports()) {
                        if (target == asker.port()) {
                            continue;
                        }
                        for (IPv4Address targetIp : target.ips()) {
                            flows.add(arpAnswer(asker, askerIp, target, targetIp));
                        }
                    }
                }
            }
            // Unicast by (network, MAC).
            List<OFAction> floodLocal = new ArrayList<>();
            List<OFAction> floodRemote = new ArrayList<>();
            for (var there : byHost.entrySet()) {
                boolean isHere = there.getKey().equals(here);
                Optional<OFPort> tunnel = isHere ? Optional.empty()
                        : view.config().node(there.getKey()).flatMap(n -> view.tunnel(here, n));
                if (!isHere && tunnel.isEmpty()) {
                    continue; // this hypervisor has not reported its tunnel there yet
                }
                for (Located q : there.getValue()) {
                    if (isHere) {
                        flows.add(new FlowSpec(L2, UNICAST, OF.buildMatch()
                                .setMasked(MatchField.METADATA, OFMetadata.of(local), segmentOnly)
                                .setExact(MatchField.ETH_DST, q.port().mac()).build(),
                                toPort.computeIfAbsent(q.ofPort(), p -> apply(List.of(OF.actions().output(p, 0))))));
                        floodLocal.add(OF.actions().output(q.ofPort(), 0));
                    } else {
                        OFPort t = tunnel.get();
                        flows.add(new FlowSpec(L2, UNICAST, OF.buildMatch()
                                .setMasked(MatchField.METADATA, OFMetadata.of(local), OFMetadata.of(METADATA_MASK))
                                .setExact(MatchField.ETH_DST, q.port().mac()).build(),
                                toTunnel.computeIfAbsent(t, p -> apply(List.of(setTunnelId, OF.actions().output(p, 0))))));
                    }
                }
                if (!isHere) {
                    floodRemote.add(OF.actions().output(tunnel.get(), 0));
                }
            }
            // Broadcast and multicast: local ports, plus one copy per remote hypervisor when sent here.
            List<OFAction> all = new ArrayList<>(floodLocal);
            if (!floodRemote.isEmpty()) {
                all.add(setTunnelId);
                all.addAll(floodRemote);
            }
            flows.add(new FlowSpec(L2, FLOOD, OF.buildMatch()
                    .setMasked(MatchField.METADATA, OFMetadata.of(local), OFMetadata.of(METADATA_MASK))
                    .setMasked(MatchField.ETH_DST, GROUP_BIT, GROUP_BIT).build(), apply(all)));
            flows.add(new FlowSpec(L2, FLOOD, OF.buildMatch()
                    .setMasked(MatchField.METADATA, OFMetadata.of(fromTunnel), OFMetadata.of(METADATA_MASK))
                    .setMasked(MatchField.ETH_DST, GROUP_BIT, GROUP_BIT).build(), apply(floodLocal)));
            out.put(here, flows);
        }
        return out;
    }

    /** Table 1's default: on to L2, on every transport node. */
    @Override
    public Map<DatapathId, List<FlowSpec>> base(FabricView view) {
        Map<DatapathId, List<FlowSpec>> out = new HashMap<>();
        for (TransportNode n : view.config().transportNodes()) {
            out.put(n.dpid(), List.of(new FlowSpec(ARP, 0, OF.buildMatch().build(),
                    List.of(OF.instructions().gotoTable(L2)))));
        }
        return out;
    }

    private static FlowSpec arpAnswer(Located asker, IPv4Address askerIp, LogicalPort target, IPv4Address targetIp) {
        var a = OF.actions();
        var x = OF.oxms();
        return new FlowSpec(ARP, ANSWER, OF.buildMatch()
                .setExact(MatchField.IN_PORT, asker.ofPort())
                .setExact(MatchField.ETH_TYPE, EthType.ARP)
                .setExact(MatchField.ARP_OP, ArpOpcode.REQUEST)
                .setExact(MatchField.ARP_SPA, askerIp)
                .setExact(MatchField.ARP_TPA, targetIp).build(),
                apply(List.of(
                        a.setField(x.ethDst(asker.port().mac())),
                        a.setField(x.ethSrc(target.mac())),
                        a.setField(x.arpOp(ArpOpcode.REPLY)),
                        a.setField(x.arpSha(target.mac())),
                        a.setField(x.arpSpa(targetIp)),
                        a.setField(x.arpTha(asker.port().mac())),
                        a.setField(x.arpTpa(askerIp)),
                        a.output(OFPort.IN_PORT, 0))));
    }

    private static List<OFInstruction> apply(List<OFAction> actions) {
        return List.of(OF.instructions().applyActions(actions));
    }

    private record Located(LogicalPort port, OFPort ofPort) {
    }
}
