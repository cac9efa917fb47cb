package dev.weft.apps.routers;

import dev.weft.api.flow.FlowSpec;
import dev.weft.api.tenant.FabricView;
import dev.weft.api.tenant.LogicalNetwork;
import dev.weft.api.tenant.LogicalPort;
import dev.weft.api.tenant.LogicalRouter;
import dev.weft.api.tenant.PortLocation;
import dev.weft.api.tenant.RouterPort;
import dev.weft.api.tenant.StaticRoute;
import dev.weft.apps.tenantpipeline.NetworkFlowsKeeper;
import dev.weft.apps.tenantpipeline.TenantPipeline;
import org.projectfloodlight.openflow.protocol.action.OFAction;
import org.projectfloodlight.openflow.protocol.instruction.OFInstruction;
import org.projectfloodlight.openflow.protocol.oxm.OFOxm;
import org.projectfloodlight.openflow.protocol.oxm.OFOxms;
import org.projectfloodlight.openflow.types.ArpOpcode;
import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.EthType;
import org.projectfloodlight.openflow.types.ICMPv4Type;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.IPv4AddressWithMask;
import org.projectfloodlight.openflow.types.IpProtocol;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static dev.weft.apps.tenantpipeline.TenantPipeline.ARP;
import static dev.weft.apps.tenantpipeline.TenantPipeline.L3;
import static dev.weft.apps.tenantpipeline.TenantPipeline.L3_ROUTER_ANSWER;
import static dev.weft.apps.tenantpipeline.TenantPipeline.L3_ROUTER_OWN;
import static dev.weft.apps.tenantpipeline.TenantPipeline.L3_ROUTE_BASE;
import static dev.weft.apps.tenantpipeline.TenantPipeline.METADATA_MASK;
import static dev.weft.apps.tenantpipeline.TenantPipeline.OF;
import static dev.weft.apps.tenantpipeline.TenantPipeline.metadata;
import static dev.weft.apps.tenantpipeline.TenantPipeline.sentHere;

/**
 * A router's part of the tenant pipeline for one of its networks N, on each hypervisor where N
 * has ports (routing is done where a packet is sent, so nowhere else):
 * <ul>
 *   <li>ARP stage: a local VM of N asking for the router's address on N gets the answer from its
 *       own hypervisor (one entry per asker, as for VMs' addresses).</li>
 *   <li>L3 stage, for packets of N sent here to the router's MAC on N:
 *     <ul>
 *       <li>an echo request from a local VM to any of the router's addresses is answered in place
 *           (one entry per asker and address); anything else to the router's addresses is dropped;</li>
 *       <li>to a logical port on any of the router's networks (host routes, /32), or to a static
 *           route's destination (via its next hop, a logical port): TTL decremented, source MAC
 *           the router's on the destination network, destination MAC the port's, then on to that
 *           network's L2 stage on this same hypervisor. A TTL that would reach 0 makes the switch
 *           send the packet to the controller (reason invalid TTL), which answers time exceeded;</li>
 *       <li>to any other address of one of its subnets: to the controller, which answers host
 *           unreachable; to anywhere else: through the router's gateway ({@link GatewayCompiler}),
 *           or, without one, net unreachable.</li>
 *     </ul></li>
 * </ul>
 * Longer prefixes win: a route's priority is {@link TenantPipeline#L3_ROUTE_BASE} plus its prefix
 * length. A pure function of a {@link FabricView}.
 */
public final class RouterCompiler implements NetworkFlowsKeeper.Compiler {
    static final int ARP_ANSWER = 200;
    /** Bytes of a punted packet the controller needs: Ethernet + the longest IPv4 header + 8. */
    static final int PUNT_BYTES = 128;
    static final List<OFInstruction> PUNT = List.of(OF.instructions().applyActions(
            List.of(OF.actions().output(OFPort.CONTROLLER, PUNT_BYTES))));
    static final List<OFInstruction> DROP = List.of();

    private final GatewayCompiler gateway = new GatewayCompiler();

    @Override
    public Map<DatapathId, List<FlowSpec>> network(LogicalNetwork net, FabricView view) {
        Optional<LogicalRouter> router = view.config().router(net.segment());
        if (router.isEmpty()) {
            return Map.of();
        }
        LogicalRouter r = router.get();
        RouterPort mine = r.port(net.segment()).orElseThrow();
        Map<DatapathId, List<Located>> hosts = new LinkedHashMap<>();
        for (LogicalPort p : net.ports()) {
            Optional<PortLocation> at = view.location(p);
            if (at.isPresent() && view.config().node(at.get().dpid()).isPresent()) {
                hosts.computeIfAbsent(at.get().dpid(), d -> new ArrayList<>()).add(new Located(p, at.get().port()));
            }
        }
        Map<DatapathId, List<FlowSpec>> out = new LinkedHashMap<>();
        Optional<GatewayCompiler.Way> way = GatewayCompiler.way(r, view);
        boolean staticDefault = r.routes().stream().anyMatch(s -> s.destination().getMask().asCidrMaskLength() == 0);
        if (!hosts.isEmpty()) {
            List<FlowSpec> routes = routes(r, mine, net, view);
            List<IPv4Address> own = ownAddresses(r);
            OFOxms x = OF.oxms();
            for (var h : hosts.entrySet()) {
                List<FlowSpec> flows = new ArrayList<>(routes);
                for (Located a : h.getValue()) {
                    answers(a, mine, own, flows);
                }
                if (!staticDefault) {
                    // The default route: out through the gateway (on the gateway node itself, the
                    // gateway's entries do it), or no route at all.
                    Optional<List<OFInstruction>> def = way.isEmpty() ? Optional.of(PUNT)
                            : h.getKey().equals(way.get().node().dpid()) ? Optional.empty()
                            : GatewayCompiler.outbound(way.get(), mine, h.getKey(), view);
                    def.ifPresent(i -> flows.add(FlowSpec.of(L3, L3_ROUTE_BASE, i, sentHere(net.segment()),
                            x.ethDst(mine.mac()), x.ethType(EthType.IPv4))));
                }
                out.put(h.getKey(), flows);
            }
        }
        // The gateway node's part for this network (translations), merged per switch.
        gateway.network(r, net, view).forEach((d, f) -> out.merge(d, f, (a, b) -> {
            List<FlowSpec> m = new ArrayList<>(a);
            m.addAll(b);
            return m;
        }));
        return out;
    }

    /** The router's addresses: one per network, and its outside address. */
    static List<IPv4Address> ownAddresses(LogicalRouter r) {
        List<IPv4Address> own = new ArrayList<>();
        r.ports().forEach(p -> own.add(p.ip()));
        r.gateway().ifPresent(g -> own.add(g.ip()));
        return own;
    }

    /** The L3 entries shared by every hypervisor that hosts the network. */
    private List<FlowSpec> routes(LogicalRouter r, RouterPort mine, LogicalNetwork net, FabricView view) {
        OFOxms x = OF.oxms();
        OFOxm<?> sent = sentHere(net.segment());
        OFOxm<?> toRouter = x.ethDst(mine.mac());
        OFOxm<?> ipv4 = x.ethType(EthType.IPv4);
        List<FlowSpec> out = new ArrayList<>();
        for (IPv4Address own : ownAddresses(r)) {
            out.add(FlowSpec.of(L3, L3_ROUTER_OWN, DROP, sent, toRouter, ipv4, x.ipv4Dst(own)));
        }
        for (RouterPort rp : r.ports()) {
            LogicalNetwork m = view.config().network(rp.segment()).orElseThrow();
            for (LogicalPort p : m.ports()) {
                List<OFInstruction> into = routeInto(rp, p.mac());
                for (IPv4Address ip : p.ips()) {
                    out.add(FlowSpec.of(L3, L3_ROUTE_BASE + 32, into, sent, toRouter, ipv4, x.ipv4Dst(ip)));
                }
            }
            IPv4AddressWithMask subnet = rp.subnet();
            out.add(FlowSpec.of(L3, L3_ROUTE_BASE + subnet.getMask().asCidrMaskLength(), PUNT, sent, toRouter, ipv4,
                    x.ipv4DstMasked(subnet.getValue().and(subnet.getMask()), subnet.getMask())));
        }
        for (StaticRoute s : r.routes()) {
            RouterPort via = r.port(s.segment()).orElseThrow();
            LogicalPort hop = view.config().port(s.nextHopPort()).orElseThrow();
            int len = s.destination().getMask().asCidrMaskLength();
            List<OFInstruction> into = routeInto(via, hop.mac());
            if (len == 0) {
                out.add(FlowSpec.of(L3, L3_ROUTE_BASE, into, sent, toRouter, ipv4));
            } else {
                out.add(FlowSpec.of(L3, L3_ROUTE_BASE + len, into, sent, toRouter, ipv4,
                        x.ipv4DstMasked(s.destination().getValue(), s.destination().getMask())));
            }
        }
        return out;
    }

    /**
     * Routed into a network on this hypervisor: TTL first (so that a packet whose TTL runs out
     * reaches the controller as it was sent), then the MACs, then that network's ingress ACL and L2 stages.
     */
    static List<OFInstruction> routeInto(RouterPort to, MacAddress dst) {
        OFOxms x = OF.oxms();
        return List.of(OF.instructions().applyActions(List.of(OF.actions().decNwTtl(),
                        OF.actions().setField(x.ethSrc(to.mac())), OF.actions().setField(x.ethDst(dst)))),
                OF.instructions().writeMetadata(metadata(to.segment(), false), METADATA_MASK),
                OF.instructions().gotoTable(TenantPipeline.next(L3)));
    }

    /** ARP for the router's address on the network, and ping of any of its addresses, for one local VM. */
    private static void answers(Located a, RouterPort mine, List<IPv4Address> own, List<FlowSpec> flows) {
        OFOxms x = OF.oxms();
        OFOxm<?> in = x.inPort(a.ofPort());
        MacAddress vm = a.port().mac();
        for (IPv4Address ip : a.port().ips()) {
            flows.add(FlowSpec.of(ARP, ARP_ANSWER, List.of(OF.instructions().applyActions(List.of(
                            OF.actions().setField(x.ethDst(vm)),
                            OF.actions().setField(x.ethSrc(mine.mac())),
                            OF.actions().setField(x.arpOp(ArpOpcode.REPLY)),
                            OF.actions().setField(x.arpSha(mine.mac())),
                            OF.actions().setField(x.arpSpa(mine.ip())),
                            OF.actions().setField(x.arpTha(vm)),
                            OF.actions().setField(x.arpTpa(ip)),
                            OF.actions().output(OFPort.IN_PORT, 0)))),
                    in, x.ethType(EthType.ARP), x.arpOp(ArpOpcode.REQUEST), x.arpSpa(ip), x.arpTpa(mine.ip())));
            for (IPv4Address addr : own) {
                List<OFAction> reply = List.of(
                        OF.actions().setField(x.ethDst(vm)),
                        OF.actions().setField(x.ethSrc(mine.mac())),
                        OF.actions().setField(x.ipv4Src(addr)),
                        OF.actions().setField(x.ipv4Dst(ip)),
                        OF.actions().setField(x.icmpv4Type(ICMPv4Type.ECHO_REPLY)),
                        OF.actions().setNwTtl((short) 64),
                        OF.actions().output(OFPort.IN_PORT, 0));
                flows.add(FlowSpec.of(L3, L3_ROUTER_ANSWER, List.of(OF.instructions().applyActions(reply)),
                        in, x.ethDst(mine.mac()), x.ethType(EthType.IPv4), x.ipv4Src(ip), x.ipv4Dst(addr),
                        x.ipProto(IpProtocol.ICMP), x.icmpv4Type(ICMPv4Type.ECHO)));
            }
        }
    }

    private record Located(LogicalPort port, OFPort ofPort) {
    }
}
