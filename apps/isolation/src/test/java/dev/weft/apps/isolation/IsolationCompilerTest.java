package dev.weft.apps.isolation;

import dev.weft.api.flow.FlowSpec;
import dev.weft.api.tenant.Binding;
import dev.weft.api.tenant.FabricView;
import dev.weft.api.tenant.LogicalNetwork;
import dev.weft.api.tenant.LogicalPort;
import dev.weft.api.tenant.NetworkConfig;
import dev.weft.api.tenant.PortLocation;
import dev.weft.api.tenant.Tenant;
import dev.weft.apps.tenantpipeline.TenantPipeline;
import dev.weft.api.tenant.TransportNode;
import org.junit.jupiter.api.Test;
import org.projectfloodlight.openflow.protocol.instruction.OFInstructionWriteMetadata;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.TableId;
import org.projectfloodlight.openflow.types.EthType;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.U64;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Table 0 compiled as a pure function of a hand-made fabric: no switch, no controller. */
class IsolationCompilerTest {
    static final TransportNode HV1 = new TransportNode("hv1", DatapathId.of(1), IPv4Address.of("10.77.0.1"));
    static final TransportNode HV2 = new TransportNode("hv2", DatapathId.of(2), IPv4Address.of("10.77.0.2"));
    static final TransportNode HV3 = new TransportNode("hv3", DatapathId.of(3), IPv4Address.of("10.77.0.3"));

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

    final IsolationCompiler compiler = new IsolationCompiler();

    @Test
    void aVmPortMaySendOnlyAsItself() {
        LogicalPort a = port("a", 5001, 1, "10.0.0.1");
        LogicalNetwork n = net(5001, a);
        var flows = compiler.network(n, view(List.of(n), Map.of("a", new PortLocation(HV1.dpid(), OFPort.of(7))), true));
        assertEquals(List.of(HV1.dpid()), List.copyOf(flows.keySet()));
        List<FlowSpec> hv1 = flows.get(HV1.dpid());
        assertEquals(3, hv1.size(), hv1.toString());
        FlowSpec ip = hv1.stream().filter(f -> f.field(MatchField.IPV4_SRC) != null).findFirst().orElseThrow();
        assertEquals(IPv4Address.of("10.0.0.1"), ip.field(MatchField.IPV4_SRC).getValue());
        assertEquals(a.mac(), ip.field(MatchField.ETH_SRC).getValue());
        assertEquals(OFPort.of(7), ip.field(MatchField.IN_PORT).getValue());
        assertEquals(0, ip.field(MatchField.VLAN_VID).getValue().getRawVid(), "untagged only");
        OFInstructionWriteMetadata md = (OFInstructionWriteMetadata) ip.instructions().get(0);
        assertEquals(U64.of(5001), md.getMetadata(), "tagged with the network, not from a tunnel");
        FlowSpec arp = hv1.stream().filter(f -> f.field(MatchField.ARP_SPA) != null).findFirst().orElseThrow();
        assertEquals(EthType.ARP, arp.field(MatchField.ETH_TYPE).getValue());
        assertEquals(a.mac(), arp.field(MatchField.ARP_SHA).getValue(), "ARP sender must be the port's own MAC");
        FlowSpec drop = hv1.stream().filter(f -> f.priority() == IsolationCompiler.PORT_DROP).findFirst().orElseThrow();
        assertTrue(drop.instructions().isEmpty(), "everything else from the port is dropped");
        assertEquals(1, drop.fields().size());
    }

    @Test
    void unlocatedPortsAndPortsOnOtherSwitchesGetNothing() {
        LogicalPort a = port("a", 5001, 1, "10.0.0.1");
        LogicalNetwork n = net(5001, a);
        assertTrue(compiler.network(n, view(List.of(n), Map.of(), true)).isEmpty());
        var elsewhere = compiler.network(n, view(List.of(n),
                Map.of("a", new PortLocation(DatapathId.of(99), OFPort.of(1))), true));
        assertTrue(elsewhere.isEmpty(), "a switch that is not a transport node gets nothing");
    }

    @Test
    void tunnelsAcceptTheSegmentOnlyFromHypervisorsHostingTheNetwork() {
        LogicalPort a = port("a", 5001, 1, "10.0.0.1");
        LogicalPort b = port("b", 5001, 2, "10.0.0.2");
        LogicalPort other = port("c", 6001, 3, "10.0.0.3");
        LogicalNetwork n = net(5001, a, b);
        LogicalNetwork m = net(6001, other);
        Map<String, PortLocation> at = Map.of("a", new PortLocation(HV1.dpid(), OFPort.of(1)),
                "b", new PortLocation(HV2.dpid(), OFPort.of(1)), "c", new PortLocation(HV3.dpid(), OFPort.of(1)));
        var flows = compiler.network(n, view(List.of(n, m), at, true));
        assertFalse(flows.containsKey(HV3.dpid()), "hv3 hosts nothing of 5001");
        List<FlowSpec> tunnelIn = flows.get(HV1.dpid()).stream().filter(f -> f.field(MatchField.TUNNEL_ID) != null).toList();
        assertEquals(1, tunnelIn.size(), "only from hv2: " + tunnelIn);
        assertEquals(OFPort.of(102), tunnelIn.get(0).field(MatchField.IN_PORT).getValue());
        assertEquals(U64.of(5001), tunnelIn.get(0).field(MatchField.TUNNEL_ID).getValue());
        OFInstructionWriteMetadata md = (OFInstructionWriteMetadata) tunnelIn.get(0).instructions().get(0);
        assertEquals(U64.of(5001 | TenantPipeline.FROM_TUNNEL), md.getMetadata(), "marked as from a tunnel");
    }

    @Test
    void aTunnelNotReportedYetGetsNoEntry() {
        LogicalPort a = port("a", 5001, 1, "10.0.0.1");
        LogicalPort b = port("b", 5001, 2, "10.0.0.2");
        LogicalNetwork n = net(5001, a, b);
        var flows = compiler.network(n, view(List.of(n), Map.of("a", new PortLocation(HV1.dpid(), OFPort.of(1)),
                "b", new PortLocation(HV2.dpid(), OFPort.of(1))), false));
        assertTrue(flows.get(HV1.dpid()).stream().noneMatch(f -> f.field(MatchField.TUNNEL_ID) != null));
    }

    @Test
    void aPortWithoutAddressesMaySendAnyUntaggedFrameFromItsMac() {
        LogicalPort l2 = port("l2", 5001, 1);
        LogicalNetwork n = net(5001, l2);
        var hv1 = compiler.network(n, view(List.of(n), Map.of("l2", new PortLocation(HV1.dpid(), OFPort.of(3))), true))
                .get(HV1.dpid());
        FlowSpec allow = hv1.stream().filter(f -> f.priority() == IsolationCompiler.ALLOW).findFirst().orElseThrow();
        assertNull(allow.field(MatchField.ETH_TYPE));
        assertEquals(l2.mac(), allow.field(MatchField.ETH_SRC).getValue());
    }

    @Test
    void defaultDenyOnEveryTransportNodeAndEveryLaterStagePassesOn() {
        var base = compiler.base(view(List.of(), Map.of(), true));
        assertEquals(3, base.size());
        base.values().forEach(l -> {
            FlowSpec deny = l.stream().filter(f -> f.table().equals(TenantPipeline.INGRESS)).findFirst().orElseThrow();
            assertEquals(0, deny.priority());
            assertTrue(deny.fields().isEmpty() && deny.instructions().isEmpty(), "match all, drop");
            // A stage whose app is absent hands packets on: ingress ACL -> ARP -> L3 -> L2.
            for (TableId stage : List.of(TenantPipeline.EGRESS_ACL, TenantPipeline.ARP, TenantPipeline.L3)) {
                FlowSpec pass = l.stream().filter(f -> f.table().equals(stage)).findFirst().orElseThrow();
                assertTrue(pass.priority() == 0 && pass.fields().isEmpty(), stage + ": match all, lowest");
                assertEquals(List.of(TenantPipeline.OF.instructions().gotoTable(TenantPipeline.next(stage))),
                        pass.instructions(), stage + " goes on to the next stage");
            }
            assertTrue(l.stream().noneMatch(f -> f.table().equals(TenantPipeline.L2)), "L2's misses are dropped");
        });
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
