package dev.weft.apps.tenantnetworks;

import dev.weft.api.event.LogicalPortLocated;
import dev.weft.api.flow.FlowService;
import dev.weft.api.tenant.Binding;
import dev.weft.api.tenant.FabricView;
import dev.weft.api.tenant.LogicalNetwork;
import dev.weft.api.tenant.LogicalPort;
import dev.weft.api.tenant.NetworkConfig;
import dev.weft.api.tenant.PortLocation;
import dev.weft.api.tenant.Tenant;
import dev.weft.api.tenant.TenantService;
import dev.weft.api.tenant.TransportNode;
import dev.weft.apps.isolation.IsolationCompiler;
import dev.weft.apps.tenantpipeline.PipelineModel;
import dev.weft.fakes.FakeTenantService;
import dev.weft.fakes.RecordingFlowService;
import dev.weft.sim.inprocess.Reach;
import dev.weft.sim.packet.Frames;
import dev.weft.testing.AppHarness;
import org.junit.jupiter.api.Test;
import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the tenant pipeline does with frames: the entries isolation (table 0) and tenant-networks
 * (ARP and L2) compile for each hypervisor, on in-process hypervisors joined by tunnels (the
 * tunnel from X to Y is port 100 + Y), and frames sent by the VMs. Says where a frame goes, with
 * which tunnel id, and how many copies each VM gets; never how many entries exist.
 */
class L2CompilerTest {
    static final TransportNode HV1 = new TransportNode("hv1", DatapathId.of(1), IPv4Address.of("10.77.0.1"));
    static final TransportNode HV2 = new TransportNode("hv2", DatapathId.of(2), IPv4Address.of("10.77.0.2"));
    static final TransportNode HV3 = new TransportNode("hv3", DatapathId.of(3), IPv4Address.of("10.77.0.3"));
    static final LogicalPort A = port("a", 1, "10.0.0.1");
    static final LogicalPort B = port("b", 2, "10.0.0.2");
    static final LogicalPort C = port("c", 3, "10.0.0.3");
    static final LogicalNetwork NET = new LogicalNetwork("t", "n", 5001, Optional.empty(), List.of(A, B, C));
    static final NetworkConfig CFG = new NetworkConfig(List.of(HV1, HV2, HV3), List.of(new Tenant("t", List.of(NET))));
    static final IPv4Address NOBODY = IPv4Address.of("10.0.0.99");

    static LogicalPort port(String name, int mac, String ip) {
        return new LogicalPort(name, "t", "n", 5001, MacAddress.of(0x020000000000L + mac), List.of(IPv4Address.of(ip)),
                new Binding.Interface("vm-" + name));
    }

    /** Node X's tunnel to node Y is port 100 + Y. */
    static Map<DatapathId, Map<String, OFPort>> tunnels() {
        return tunnels(CFG);
    }

    static Map<DatapathId, Map<String, OFPort>> tunnels(NetworkConfig cfg) {
        Map<DatapathId, Map<String, OFPort>> t = new HashMap<>();
        for (TransportNode a : cfg.transportNodes()) {
            Map<String, OFPort> m = new HashMap<>();
            for (TransportNode b : cfg.transportNodes()) {
                if (a != b) {
                    m.put(b.name(), OFPort.of(100 + (int) b.dpid().getLong()));
                }
            }
            t.put(a.dpid(), m);
        }
        return t;
    }

    /** a and b on hv1 (ports 1, 2), c on hv2 (port 1); hv3 hosts nothing of the network. */
    static FabricView view() {
        return new FabricView(CFG, Map.of("a", new PortLocation(HV1.dpid(), OFPort.of(1)),
                "b", new PortLocation(HV1.dpid(), OFPort.of(2)), "c", new PortLocation(HV2.dpid(), OFPort.of(1))),
                tunnels());
    }

    static PipelineModel model(FabricView v) {
        return PipelineModel.of(v, new IsolationCompiler(), new L2Compiler());
    }

    static byte[] echo(LogicalPort from, LogicalPort to) {
        return Frames.from(from.mac(), from.ips().get(0)).to(to.mac(), to.ips().get(0)).echoRequest(1, 1);
    }

    static byte[] arpFor(LogicalPort from, IPv4Address target) {
        return Frames.from(from.mac(), from.ips().get(0)).arpRequest(target);
    }

    /** Switches the frame or any copy of it entered. */
    static Set<String> visited(Reach r) {
        return r.steps().stream().map(Reach.Step::switchName).collect(java.util.stream.Collectors.toSet());
    }

    @Test
    void knownMacsGoToTheLocalPortOrIntoTheTunnelWithTheSegment() {
        PipelineModel m = model(view());
        Reach local = m.send("a", echo(A, B));
        assertTrue(local.reachedOnly("b"), local.toString());
        assertEquals(List.of("hv1"), local.only("b").switches(), "no tunnel for a neighbour");
        Reach remote = m.send("a", echo(A, C));
        assertTrue(remote.reachedOnly("c"), remote.toString());
        assertEquals(List.of(5001L), remote.only("c").tunnelIds(), "into the tunnel with the segment");
        assertEquals(List.of("hv1", "hv2"), remote.only("c").switches(), "straight to hv2, the tunnel to c");
        Reach back = m.send("c", echo(C, A));
        assertTrue(back.reachedOnly("a"), back.toString());
        assertEquals(List.of(5001L), back.only("a").tunnelIds());
    }

    @Test
    void whatCameFromATunnelNeverGoesIntoATunnelAgain() {
        // The network on all three hypervisors: e on hv3 as well.
        LogicalPort e = port("e", 5, "10.0.0.5");
        NetworkConfig cfg = new NetworkConfig(List.of(HV1, HV2, HV3), List.of(new Tenant("t", List.of(
                new LogicalNetwork("t", "n", 5001, Optional.empty(), List.of(A, B, C, e))))));
        Map<String, PortLocation> at = new HashMap<>(view().locations());
        at.put("e", new PortLocation(HV3.dpid(), OFPort.of(1)));
        PipelineModel m = model(new FabricView(cfg, at, tunnels(cfg)));
        assertTrue(m.send("c", echo(C, e)).reachedOnly("e"), "control: hv2 sends it to hv3 itself");
        // If hv2 sent hv1 a frame for e anyway, hv1 must not pass it on into its tunnel to hv3.
        Reach relayed = m.fromTunnel("hv1", "hv2", 5001, echo(C, e));
        assertTrue(relayed.reachedNobody(), relayed.toString());
        Reach flood = m.fromTunnel("hv1", "hv2", 5001, arpFor(C, NOBODY));
        assertTrue(flood.reachedOnly("a", "b"), "from a tunnel: the local ports only: " + flood);
        assertEquals(Set.of("hv1"), visited(flood), "no copy into any tunnel");
    }

    @Test
    void broadcastGoesToLocalPortsPlusOneCopyPerRemoteHypervisor() {
        PipelineModel m = model(view());
        Reach r = m.send("a", arpFor(A, NOBODY));
        assertTrue(r.reachedOnly("b", "c"), "everyone else in the network, once: " + r);
        assertEquals(List.of(5001L), r.only("c").tunnelIds());
        assertEquals(Set.of("hv1", "hv2"), visited(r), "no copy to hv3, which hosts none of the network");
        assertTrue(r.lost().isEmpty(), r.toString());
        Reach fromHv2 = m.send("c", arpFor(C, NOBODY));
        assertTrue(fromHv2.reachedOnly("a", "b"), fromHv2.toString());
        assertEquals(1, fromHv2.steps().stream().filter(s -> s.switchName().equals("hv1")).count(),
                "one copy crosses to hv1, which delivers it to both");
        Reach multicast = m.send("b", Frames.from(B.mac(), B.ips().get(0))
                .to(MacAddress.of("01:00:5e:00:00:fb"), IPv4Address.of("224.0.0.251")).udp(5353, 5353, new byte[8]));
        assertTrue(multicast.reachedOnly("a", "c"), "multicast is flooded like broadcast: " + multicast);
    }

    @Test
    void arpIsAnsweredInPlaceForEveryOtherPortOfTheNetwork() {
        PipelineModel m = model(view());
        for (LogicalPort asker : List.of(A, B, C)) {
            for (LogicalPort target : List.of(A, B, C)) {
                if (asker == target) {
                    continue;
                }
                Reach r = m.send(asker.name(), arpFor(asker, target.ips().get(0)));
                String what = asker.name() + " asks for " + target.name() + ": " + r;
                assertTrue(r.reachedOnly(asker.name()), "only the asker gets anything: " + what);
                assertEquals(1, visited(r).size(), "answered by the asker's own hypervisor: " + what);
                byte[] reply = r.only(asker.name()).frame();
                assertEquals(asker.mac(), Frames.ethDst(reply), what);
                assertEquals(target.mac(), Frames.ethSrc(reply), what);
                assertEquals(new Frames.Arp(false, Frames.ARP_REPLY, target.mac(), target.ips().get(0), asker.mac(),
                        asker.ips().get(0)), Frames.parseArp(reply), what);
            }
        }
        Reach unknown = m.send("a", arpFor(A, NOBODY));
        assertTrue(unknown.reachedOnly("b", "c"), "an address nobody has is asked of everyone: " + unknown);
    }

    @Test
    void nothingTowardsAHypervisorWhoseTunnelIsUnknown() {
        PipelineModel m = model(new FabricView(CFG, view().locations(), Map.of()));
        assertTrue(m.send("a", echo(A, C)).reachedNobody());
        assertTrue(m.send("a", echo(A, B)).reachedOnly("b"), "the neighbour is still reached");
        assertTrue(m.send("a", arpFor(A, NOBODY)).reachedOnly("b"), "and gets the broadcasts");
    }

    @Test
    void twinsWithTheSameMacAndIpInTwoTenantsStayApart() {
        // x1/x2 and y1/y2: the same MAC and IP each, in tenants t1 (segment 5001) and t2 (6001).
        MacAddress xMac = MacAddress.of("02:00:0a:00:01:0b");
        MacAddress yMac = MacAddress.of("02:00:0a:00:01:0c");
        IPv4Address xIp = IPv4Address.of("10.0.1.11");
        IPv4Address yIp = IPv4Address.of("10.0.1.12");
        LogicalPort x1 = new LogicalPort("x1", "t1", "web", 5001, xMac, List.of(xIp), new Binding.Interface("vm-x1"));
        LogicalPort y1 = new LogicalPort("y1", "t1", "web", 5001, yMac, List.of(yIp), new Binding.Interface("vm-y1"));
        LogicalPort x2 = new LogicalPort("x2", "t2", "web", 6001, xMac, List.of(xIp), new Binding.Interface("vm-x2"));
        LogicalPort y2 = new LogicalPort("y2", "t2", "web", 6001, yMac, List.of(yIp), new Binding.Interface("vm-y2"));
        NetworkConfig cfg = new NetworkConfig(List.of(HV1, HV2, HV3), List.of(
                new Tenant("t1", List.of(new LogicalNetwork("t1", "web", 5001, Optional.empty(), List.of(x1, y1)))),
                new Tenant("t2", List.of(new LogicalNetwork("t2", "web", 6001, Optional.empty(), List.of(x2, y2))))));
        PipelineModel m = model(new FabricView(cfg, Map.of(
                "x1", new PortLocation(HV1.dpid(), OFPort.of(1)), "x2", new PortLocation(HV1.dpid(), OFPort.of(2)),
                "y1", new PortLocation(HV2.dpid(), OFPort.of(1)), "y2", new PortLocation(HV2.dpid(), OFPort.of(2))),
                tunnels(cfg)));
        byte[] xToY = Frames.from(xMac, xIp).to(yMac, yIp).echoRequest(1, 1);

        Reach one = m.send("x1", xToY);
        assertTrue(one.reachedOnly("y1"), one.toString());
        assertEquals(List.of(5001L), one.only("y1").tunnelIds());
        Reach two = m.send("x2", xToY);
        assertTrue(two.reachedOnly("y2"), "the very same bytes, from the other tenant: " + two);
        assertEquals(List.of(6001L), two.only("y2").tunnelIds());
        assertTrue(m.send("y2", Frames.from(yMac, yIp).to(xMac, xIp).echoRequest(1, 1)).reachedOnly("x2"));
        assertTrue(m.send("x1", Frames.from(xMac, xIp).arpRequest(NOBODY)).reachedOnly("y1"), "broadcast too");
        assertTrue(m.send("x2", Frames.from(xMac, xIp).arpRequest(NOBODY)).reachedOnly("y2"));
        Reach asked = m.send("x2", Frames.from(xMac, xIp).arpRequest(yIp));
        assertTrue(asked.reachedOnly("x2"), "answered in place, to the asker only: " + asked);
    }

    @Test
    void theKeeperCoalescesEventsAndClearsSwitchesANetworkLeft() throws Exception {
        FakeTenantService tenants = new FakeTenantService().config(CFG);
        tunnels().forEach((d, m) -> m.forEach((n, p) -> tenants.tunnel(d, n, p)));
        RecordingFlowService flows = new RecordingFlowService();
        try (AppHarness h = new AppHarness().service(TenantService.class, tenants).service(FlowService.class, flows)) {
        TenantNetworks app = h.start(new TenantNetworks());
        // Three ports located in one batch of events: one recompilation.
        tenants.locate("a", new PortLocation(HV1.dpid(), OFPort.of(1)))
                .locate("b", new PortLocation(HV1.dpid(), OFPort.of(2)))
                .locate("c", new PortLocation(HV2.dpid(), OFPort.of(1)));
        long before = app.passes(); // the controller's start (its empty configuration) made one
        h.deliverAll(located(A), located(B), located(C));
        assertEquals(1, app.passes() - before);
        assertTrue(flows.scope(HV2.dpid(), 5001).size() > 0);
        // c moves from hv2 to hv3: hv2 is cleared, hv3 gets the network.
        tenants.locate("c", new PortLocation(HV3.dpid(), OFPort.of(4)));
        flows.clearCalls();
        h.deliver(located(C));
        assertEquals(List.of(), flows.scope(HV2.dpid(), 5001), "hv2 no longer hosts the network");
        assertTrue(flows.scope(HV3.dpid(), 5001).size() > 0);
        assertTrue(flows.calls().contains(HV2.dpid() + "/5001:0"), flows.calls().toString());
        }
    }

    static LogicalPortLocated located(LogicalPort p) {
        return new LogicalPortLocated(p, Optional.empty(), Optional.empty(), "test");
    }
}
