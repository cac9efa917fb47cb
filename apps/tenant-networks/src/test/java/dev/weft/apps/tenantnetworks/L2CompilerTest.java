package dev.weft.apps.tenantnetworks;

import dev.weft.api.event.LogicalPortLocated;
import dev.weft.api.flow.FlowService;
import dev.weft.api.flow.FlowSpec;
import dev.weft.api.tenant.Binding;
import dev.weft.api.tenant.FabricView;
import dev.weft.api.tenant.LogicalNetwork;
import dev.weft.api.tenant.LogicalPort;
import dev.weft.api.tenant.NetworkConfig;
import dev.weft.api.tenant.PortLocation;
import dev.weft.api.tenant.Tenant;
import dev.weft.apps.tenantpipeline.TenantPipeline;
import dev.weft.api.tenant.TenantService;
import dev.weft.api.tenant.TransportNode;
import dev.weft.testing.AppHarness;
import dev.weft.fakes.FakeTenantService;
import dev.weft.fakes.RecordingFlowService;
import org.junit.jupiter.api.Test;
import org.projectfloodlight.openflow.protocol.action.OFAction;
import org.projectfloodlight.openflow.protocol.action.OFActionOutput;
import org.projectfloodlight.openflow.protocol.action.OFActionSetField;
import org.projectfloodlight.openflow.protocol.instruction.OFInstructionApplyActions;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.U64;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Tables 1 and 2 compiled as a pure function of a hand-made fabric. */
class L2CompilerTest {
    static final TransportNode HV1 = new TransportNode("hv1", DatapathId.of(1), IPv4Address.of("10.77.0.1"));
    static final TransportNode HV2 = new TransportNode("hv2", DatapathId.of(2), IPv4Address.of("10.77.0.2"));
    static final TransportNode HV3 = new TransportNode("hv3", DatapathId.of(3), IPv4Address.of("10.77.0.3"));
    static final LogicalPort A = port("a", 1, "10.0.0.1");
    static final LogicalPort B = port("b", 2, "10.0.0.2");
    static final LogicalPort C = port("c", 3, "10.0.0.3");
    static final LogicalNetwork NET = new LogicalNetwork("t", "n", 5001, Optional.empty(), List.of(A, B, C));
    static final NetworkConfig CFG = new NetworkConfig(List.of(HV1, HV2, HV3), List.of(new Tenant("t", List.of(NET))));

    static LogicalPort port(String name, int mac, String ip) {
        return new LogicalPort(name, "t", "n", 5001, MacAddress.of(0x020000000000L + mac), List.of(IPv4Address.of(ip)),
                new Binding.Interface("vm-" + name));
    }

    /** Node X's tunnel to node Y is port 100 + Y. */
    static Map<DatapathId, Map<String, OFPort>> tunnels() {
        Map<DatapathId, Map<String, OFPort>> t = new HashMap<>();
        for (TransportNode a : CFG.transportNodes()) {
            Map<String, OFPort> m = new HashMap<>();
            for (TransportNode b : CFG.transportNodes()) {
                if (a != b) {
                    m.put(b.name(), OFPort.of(100 + (int) b.dpid().getLong()));
                }
            }
            t.put(a.dpid(), m);
        }
        return t;
    }

    /** a and b on hv1 (ports 1, 2), c on hv2 (port 1). */
    static FabricView view() {
        return new FabricView(CFG, Map.of("a", new PortLocation(HV1.dpid(), OFPort.of(1)),
                "b", new PortLocation(HV1.dpid(), OFPort.of(2)), "c", new PortLocation(HV2.dpid(), OFPort.of(1))),
                tunnels());
    }

    static List<OFAction> actions(FlowSpec f) {
        return ((OFInstructionApplyActions) f.instructions().get(0)).getActions();
    }

    static FlowSpec unicastTo(List<FlowSpec> flows, MacAddress mac) {
        return flows.stream().filter(f -> f.table().equals(TenantPipeline.L2) && f.field(MatchField.ETH_DST) != null
                && !f.field(MatchField.ETH_DST).isMasked() && f.field(MatchField.ETH_DST).getValue().equals(mac))
                .findFirst().orElseThrow();
    }

    final L2Compiler compiler = new L2Compiler();

    @Test
    void knownMacsGoToTheLocalPortOrIntoTheTunnelWithTheSegment() {
        var hv1 = compiler.network(NET, view()).get(DatapathId.of(1));
        assertEquals(List.of(OFPort.of(2)), actions(unicastTo(hv1, B.mac())).stream()
                .map(a -> ((OFActionOutput) a).getPort()).toList());
        List<OFAction> toC = actions(unicastTo(hv1, C.mac()));
        assertEquals(U64.of(5001), ((OFActionSetField) toC.get(0)).getField().getValue());
        assertEquals(OFPort.of(102), ((OFActionOutput) toC.get(1)).getPort(), "the tunnel to hv2");
        // Remote MACs only for packets sent locally: what came from a tunnel never re-enters one.
        assertTrue(unicastTo(hv1, C.mac()).field(MatchField.METADATA).isMasked());
        assertEquals(U64.of(5001), unicastTo(hv1, C.mac()).field(MatchField.METADATA).getValue().getValue());
        // segment, from-tunnel, unaddressed and gateway bits: an unaddressed DHCP request or a packet between a router and its uplink is never forwarded by L2
        assertEquals(U64.of(0xfffffff), unicastTo(hv1, C.mac()).field(MatchField.METADATA).getMask().getValue());
    }

    @Test
    void broadcastGoesToLocalPortsPlusOneCopyPerRemoteHypervisor() {
        var hv1 = compiler.network(NET, view()).get(DatapathId.of(1));
        List<FlowSpec> floods = hv1.stream().filter(f -> f.priority() == L2Compiler.FLOOD).toList();
        assertEquals(2, floods.size());
        FlowSpec local = floods.stream().filter(f -> f.field(MatchField.METADATA).getValue().getValue().getValue() == 5001)
                .findFirst().orElseThrow();
        FlowSpec fromTunnel = floods.stream().filter(f -> f != local).findFirst().orElseThrow();
        List<OFPort> localOut = actions(local).stream().filter(a -> a instanceof OFActionOutput)
                .map(a -> ((OFActionOutput) a).getPort()).toList();
        assertEquals(List.of(OFPort.of(1), OFPort.of(2), OFPort.of(102)), localOut, "a, b and one copy to hv2 (not hv3)");
        List<OFPort> tunnelOut = actions(fromTunnel).stream().map(a -> ((OFActionOutput) a).getPort()).toList();
        assertEquals(List.of(OFPort.of(1), OFPort.of(2)), tunnelOut, "from a tunnel: local ports only");
    }

    @Test
    void arpIsAnsweredForEveryOtherPortOfTheNetwork() {
        var hv1 = compiler.network(NET, view()).get(DatapathId.of(1));
        List<FlowSpec> answers = hv1.stream().filter(f -> f.table().equals(TenantPipeline.ARP)).toList();
        assertEquals(4, answers.size(), "askers a, b (on hv1) x 2 targets each");
        FlowSpec aAsksC = answers.stream().filter(f -> f.field(MatchField.IN_PORT).getValue().equals(OFPort.of(1))
                && f.field(MatchField.ARP_TPA).getValue().equals(IPv4Address.of("10.0.0.3"))).findFirst().orElseThrow();
        List<OFAction> acts = actions(aAsksC);
        assertEquals(A.mac(), ((OFActionSetField) acts.get(0)).getField().getValue(), "reply to the asker");
        assertEquals(C.mac(), ((OFActionSetField) acts.get(1)).getField().getValue(), "from the target");
        assertEquals(OFPort.IN_PORT, ((OFActionOutput) acts.get(acts.size() - 1)).getPort());
    }

    @Test
    void nothingTowardsAHypervisorWhoseTunnelIsUnknown() {
        var v = new FabricView(CFG, view().locations(), Map.of());
        var hv1 = compiler.network(NET, v).get(DatapathId.of(1));
        assertTrue(hv1.stream().noneMatch(f -> f.field(MatchField.ETH_DST) != null
                && !f.field(MatchField.ETH_DST).isMasked() && f.field(MatchField.ETH_DST).getValue().equals(C.mac())));
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
