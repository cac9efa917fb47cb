package dev.weft.apps.tenantnetworks;

import dev.weft.api.tenant.FabricView;
import dev.weft.api.tenant.LogicalNetwork;
import dev.weft.api.tenant.NetworkConfig;
import dev.weft.api.tenant.PortLocation;
import dev.weft.api.tenant.Tenant;
import dev.weft.api.tenant.TransportNode;
import dev.weft.apps.isolation.IsolationCompiler;
import dev.weft.apps.tenantpipeline.PipelineModel;
import dev.weft.sim.inprocess.Reach;
import dev.weft.sim.packet.FrameBuilder;
import dev.weft.sim.packet.Frames;
import org.junit.jupiter.api.Test;
import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.OFPort;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static dev.weft.apps.tenantnetworks.L2CompilerTest.HV1;
import static dev.weft.apps.tenantnetworks.L2CompilerTest.HV2;
import static dev.weft.apps.tenantnetworks.L2CompilerTest.HV3;
import static dev.weft.apps.tenantnetworks.TenantPipelineIsolationTest.A;
import static dev.weft.apps.tenantnetworks.TenantPipelineIsolationTest.B;
import static dev.weft.apps.tenantnetworks.TenantPipelineIsolationTest.D;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The tenant pipeline over flow-based tunnels: each hypervisor has one VXLAN port
 * ({@code vx-flow}, {@code remote_ip=flow}) for all the others, so each packet names its remote
 * ({@code tun_dst}) and arriving packets are told apart by their underlay source ({@code tun_src}).
 * The same matrix as per-remote ports, and what a flow-based port adds: VXLAN from an address that
 * is no hypervisor's reaches nobody. t1's a (hv1) and b (hv2) in 5001, t2's d (hv3) in 6001.
 */
class FlowTunnelPipelineTest {
    static final NetworkConfig CFG = new NetworkConfig(List.of(HV1, HV2, HV3), List.of(
            new Tenant("t1", List.of(new LogicalNetwork("t1", "n", 5001, Optional.empty(), List.of(A, B)))),
            new Tenant("t2", List.of(new LogicalNetwork("t2", "n", 6001, Optional.empty(), List.of(D))))));

    /**
     * Every node reaches every other through its one flow-based port, as TenantManager reports it;
     * the port's number differs from node to node (as it does on real hypervisors).
     */
    static FabricView view(Map<String, PortLocation> at) {
        Map<DatapathId, Map<String, OFPort>> tunnels = new HashMap<>();
        Map<DatapathId, OFPort> flow = new HashMap<>();
        for (TransportNode n : CFG.transportNodes()) {
            OFPort vx = OFPort.of(100 + (int) n.dpid().getLong());
            Map<String, OFPort> m = new HashMap<>();
            CFG.transportNodes().stream().filter(o -> o != n).forEach(o -> m.put(o.name(), vx));
            tunnels.put(n.dpid(), m);
            flow.put(n.dpid(), vx);
        }
        return new FabricView(CFG, at, tunnels, Map.of(), flow);
    }

    final PipelineModel m = PipelineModel.of(view(Map.of(
                    "a", new PortLocation(HV1.dpid(), OFPort.of(1)), "b", new PortLocation(HV2.dpid(), OFPort.of(1)),
                    "d", new PortLocation(HV3.dpid(), OFPort.of(1)))),
            new IsolationCompiler(), new L2Compiler());

    final FrameBuilder truthfulA = Frames.from(A.mac(), A.ips().get(0));
    final byte[] aToB = truthfulA.to(B.mac(), B.ips().get(0)).echoRequest(1, 1);

    @Test
    void unicastCrossesToTheRightHypervisorWithTheSegmentAsKey() {
        Reach r = m.send("a", aToB);
        assertTrue(r.reachedOnly("b"), r.toString());
        assertEquals(List.of(5001L), r.only("b").tunnelIds());
    }

    @Test
    void everyVmOfANetworkReachesEveryOtherBothWays() {
        for (var from : List.of(A, B)) {
            for (var to : List.of(A, B)) {
                if (from != to) {
                    Reach r = m.send(from.name(), Frames.from(from.mac(), from.ips().get(0)).to(to.mac(), to.ips().get(0))
                            .echoRequest(1, 1));
                    assertTrue(r.reachedOnly(to.name()), from.name() + " -> " + to.name() + ": " + r);
                }
            }
        }
    }

    @Test
    void broadcastReachesTheNetworkOnlyOnceEach() {
        Reach r = m.send("a", truthfulA.arpRequest(IPv4Address.of("10.0.0.99")));
        assertTrue(r.reachedOnly("b"), r.toString());
        assertEquals(1, r.copiesAt("b"));
    }

    @Test
    void anotherTenantIsNotReachedEvenByItsExactAddresses() {
        assertTrue(m.send("d", Frames.from(D.mac(), D.ips().get(0)).to(A.mac(), A.ips().get(0)).echoRequest(1, 1))
                .reachedNobody());
        assertTrue(m.send("a", truthfulA.to(D.mac(), D.ips().get(0)).echoRequest(1, 1)).reachedNobody());
    }

    @Test
    void vxlanFromAnAddressThatIsNoHypervisorReachesNobody() {
        byte[] frame = truthfulA.to(B.mac(), B.ips().get(0)).echoRequest(1, 1);
        // From hv1's address with the right key: b gets it (so "nobody" below is the source check's doing).
        assertTrue(m.fromFlowTunnel("hv2", HV1.tunnelIp(), 5001, frame).reachedOnly("b"));
        assertTrue(m.fromFlowTunnel("hv2", IPv4Address.of("10.77.0.99"), 5001, frame).reachedNobody(),
                "an underlay address no transport node has");
        assertTrue(m.fromFlowTunnel("hv2", HV3.tunnelIp(), 5001, frame).reachedNobody(),
                "a hypervisor that hosts no port of the network");
        assertTrue(m.fromFlowTunnel("hv2", HV1.tunnelIp(), 6001, frame).reachedNobody(), "another segment");
    }
}
