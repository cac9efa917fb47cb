package dev.weft.apps.isolation;

import dev.weft.api.flow.FlowSpec;
import dev.weft.api.tenant.Binding;
import dev.weft.api.tenant.FabricView;
import dev.weft.api.tenant.LogicalNetwork;
import dev.weft.api.tenant.LogicalPort;
import dev.weft.api.tenant.NetworkConfig;
import dev.weft.api.tenant.PortLocation;
import dev.weft.api.tenant.Tenant;
import dev.weft.api.tenant.TransportNode;
import dev.weft.apps.tenantpipeline.NetworkFlowsKeeper;
import dev.weft.apps.tenantpipeline.PipelineModel;
import dev.weft.apps.tenantpipeline.TenantPipeline;
import dev.weft.sim.datapath.TableVisit;
import dev.weft.sim.inprocess.Reach;
import dev.weft.sim.packet.FrameBuilder;
import dev.weft.sim.packet.Frames;
import org.junit.jupiter.api.Test;
import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.TableId;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What table 0 does with frames: the isolation compiler's entries on in-process hypervisors
 * (hv1..hv3, the tunnel from X to Y on port 100 + Y), and a probe in the last stage (L2) that
 * sends whatever gets there to the controller with its metadata. A frame is either admitted
 * into one network (segment, from a VM or from a tunnel) or dropped at the door.
 */
class IsolationCompilerTest {
    static final TransportNode HV1 = new TransportNode("hv1", DatapathId.of(1), IPv4Address.of("10.77.0.1"));
    static final TransportNode HV2 = new TransportNode("hv2", DatapathId.of(2), IPv4Address.of("10.77.0.2"));
    static final TransportNode HV3 = new TransportNode("hv3", DatapathId.of(3), IPv4Address.of("10.77.0.3"));
    static final IPv4Address SOMEONE = IPv4Address.of("10.0.0.200");
    static final MacAddress SOMEONES_MAC = MacAddress.of("02:00:00:00:00:c8");

    static LogicalPort port(String name, int seg, int mac, String... ips) {
        return new LogicalPort(name, "t", "n" + seg, seg, MacAddress.of(0x020000000000L + mac),
                java.util.Arrays.stream(ips).map(IPv4Address::of).toList(), new Binding.Interface("vm-" + name));
    }

    static FabricView view(List<LogicalNetwork> nets, Map<String, PortLocation> at, boolean tunnels) {
        NetworkConfig cfg = new NetworkConfig(List.of(HV1, HV2, HV3), List.of(new Tenant("t", nets)));
        Map<DatapathId, Map<String, OFPort>> t = new HashMap<>();
        if (tunnels) {
            for (TransportNode a : cfg.transportNodes()) {
                Map<String, OFPort> m = new HashMap<>();
                for (TransportNode b : cfg.transportNodes()) {
                    if (a != b) {
                        m.put(b.name(), OFPort.of(100 + (int) b.dpid().getLong()));
                    }
                }
                t.put(a.dpid(), m);
            }
        }
        return new FabricView(cfg, at, t);
    }

    static LogicalNetwork net(int seg, LogicalPort... ports) {
        return new LogicalNetwork("t", "n" + seg, seg, Optional.empty(), List.of(ports));
    }

    /** The last stage's stand-in: everything that gets there goes to the controller, metadata and all. */
    static final NetworkFlowsKeeper.Compiler PROBE = new NetworkFlowsKeeper.Compiler() {
        @Override
        public Map<DatapathId, List<FlowSpec>> network(LogicalNetwork network, FabricView view) {
            return Map.of();
        }

        @Override
        public Map<DatapathId, List<FlowSpec>> base(FabricView view) {
            var of = TenantPipeline.OF;
            FlowSpec toController = FlowSpec.of(TenantPipeline.L2, 0, List.of(of.instructions().applyActions(
                    List.of(of.actions().output(OFPort.CONTROLLER, 0xffff)))));
            Map<DatapathId, List<FlowSpec>> out = new HashMap<>();
            view.config().transportNodes().forEach(n -> out.put(n.dpid(), List.of(toController)));
            return out;
        }
    };

    /** Where a frame was let in: on which hypervisor, into which network, and whether from a tunnel. */
    record Admitted(String node, int segment, boolean fromTunnel) {
    }

    static final Optional<Admitted> DROPPED = Optional.empty();

    static Optional<Admitted> admitted(Reach r) {
        assertTrue(r.arrivals().isEmpty() && r.lost().isEmpty() && !r.storm(), "only the probe outputs: " + r);
        if (r.packetIns().isEmpty()) {
            return DROPPED;
        }
        assertEquals(1, r.packetIns().size(), r.toString());
        Reach.PacketInAt at = r.packetIns().get(0);
        assertEquals(TenantPipeline.L2, at.packetIn().getTableId(), "it went through every stage: " + r);
        long md = PipelineModel.metadata(at);
        return Optional.of(new Admitted(at.switchName(), (int) (md & TenantPipeline.SEGMENT_MASK),
                (md & TenantPipeline.FROM_TUNNEL) != 0));
    }

    /** The priority of the table-0 entry that dropped the frame. */
    static int droppedBy(Reach r) {
        assertEquals(DROPPED, admitted(r));
        TableVisit v = r.steps().get(0).outcome().visits().get(0);
        assertEquals(0, v.table());
        return v.priority();
    }

    static PipelineModel model(FabricView v) {
        return PipelineModel.of(v, new IsolationCompiler(), PROBE);
    }

    final IsolationCompiler compiler = new IsolationCompiler();

    @Test
    void aVmPortMaySendOnlyAsItself() {
        LogicalPort a = port("a", 5001, 1, "10.0.0.1", "10.0.0.9");
        LogicalNetwork n = net(5001, a);
        PipelineModel m = model(view(List.of(n), Map.of("a", new PortLocation(HV1.dpid(), OFPort.of(7))), true));
        IPv4Address ip = a.ips().get(0);
        FrameBuilder asItself = Frames.from(a.mac(), ip);
        Optional<Admitted> intoItsNetwork = Optional.of(new Admitted("hv1", 5001, false));

        assertEquals(intoItsNetwork, admitted(m.send("a", asItself.to(SOMEONES_MAC, SOMEONE).echoRequest(1, 1))));
        assertEquals(intoItsNetwork, admitted(m.send("a", asItself.arpRequest(SOMEONE))));
        assertEquals(intoItsNetwork, admitted(m.send("a", asItself.gratuitousArp())));
        assertEquals(intoItsNetwork, admitted(m.send("a", Frames.from(a.mac(), a.ips().get(1))
                .to(SOMEONES_MAC, SOMEONE).udp(1, 2, new byte[8]))), "either of its addresses");

        // Each lie is dropped by the port's own entry, so the port's drops are counted apart.
        int portDrop = IsolationCompiler.PORT_DROP;
        assertEquals(portDrop, droppedBy(m.send("a", Frames.from(SOMEONES_MAC, ip).to(SOMEONES_MAC, SOMEONE)
                .echoRequest(1, 1))), "someone else's MAC");
        assertEquals(portDrop, droppedBy(m.send("a", Frames.from(a.mac(), SOMEONE).to(SOMEONES_MAC, ip)
                .echoRequest(1, 1))), "someone else's IP");
        assertEquals(portDrop, droppedBy(m.send("a", asItself.arp(Frames.ARP_REQUEST, SOMEONES_MAC, ip,
                MacAddress.NONE, SOMEONE))), "an ARP whose sender hardware address is someone else's");
        assertEquals(portDrop, droppedBy(m.send("a", Frames.from(a.mac(), SOMEONE).gratuitousArp())),
                "an ARP claiming someone else's address");
        assertEquals(portDrop, droppedBy(m.send("a", asItself.vlan(5).to(SOMEONES_MAC, SOMEONE).echoRequest(1, 1))),
                "a VLAN tag");
        assertEquals(portDrop, droppedBy(m.send("a", asItself.to(SOMEONES_MAC).ethernet(0x88b5, new byte[8]))),
                "neither IPv4 nor ARP, from a port with addresses");
    }

    @Test
    void framesOnAPortNoLogicalPortIsOnAreDroppedByTheDefaultDeny() {
        LogicalPort a = port("a", 5001, 1, "10.0.0.1");
        LogicalNetwork n = net(5001, a);
        PipelineModel m = model(view(List.of(n), Map.of("a", new PortLocation(HV1.dpid(), OFPort.of(7))), true))
                .plug("stranger", "hv1", OFPort.of(9)).plug("elsewhere", "hv3", OFPort.of(1));
        FrameBuilder asA = Frames.from(a.mac(), a.ips().get(0));
        assertEquals(IsolationCompiler.DEFAULT_DROP, droppedBy(m.send("stranger", asA.arpRequest(SOMEONE))),
                "a's very addresses, on another port");
        assertEquals(IsolationCompiler.DEFAULT_DROP, droppedBy(m.send("elsewhere", asA.arpRequest(SOMEONE))),
                "a hypervisor that hosts nothing denies too");
    }

    @Test
    void unlocatedPortsAndPortsOnOtherSwitchesGetNothing() {
        LogicalPort a = port("a", 5001, 1, "10.0.0.1");
        LogicalNetwork n = net(5001, a);
        assertTrue(compiler.network(n, view(List.of(n), Map.of(), true)).isEmpty());
        var elsewhere = compiler.network(n, view(List.of(n),
                Map.of("a", new PortLocation(DatapathId.of(99), OFPort.of(1))), true));
        assertTrue(elsewhere.isEmpty(), "a switch that is not a transport node gets nothing");
        var located = compiler.network(n, view(List.of(n), Map.of("a", new PortLocation(HV1.dpid(), OFPort.of(7))),
                true));
        assertEquals(List.of(HV1.dpid()), List.copyOf(located.keySet()), "only the hypervisor that hosts it");
    }

    @Test
    void tunnelsAcceptTheSegmentOnlyFromHypervisorsHostingTheNetwork() {
        LogicalPort a = port("a", 5001, 1, "10.0.0.1");
        LogicalPort b = port("b", 5001, 2, "10.0.0.2");
        LogicalPort c = port("c", 6001, 3, "10.0.0.3");
        LogicalNetwork n = net(5001, a, b);
        LogicalNetwork other = net(6001, c);
        PipelineModel m = model(view(List.of(n, other), Map.of("a", new PortLocation(HV1.dpid(), OFPort.of(1)),
                "b", new PortLocation(HV2.dpid(), OFPort.of(1)), "c", new PortLocation(HV3.dpid(), OFPort.of(1))),
                true));
        byte[] toA = Frames.from(b.mac(), b.ips().get(0)).to(a.mac(), a.ips().get(0)).echoRequest(1, 1);

        assertEquals(Optional.of(new Admitted("hv1", 5001, true)), admitted(m.fromTunnel("hv1", "hv2", 5001, toA)),
                "from hv2, which hosts 5001 too: marked as from a tunnel");
        assertEquals(DROPPED, admitted(m.fromTunnel("hv1", "hv3", 5001, toA)), "hv3 hosts nothing of 5001");
        assertEquals(DROPPED, admitted(m.fromTunnel("hv1", "hv2", 6001, toA)), "hv1 hosts nothing of 6001");
        assertEquals(DROPPED, admitted(m.fromTunnel("hv1", "hv2", 0, toA)), "no segment at all");
        assertEquals(DROPPED, admitted(m.fromTunnel("hv3", "hv1", 6001, toA)), "hv1 hosts nothing of 6001");
        assertEquals(DROPPED, admitted(m.fromTunnel("hv3", "hv2", 5001, toA)), "hv3 hosts nothing of 5001");
    }

    @Test
    void aTunnelNotReportedYetAdmitsNothing() {
        LogicalPort a = port("a", 5001, 1, "10.0.0.1");
        LogicalPort b = port("b", 5001, 2, "10.0.0.2");
        LogicalNetwork n = net(5001, a, b);
        PipelineModel m = model(view(List.of(n), Map.of("a", new PortLocation(HV1.dpid(), OFPort.of(1)),
                "b", new PortLocation(HV2.dpid(), OFPort.of(1))), false));
        byte[] toA = Frames.from(b.mac(), b.ips().get(0)).to(a.mac(), a.ips().get(0)).echoRequest(1, 1);
        assertEquals(DROPPED, admitted(m.fromTunnelPort("hv1", OFPort.of(102), 5001, toA)),
                "the port hv2's tunnel will have, before hv1 reported it");
        assertEquals(Optional.of(new Admitted("hv1", 5001, false)),
                admitted(m.send("a", Frames.from(a.mac(), a.ips().get(0)).arpRequest(b.ips().get(0)))),
                "control: the VM itself is let in");
    }

    @Test
    void aPortWithoutAddressesMaySendAnyUntaggedFrameFromItsMac() {
        LogicalPort l2 = port("l2", 5001, 1);
        LogicalNetwork n = net(5001, l2);
        PipelineModel m = model(view(List.of(n), Map.of("l2", new PortLocation(HV1.dpid(), OFPort.of(3))), true));
        Optional<Admitted> in = Optional.of(new Admitted("hv1", 5001, false));
        assertEquals(in, admitted(m.send("l2", Frames.from(l2.mac()).to(SOMEONES_MAC).ethernet(0x88b5, new byte[8]))));
        assertEquals(in, admitted(m.send("l2", Frames.from(l2.mac(), SOMEONE).to(SOMEONES_MAC, SOMEONE)
                .echoRequest(1, 1))), "any IP: it has none to keep to");
        assertEquals(IsolationCompiler.PORT_DROP, droppedBy(m.send("l2", Frames.from(SOMEONES_MAC)
                .to(SOMEONES_MAC).ethernet(0x88b5, new byte[8]))), "but only from its own MAC");
        assertEquals(IsolationCompiler.PORT_DROP, droppedBy(m.send("l2", Frames.from(l2.mac()).vlan(5)
                .to(SOMEONES_MAC).ethernet(0x88b5, new byte[8]))), "and untagged");
    }

    @Test
    void defaultDenyOnEveryTransportNodeAndEveryLaterStagePassesOn() {
        var base = compiler.base(view(List.of(), Map.of(), true));
        assertEquals(3, base.size());
        base.values().forEach(l -> {
            FlowSpec deny = l.stream().filter(f -> f.table().equals(TenantPipeline.INGRESS)).findFirst().orElseThrow();
            assertEquals(0, deny.priority());
            assertTrue(deny.fields().isEmpty() && deny.instructions().isEmpty(), "match all, drop");
            // A stage whose app is absent hands packets on: egress ACL -> ARP -> L3 -> ingress ACL -> L2.
            for (TableId stage : List.of(TenantPipeline.EGRESS_ACL, TenantPipeline.ARP, TenantPipeline.L3,
                    TenantPipeline.INGRESS_ACL)) {
                FlowSpec pass = l.stream().filter(f -> f.table().equals(stage)).findFirst().orElseThrow();
                assertTrue(pass.priority() == 0 && pass.fields().isEmpty(), stage + ": match all, lowest");
                assertEquals(List.of(TenantPipeline.OF.instructions().gotoTable(TenantPipeline.next(stage))),
                        pass.instructions(), stage + " goes on to the next stage");
            }
            assertTrue(l.stream().noneMatch(f -> f.table().equals(TenantPipeline.L2)), "L2's misses are dropped");
        });
        // What that does to a frame: it is let in at table 0 and goes through every stage to L2.
        LogicalPort a = port("a", 5001, 1, "10.0.0.1");
        LogicalNetwork n = net(5001, a);
        PipelineModel m = model(view(List.of(n), Map.of("a", new PortLocation(HV1.dpid(), OFPort.of(7))), true));
        Reach r = m.send("a", Frames.from(a.mac(), a.ips().get(0)).arpRequest(SOMEONE));
        assertEquals(TenantPipeline.STAGES.stream().map(t -> (int) t.getValue()).toList(), r.steps().get(0).outcome().visits().stream().map(TableVisit::table)
                .toList(), r.toString());
        assertFalse(admitted(r).isEmpty());
        // Without the last stage's probe, what gets there matches nothing and is dropped.
        PipelineModel alone = PipelineModel.of(view(List.of(n), Map.of("a", new PortLocation(HV1.dpid(),
                OFPort.of(7))), true), new IsolationCompiler());
        assertTrue(alone.send("a", Frames.from(a.mac(), a.ips().get(0)).arpRequest(SOMEONE)).reachedNobody());
    }

    @Test
    void compilationIsDeterministicAndFieldOrderDoesNotMatter() {
        LogicalPort a = port("a", 5001, 1, "10.0.0.1", "10.0.0.9");
        LogicalNetwork n = net(5001, a);
        FabricView v = view(List.of(n), Map.of("a", new PortLocation(HV1.dpid(), OFPort.of(7))), true);
        assertEquals(compiler.network(n, v), compiler.network(n, v));
        var x = TenantPipeline.OF.oxms();
        assertEquals(FlowSpec.of(TenantPipeline.INGRESS, 1, List.of(), x.inPort(OFPort.of(1)), x.ethSrc(a.mac())),
                FlowSpec.of(TenantPipeline.INGRESS, 1, List.of(), x.ethSrc(a.mac()), x.inPort(OFPort.of(1))));
    }
}
