package dev.weft.apps.routers;

import dev.weft.api.flow.FlowSpec;
import dev.weft.api.tenant.ExternalNetwork;
import dev.weft.api.tenant.FabricView;
import dev.weft.api.tenant.FloatingIp;
import dev.weft.api.tenant.LogicalNetwork;
import dev.weft.api.tenant.LogicalPort;
import dev.weft.api.tenant.LogicalRouter;
import dev.weft.api.tenant.RouterGateway;
import dev.weft.api.tenant.RouterPort;
import dev.weft.api.tenant.TransportNode;
import dev.weft.apps.tenantpipeline.Presence;
import dev.weft.apps.tenantpipeline.TenantPipeline;
import dev.weft.ovsext.NxCt;
import dev.weft.ovsext.NxNat;
import org.projectfloodlight.openflow.protocol.action.OFAction;
import org.projectfloodlight.openflow.protocol.instruction.OFInstruction;
import org.projectfloodlight.openflow.protocol.oxm.OFOxm;
import org.projectfloodlight.openflow.protocol.oxm.OFOxms;
import org.projectfloodlight.openflow.types.ArpOpcode;
import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.EthType;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFMetadata;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.U64;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static dev.weft.apps.tenantpipeline.TenantPipeline.INGRESS;
import static dev.weft.apps.tenantpipeline.TenantPipeline.L3;
import static dev.weft.apps.tenantpipeline.TenantPipeline.L3_ROUTE_BASE;
import static dev.weft.apps.tenantpipeline.TenantPipeline.METADATA_MASK;
import static dev.weft.apps.tenantpipeline.TenantPipeline.OF;
import static dev.weft.apps.tenantpipeline.TenantPipeline.metadata;

/**
 * A router's way out, through the gateway node of its external network (the one node with the
 * uplink), with Open vSwitch connection tracking in the router's zone:
 * <ul>
 *   <li>On a hypervisor with ports of network N: a packet to the router for an address that no
 *       route knows goes, TTL decremented, into the tunnel to the gateway node with N's segment.</li>
 *   <li>On the gateway node, such a packet (or one sent there) is tagged with the router's zone and
 *       goes through {@code ct(commit, nat(src=...))}: source NAT to the port's floating IP, or to
 *       the router's outside address (when {@code snat} is on); the translated packet comes back to
 *       the L3 stage and leaves by the uplink, to the outside router's MAC.</li>
 *   <li>From the uplink, to the router's MAC: a packet for a floating IP goes through
 *       {@code ct(commit, nat(dst=fixed IP))}, one for the router's outside address through
 *       {@code ct(nat)} (replies of translated connections only); back in the L3 stage, the packet
 *       now addressed to a port of the router's networks is routed into that network there (TTL
 *       decremented, MACs rewritten), whose L2 stage takes it to wherever the VM is now.</li>
 *   <li>ARP on the uplink for the router's outside address or a floating IP is answered in place,
 *       to the outside router's MAC.</li>
 * </ul>
 * Entries for one network (its outbound translations, its ports inbound) are in that network's
 * scope; those of the router as a whole (uplink classification, ARP, out by the uplink) in the
 * scope of its first network. Connection state lives on the gateway node alone, so a VM that
 * moves keeps its connections and floating IP. A pure function of a {@link FabricView}.
 */
final class GatewayCompiler {
    /** After the connection tracker, the packets are told apart by their metadata alone. */
    static final int AFTER_CT = 600;
    static final int UPLINK_IN = 200;
    static final int FLOATING_OUT = L3_ROUTE_BASE + 1;

    /** What a router with a gateway needs, resolved; empty when it has none or its outside is unknown. */
    record Way(LogicalRouter router, RouterGateway gateway, ExternalNetwork outside, TransportNode node) {
    }

    static Optional<Way> way(LogicalRouter r, FabricView view) {
        if (r.gateway().isEmpty()) {
            return Optional.empty();
        }
        RouterGateway g = r.gateway().get();
        return view.config().externalNetwork(g.network()).flatMap(x -> view.config().node(x.dpid())
                .map(n -> new Way(r, g, x, n)));
    }

    /**
     * The default route of network N on hypervisor {@code here} (not the gateway node, where
     * {@link #network} has it): into the tunnel to the gateway node, once that tunnel is known.
     */
    static Optional<List<OFInstruction>> outbound(Way w, RouterPort from, DatapathId here, FabricView view) {
        return view.tunnelTo(here, w.node()).map(t -> {
            List<OFAction> a = new ArrayList<>(List.of(OF.actions().decNwTtl(),
                    OF.actions().setField(OF.oxms().tunnelId(U64.of(from.segment())))));
            a.addAll(TenantPipeline.intoTunnel(t));
            return List.of(OF.instructions().applyActions(a));
        });
    }

    /** The gateway node's entries for network N of router R (translations out, its ports in). */
    Map<DatapathId, List<FlowSpec>> network(LogicalRouter r, LogicalNetwork net, FabricView view) {
        Optional<Way> found = way(r, view);
        if (found.isEmpty()) {
            return Map.of();
        }
        Way w = found.get();
        OFOxms x = OF.oxms();
        RouterPort mine = r.port(net.segment()).orElseThrow();
        List<FlowSpec> flows = new ArrayList<>();
        // Out: from the tunnels (routed and TTL-decremented on the sender's hypervisor).
        OFOxm<?> fromTunnels = x.metadataMasked(OFMetadata.of(metadata(net.segment(), true)), OFMetadata.of(METADATA_MASK));
        OFOxm<?> toRouter = x.ethDst(mine.mac());
        OFOxm<?> ipv4 = x.ethType(EthType.IPv4);
        // ... and from VMs on the gateway node itself, whose TTL is decremented here.
        boolean local = Presence.hosts(net, view).contains(w.node().dpid());
        Map<String, FloatingIp> floating = new HashMap<>();
        w.gateway().floatingIps().forEach(f -> floating.put(f.port(), f));
        for (int pass = 0; pass < (local ? 2 : 1); pass++) {
            OFOxm<?> origin = pass == 0 ? fromTunnels : TenantPipeline.sentHere(net.segment());
            List<OFAction> first = pass == 0 ? List.of() : List.of(OF.actions().decNwTtl());
            if (w.gateway().snat()) {
                flows.add(FlowSpec.of(L3, L3_ROUTE_BASE, apply(concat(first, translateOut(w, w.gateway().ip()))), origin,
                        toRouter, ipv4));
            }
            for (LogicalPort p : net.ports()) {
                FloatingIp f = floating.get(p.name());
                if (f != null) {
                    flows.add(FlowSpec.of(L3, FLOATING_OUT, apply(concat(first, translateOut(w, f.ip()))), origin,
                            toRouter, ipv4, x.ipv4Src(f.fixedIp())));
                }
            }
        }
        // In: after the tracker, to a port of this network: routed into it here.
        OFOxm<?> arrived = x.metadataMasked(OFMetadata.of(TenantPipeline.gateway(w.gateway().zone(), false)),
                OFMetadata.of(METADATA_MASK));
        for (LogicalPort p : net.ports()) {
            List<OFInstruction> into = List.of(OF.instructions().applyActions(List.of(OF.actions().decNwTtl(),
                            OF.actions().setField(x.ethSrc(mine.mac())), OF.actions().setField(x.ethDst(p.mac())),
                            OF.actions().setField(x.metadata(OFMetadata.of(metadata(net.segment(), false)))))),
                    OF.instructions().gotoTable(TenantPipeline.next(L3)));
            for (IPv4Address ip : p.ips()) {
                flows.add(FlowSpec.of(L3, AFTER_CT, into, arrived, ipv4, x.ipv4Dst(ip)));
            }
        }
        if (r.ports().get(0).segment() == net.segment()) {
            router(w, view, flows);
        }
        return Map.of(w.node().dpid(), flows);
    }

    /** The router's own entries on the gateway node: the uplink (in, ARP) and the way out by it. */
    private static void router(Way w, FabricView view, List<FlowSpec> flows) {
        Optional<OFPort> uplink = view.uplink(w.outside());
        Optional<MacAddress> outsideMac = w.outside().gatewayMac();
        if (uplink.isEmpty() || outsideMac.isEmpty()) {
            return; // the gateway node has not reported its uplink yet
        }
        OFOxms x = OF.oxms();
        RouterGateway g = w.gateway();
        OFOxm<?> in = x.inPort(uplink.get());
        // Out by the uplink, after the translation.
        flows.add(FlowSpec.of(L3, AFTER_CT, apply(List.of(OF.actions().setField(x.ethSrc(g.mac())),
                        OF.actions().setField(x.ethDst(outsideMac.get())), OF.actions().output(uplink.get(), 0))),
                x.metadataMasked(OFMetadata.of(TenantPipeline.gateway(g.zone(), true)), OFMetadata.of(METADATA_MASK))));
        // In from the uplink: floating IPs (translated to their port), the router's address (replies).
        List<OFAction> tag = List.of(OF.actions().setField(x.metadata(OFMetadata.of(TenantPipeline.gateway(g.zone(), false)))));
        flows.add(FlowSpec.of(INGRESS, UPLINK_IN, apply(append(tag, NxCt.track(g.zone(), L3).withActions(NxNat.reverse()))),
                in, x.ethDst(g.mac()), x.ethType(EthType.IPv4), x.ipv4Dst(g.ip())));
        for (FloatingIp f : g.floatingIps()) {
            flows.add(FlowSpec.of(INGRESS, UPLINK_IN, apply(append(tag, NxCt.commit(g.zone()).withTable(L3)
                            .withActions(NxNat.dst(f.fixedIp())))),
                    in, x.ethDst(g.mac()), x.ethType(EthType.IPv4), x.ipv4Dst(f.ip())));
        }
        // ARP from the outside router for our addresses, answered in place, to its MAC: whatever
        // sender address it asks from (Linux asks from the source of the packet it is sending,
        // which may be another of its addresses), the answer goes to the configured next hop.
        List<IPv4Address> ours = new ArrayList<>();
        ours.add(g.ip());
        g.floatingIps().forEach(f -> ours.add(f.ip()));
        for (IPv4Address a : ours) {
            flows.add(FlowSpec.of(INGRESS, UPLINK_IN, apply(List.of(
                            OF.actions().setField(x.ethDst(outsideMac.get())),
                            OF.actions().setField(x.ethSrc(g.mac())),
                            OF.actions().setField(x.arpOp(ArpOpcode.REPLY)),
                            OF.actions().setField(x.arpSha(g.mac())),
                            OF.actions().setField(x.arpSpa(a)),
                            OF.actions().setField(x.arpTha(outsideMac.get())),
                            OF.actions().setField(x.arpTpa(w.outside().gateway())),
                            OF.actions().output(OFPort.IN_PORT, 0))),
                    in, x.ethType(EthType.ARP), x.arpOp(ArpOpcode.REQUEST), x.arpTpa(a)));
        }
    }

    /** Tag the packet as on its way out for the router's zone, translate its source, on to L3. */
    private static List<OFAction> translateOut(Way w, IPv4Address source) {
        int zone = w.gateway().zone();
        return List.of(OF.actions().setField(OF.oxms().metadata(OFMetadata.of(TenantPipeline.gateway(zone, true)))),
                NxCt.commit(zone).withTable(L3).withActions(NxNat.src(source)));
    }

    private static List<OFInstruction> apply(List<OFAction> actions) {
        return List.of(OF.instructions().applyActions(actions));
    }

    private static List<OFAction> concat(List<OFAction> first, List<OFAction> rest) {
        List<OFAction> l = new ArrayList<>(first);
        l.addAll(rest);
        return l;
    }

    private static List<OFAction> append(List<OFAction> first, OFAction last) {
        List<OFAction> l = new ArrayList<>(first);
        l.add(last);
        return l;
    }
}
