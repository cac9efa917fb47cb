package dev.weft.apps.tenantnetworks;

import dev.weft.api.flow.FlowSpec;
import dev.weft.api.tenant.FabricView;
import dev.weft.api.tenant.LogicalNetwork;
import dev.weft.api.tenant.LogicalPort;
import dev.weft.apps.tenantpipeline.NetworkFlowsKeeper;
import dev.weft.apps.tenantpipeline.Presence;
import dev.weft.apps.tenantpipeline.TenantPipeline;
import dev.weft.api.tenant.TransportNode;
import dev.weft.api.tenant.PortLocation;
import org.projectfloodlight.openflow.protocol.action.OFAction;
import org.projectfloodlight.openflow.protocol.instruction.OFInstruction;
import org.projectfloodlight.openflow.protocol.oxm.OFOxm;
import org.projectfloodlight.openflow.protocol.oxm.OFOxms;
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

import static dev.weft.apps.tenantpipeline.TenantPipeline.ARP;
import static dev.weft.apps.tenantpipeline.TenantPipeline.GROUP_BIT;
import static dev.weft.apps.tenantpipeline.TenantPipeline.L2;
import static dev.weft.apps.tenantpipeline.TenantPipeline.METADATA_MASK;
import static dev.weft.apps.tenantpipeline.TenantPipeline.OF;
import static dev.weft.apps.tenantpipeline.TenantPipeline.SEGMENT_MATCH_MASK;
import static dev.weft.apps.tenantpipeline.TenantPipeline.metadata;

/**
 * The ARP and L2 stages of the tenant pipeline for one logical network, per hypervisor (what a
 * stage does not answer goes on to the next: see {@link dev.weft.apps.tenantpipeline.TenantPipeline}):
 * <ul>
 *   <li>ARP: a local VM asking for the address of another port of its network gets the
 *       answer from its own hypervisor, with no broadcast (one entry per local asker and target
 *       address: OpenFlow 1.3 cannot copy the asker's addresses into the answer).</li>
 *   <li>L2: a known (network, MAC) goes to the local port, or into the tunnel to the
 *       hypervisor where it is, with tunnel_id = segment; what came from a tunnel never goes into
 *       a tunnel again. Broadcast and multicast go to the network's local ports and, when sent
 *       locally, one copy to each other hypervisor hosting the network (head-end replication).
 *       Unknown destinations match nothing and are dropped.</li>
 * </ul>
 */
public final class L2Compiler implements NetworkFlowsKeeper.Compiler {
    /** Port security and forwarding read no security groups nor rate limits. */
    @Override
    public boolean readsPortPolicy() {
        return false;
    }

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
        // A node that bridges the network to a VLAN is one more host to flood to (the gateway
        // app sends what arrives there out of its VLAN port).
        view.config().vlanGateways(seg).forEach(g -> byHost.putIfAbsent(g.dpid(), new ArrayList<>()));
        Map<DatapathId, List<FlowSpec>> out = new HashMap<>();
        OFOxms x = OF.oxms();
        // Shared within this compile: many entries carry the same instructions or match fields.
        Map<OFPort, List<OFInstruction>> toPort = new HashMap<>();
        // By port and remote endpoint: a flow-based port is shared by all remotes (each with its
        // tun_dst), and one port number means different tunnels on different hypervisors.
        Map<FabricView.Tunnel, List<OFInstruction>> toTunnel = new HashMap<>();
        OFAction setTunnelId = OF.actions().setField(x.tunnelId(U64.of(seg)));
        OFOxm<?> anyOrigin = x.metadataMasked(OFMetadata.of(metadata(seg, false)), OFMetadata.of(SEGMENT_MATCH_MASK));
        OFOxm<?> localOrigin = x.metadataMasked(OFMetadata.of(metadata(seg, false)), OFMetadata.of(METADATA_MASK));
        OFOxm<?> tunnelOrigin = x.metadataMasked(OFMetadata.of(metadata(seg, true)), OFMetadata.of(METADATA_MASK));
        OFOxm<?> group = x.ethDstMasked(GROUP_BIT, GROUP_BIT);
        Map<LogicalPort, OFOxm<?>> dstOf = new HashMap<>();
        for (var host : byHost.values()) {
            for (Located q : host) {
                dstOf.put(q.port(), x.ethDst(q.port().mac()));
            }
        }
        for (var host : byHost.entrySet()) {
            DatapathId here = host.getKey();
            List<FlowSpec> flows = new ArrayList<>();
            // ARP answered in place.
            for (Located asker : host.getValue()) {
                for (IPv4Address askerIp : asker.port().ips()) {
                    ArpAsker a = new ArpAsker(asker, askerIp);
                    for (LogicalPort target : net.ports()) {
                        if (target == asker.port()) {
                            continue;
                        }
                        for (IPv4Address targetIp : target.ips()) {
                            flows.add(a.answer(target, targetIp));
                        }
                    }
                }
            }
            // Unicast by (network, MAC).
            List<OFAction> floodLocal = new ArrayList<>();
            List<OFAction> floodRemote = new ArrayList<>();
            for (var there : byHost.entrySet()) {
                boolean isHere = there.getKey().equals(here);
                Optional<TransportNode> remote = view.config().node(there.getKey());
                Optional<FabricView.Tunnel> tunnel = isHere ? Optional.empty()
                        : remote.flatMap(n -> view.tunnelTo(here, n));
                if (!isHere && tunnel.isEmpty()) {
                    continue; // this hypervisor has not reported its tunnel there yet
                }
                for (Located q : there.getValue()) {
                    if (isHere) {
                        flows.add(FlowSpec.of(L2, UNICAST,
                                toPort.computeIfAbsent(q.ofPort(), p -> apply(List.of(OF.actions().output(p, 0)))),
                                anyOrigin, dstOf.get(q.port())));
                        floodLocal.add(OF.actions().output(q.ofPort(), 0));
                    } else {
                        flows.add(FlowSpec.of(L2, UNICAST, toTunnel.computeIfAbsent(tunnel.get(),
                                        t -> apply(withTunnelId(setTunnelId, t))),
                                localOrigin, dstOf.get(q.port())));
                    }
                }
                if (!isHere) {
                    floodRemote.addAll(TenantPipeline.intoTunnel(tunnel.get()));
                }
            }
            // Broadcast and multicast: local ports, plus one copy per remote hypervisor when sent here.
            List<OFAction> all = new ArrayList<>(floodLocal);
            if (!floodRemote.isEmpty()) {
                all.add(setTunnelId);
                all.addAll(floodRemote);
            }
            flows.add(FlowSpec.of(L2, FLOOD, apply(all), localOrigin, group));
            flows.add(FlowSpec.of(L2, FLOOD, apply(floodLocal), tunnelOrigin, group));
            out.put(here, flows);
        }
        // Where the network has no port but packets are routed into it (routing is done where a
        // packet is sent): unicast into the tunnels towards its ports, nothing else.
        for (DatapathId here : Presence.reach(net, view)) {
            if (byHost.containsKey(here)) {
                continue;
            }
            List<FlowSpec> flows = new ArrayList<>();
            for (var there : byHost.entrySet()) {
                Optional<TransportNode> remote = view.config().node(there.getKey());
                Optional<FabricView.Tunnel> tunnel = remote.flatMap(n -> view.tunnelTo(here, n));
                if (tunnel.isEmpty()) {
                    continue;
                }
                for (Located q : there.getValue()) {
                    flows.add(FlowSpec.of(L2, UNICAST, toTunnel.computeIfAbsent(tunnel.get(),
                            t -> apply(withTunnelId(setTunnelId, t))), localOrigin, dstOf.get(q.port())));
                }
            }
            out.put(here, flows);
        }
        return out;
    }

    private static List<OFAction> withTunnelId(OFAction setTunnelId, FabricView.Tunnel t) {
        List<OFAction> a = new ArrayList<>();
        a.add(setTunnelId);
        a.addAll(TenantPipeline.intoTunnel(t));
        return a;
    }

    /** The fields and actions of ARP answers that depend only on the asker, built once per asker. */
    private static final class ArpAsker {
        private final OFOxm<?> in;
        private final OFOxm<?> spa;
        private final OFAction toAsker;
        private final OFAction thaAsker;
        private final OFAction tpaAsker;
        private static final OFOxm<?> ARP_TYPE = OF.oxms().ethType(EthType.ARP);
        private static final OFOxm<?> REQUEST = OF.oxms().arpOp(ArpOpcode.REQUEST);
        private static final OFAction REPLY = OF.actions().setField(OF.oxms().arpOp(ArpOpcode.REPLY));
        private static final OFAction BACK = OF.actions().output(OFPort.IN_PORT, 0);

        ArpAsker(Located asker, IPv4Address askerIp) {
            var x = OF.oxms();
            in = x.inPort(asker.ofPort());
            spa = x.arpSpa(askerIp);
            toAsker = OF.actions().setField(x.ethDst(asker.port().mac()));
            thaAsker = OF.actions().setField(x.arpTha(asker.port().mac()));
            tpaAsker = OF.actions().setField(x.arpTpa(askerIp));
        }

        FlowSpec answer(LogicalPort target, IPv4Address targetIp) {
            var a = OF.actions();
            var x = OF.oxms();
            return FlowSpec.of(ARP, ANSWER, apply(List.of(
                            toAsker,
                            a.setField(x.ethSrc(target.mac())),
                            REPLY,
                            a.setField(x.arpSha(target.mac())),
                            a.setField(x.arpSpa(targetIp)),
                            thaAsker,
                            tpaAsker,
                            BACK)),
                    in, ARP_TYPE, REQUEST, spa, x.arpTpa(targetIp));
        }
    }

    private static List<OFInstruction> apply(List<OFAction> actions) {
        return List.of(OF.instructions().applyActions(actions));
    }

    private record Located(LogicalPort port, OFPort ofPort) {
    }
}
