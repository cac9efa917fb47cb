package dev.weft.apps.tenantnetworks;

import dev.weft.api.tenant.Binding;
import dev.weft.api.tenant.FabricView;
import dev.weft.api.tenant.LogicalNetwork;
import dev.weft.api.tenant.LogicalPort;
import dev.weft.api.tenant.NetworkConfig;
import dev.weft.api.tenant.PortLocation;
import dev.weft.api.tenant.Tenant;
import dev.weft.apps.isolation.IsolationCompiler;
import dev.weft.apps.tenantpipeline.PipelineModel;
import dev.weft.sim.inprocess.Reach;
import dev.weft.sim.packet.FrameBuilder;
import dev.weft.sim.packet.Frames;
import org.junit.jupiter.api.Test;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static dev.weft.apps.tenantnetworks.L2CompilerTest.HV1;
import static dev.weft.apps.tenantnetworks.L2CompilerTest.HV2;
import static dev.weft.apps.tenantnetworks.L2CompilerTest.HV3;
import static dev.weft.apps.tenantnetworks.L2CompilerTest.tunnels;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Isolation with forwarding behind it: each lie a VM (or the underlay) can tell reaches nobody,
 * while the same frame told truthfully reaches exactly its target (so "nobody" is the
 * isolation's doing, not a pipeline that forwards nothing). Two tenants: t1's a (hv1) and b
 * (hv2) in segment 5001, t2's d (hv3) in 6001.
 */
class TenantPipelineIsolationTest {
    static final LogicalPort A = port("a", "t1", 5001, 1, "10.0.0.1");
    static final LogicalPort B = port("b", "t1", 5001, 2, "10.0.0.2");
    static final LogicalPort D = port("d", "t2", 6001, 4, "10.0.0.4");
    static final NetworkConfig CFG = new NetworkConfig(List.of(HV1, HV2, HV3), List.of(
            new Tenant("t1", List.of(new LogicalNetwork("t1", "n", 5001, Optional.empty(), List.of(A, B)))),
            new Tenant("t2", List.of(new LogicalNetwork("t2", "n", 6001, Optional.empty(), List.of(D))))));

    static LogicalPort port(String name, String tenant, int seg, int mac, String ip) {
        return new LogicalPort(name, tenant, "n", seg, MacAddress.of(0x020000000000L + mac),
                List.of(IPv4Address.of(ip)), new Binding.Interface("vm-" + name));
    }

    final PipelineModel m = PipelineModel.of(new FabricView(CFG, Map.of(
                    "a", new PortLocation(HV1.dpid(), OFPort.of(1)), "b", new PortLocation(HV2.dpid(), OFPort.of(1)),
                    "d", new PortLocation(HV3.dpid(), OFPort.of(1))), tunnels(CFG)),
            new IsolationCompiler(), new L2Compiler())
            .plug("stranger", "hv1", OFPort.of(9));

    final FrameBuilder truthfulA = Frames.from(A.mac(), A.ips().get(0));
    final byte[] aToB = truthfulA.to(B.mac(), B.ips().get(0)).echoRequest(1, 1);

    static void nobody(Reach r, String lie) {
        assertTrue(r.reachedNobody(), lie + " reached " + r);
    }

    @Test
    void theTruthReachesItsTarget() {
        Reach r = m.send("a", aToB);
        assertTrue(r.reachedOnly("b"), r.toString());
        assertTrue(m.send("a", truthfulA.arpRequest(IPv4Address.of("10.0.0.99"))).reachedOnly("b"));
    }

    @Test
    void aVmLyingAboutItselfReachesNobody() {
        nobody(m.send("a", Frames.from(D.mac(), A.ips().get(0)).to(B.mac(), B.ips().get(0)).echoRequest(1, 1)),
                "another VM's MAC");
        nobody(m.send("a", Frames.from(A.mac(), IPv4Address.of("10.0.0.77")).to(B.mac(), B.ips().get(0))
                .echoRequest(1, 1)), "an IP that is not its own");
        nobody(m.send("a", truthfulA.vlan(5001 & 0xfff).to(B.mac(), B.ips().get(0)).echoRequest(1, 1)),
                "a VLAN tag");
        nobody(m.send("a", truthfulA.arp(Frames.ARP_REQUEST, D.mac(), A.ips().get(0), MacAddress.NONE,
                B.ips().get(0))), "an ARP with someone else's sender MAC");
        nobody(m.send("a", Frames.from(A.mac(), B.ips().get(0)).gratuitousArp()), "an ARP claiming b's address");
        nobody(m.send("a", Frames.from(A.mac(), A.ips().get(0)).to(B.mac()).ethernet(0x88b5, new byte[8])),
                "neither IPv4 nor ARP");
    }

    @Test
    void aFrameOnAPortNoVmIsOnReachesNobody() {
        nobody(m.send("stranger", aToB), "a's very frame, on port 9");
        nobody(m.send("stranger", truthfulA.arpRequest(B.ips().get(0))), "an ARP from port 9");
    }

    @Test
    void aTunnelFrameWithAnotherSegmentOrFromAHypervisorWithoutTheNetworkReachesNobody() {
        byte[] bToA = Frames.from(B.mac(), B.ips().get(0)).to(A.mac(), A.ips().get(0)).echoRequest(1, 1);
        assertTrue(m.fromTunnel("hv1", "hv2", 5001, bToA).reachedOnly("a"), "control: what hv2 sends for 5001");
        nobody(m.fromTunnel("hv1", "hv2", 6001, bToA), "t2's segment, which hv1 does not host");
        nobody(m.fromTunnel("hv1", "hv3", 5001, bToA), "5001 from hv3, which hosts only t2");
        nobody(m.fromTunnel("hv3", "hv1", 6001, Frames.from(A.mac(), A.ips().get(0)).to(D.mac(), D.ips().get(0))
                .echoRequest(1, 1)), "6001 from hv1, which hosts none of t2");
        nobody(m.fromTunnel("hv1", "hv2", 0, bToA), "no segment at all");
    }

    @Test
    void anotherTenantsVmIsNotReachedEvenByItsExactAddresses() {
        nobody(m.send("a", truthfulA.to(D.mac(), D.ips().get(0)).echoRequest(1, 1)), "t2's d, by MAC and IP");
        Reach arp = m.send("a", truthfulA.arpRequest(D.ips().get(0)));
        assertTrue(arp.reachedOnly("b"), "asking for d's address is a broadcast in t1 only: " + arp);
        assertTrue(m.send("d", Frames.from(D.mac(), D.ips().get(0)).arpRequest(A.ips().get(0))).reachedNobody(),
                "d is alone in its network: its broadcast reaches nobody");
    }
}
