package dev.weft.apps.routers;

import dev.weft.api.tenant.FabricView;
import dev.weft.api.tenant.LogicalPort;
import dev.weft.api.tenant.NetworkConfig;
import dev.weft.api.tenant.PortLocation;
import dev.weft.api.tenant.RouterPort;
import dev.weft.api.tenant.TransportNode;
import dev.weft.apps.isolation.IsolationCompiler;
import dev.weft.apps.tenantnetworks.L2Compiler;
import dev.weft.apps.tenantpipeline.PipelineModel;
import dev.weft.core.config.ConfigLoader;
import dev.weft.sim.inprocess.Reach;
import dev.weft.sim.packet.Frames;
import org.junit.jupiter.api.Test;
import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.OFPort;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the router compiler's L3 entries do with frames, with isolation (before) and
 * tenant-networks (after) on in-process hypervisors joined by tunnels: routing on the sender's
 * hypervisor with TTL one less, static routes to their next hop (longest prefix first, from any
 * hypervisor), the controller asked only where no route exists, the router's addresses answering
 * ping in place. A pure function of a config and where the VMs are: no controller, no threads.
 */
class RouterCompilerTest {
    static final String YAML = """
            controller:
              apps: [isolation, tenant-networks, routers]
            transport-nodes:
              - { name: hv1, datapath-id: "00:00:00:00:00:00:00:01", tunnel-ip: 10.77.0.1 }
              - { name: hv2, datapath-id: "00:00:00:00:00:00:00:02", tunnel-ip: 10.77.0.2 }
            tenants:
              - name: t
                networks:
                  - name: web
                    segment: 7001
                    subnet: 10.0.1.0/24
                    ports:
                      - { name: a, mac: "02:00:0a:00:01:0a", ips: [10.0.1.10], binding: { interface: vm-a } }
                      - { name: b, mac: "02:00:0a:00:01:0b", ips: [10.0.1.11], binding: { interface: vm-b } }
                  - name: db
                    segment: 7002
                    subnet: 10.0.2.0/24
                    ports:
                      - { name: d, mac: "02:00:0a:00:02:0d", ips: [10.0.2.13], binding: { interface: vm-d } }
                      # two VMs that route further (the next hops of the static routes)
                      - { name: vr1, mac: "02:00:0a:00:02:fe", ips: [10.0.2.254], binding: { interface: vm-vr1 } }
                      - { name: vr2, mac: "02:00:0a:00:02:fd", ips: [10.0.2.253], binding: { interface: vm-vr2 } }
                routers:
                  - name: edge
                    ports:
                      - { network: web, ip: 10.0.1.1 }
                      - { network: db, ip: 10.0.2.1 }
                    routes:
                      - { destination: 192.168.0.0/16, next-hop: 10.0.2.254 }
                      - { destination: 192.168.7.0/24, next-hop: 10.0.2.253 }
            """;
    static final NetworkConfig CFG = ConfigLoader.parse(YAML, "router-compiler-test.yaml").network();
    static final TransportNode HV1 = CFG.transportNodes().get(0);
    static final TransportNode HV2 = CFG.transportNodes().get(1);

    /** a and vr1 on hv1; b, d and vr2 on hv2. Node X's tunnel to node Y is port 100 + Y. */
    static FabricView view() {
        Map<String, PortLocation> at = Map.of(
                "a", new PortLocation(HV1.dpid(), OFPort.of(1)), "vr1", new PortLocation(HV1.dpid(), OFPort.of(2)),
                "b", new PortLocation(HV2.dpid(), OFPort.of(1)), "d", new PortLocation(HV2.dpid(), OFPort.of(2)),
                "vr2", new PortLocation(HV2.dpid(), OFPort.of(3)));
        Map<DatapathId, Map<String, OFPort>> tunnels = new HashMap<>();
        tunnels.put(HV1.dpid(), Map.of("hv2", OFPort.of(102)));
        tunnels.put(HV2.dpid(), Map.of("hv1", OFPort.of(101)));
        return new FabricView(CFG, at, tunnels);
    }

    static PipelineModel model() {
        return PipelineModel.of(view(), new IsolationCompiler(), new L2Compiler(), new RouterCompiler());
    }

    static RouterPort routerPort(String network) {
        int segment = CFG.networks().stream().filter(n -> n.name().equals(network)).findFirst().orElseThrow().segment();
        return CFG.router(segment).orElseThrow().port(segment).orElseThrow();
    }

    /** An echo request from {@code vm} to {@code dst}, sent to its router's MAC (its gateway). */
    static byte[] routed(String vm, String dst) {
        LogicalPort p = CFG.port(vm).orElseThrow();
        RouterPort gw = CFG.router(p.segment()).orElseThrow().port(p.segment()).orElseThrow();
        return Frames.from(p.mac(), p.ips().get(0)).to(gw.mac(), IPv4Address.of(dst)).echoRequest(7, 1);
    }

    static int ttl(byte[] frame) {
        return frame[22] & 0xff;
    }

    static IPv4Address ipDst(byte[] frame) {
        return IPv4Address.of(java.util.Arrays.copyOfRange(frame, 30, 34));
    }

    @Test
    void aPacketToAnotherNetworkIsRoutedOnTheSendersHypervisorWithTtlOneLess() {
        Reach r = model().send("a", routed("a", "10.0.2.13"));
        assertTrue(r.reachedOnly("d"), r.toString());
        byte[] got = r.only("d").frame();
        assertEquals(63, ttl(got), "TTL one less");
        assertEquals(routerPort("db").mac(), Frames.ethSrc(got), "from the router's MAC on db");
        assertEquals(CFG.port("d").orElseThrow().mac(), Frames.ethDst(got));
        assertEquals(List.of("hv1", "hv2"), r.only("d").switches(), "one tunnel, no central node");
        assertEquals(List.of(7002L), r.only("d").tunnelIds(), "carried in the destination network's segment");
        assertTrue(r.packetIns().isEmpty(), "no controller: " + r.packetIns());
    }

    @Test
    void aStaticRouteLeadsToItsNextHopWithTheDestinationAddressUnchanged() {
        Reach r = model().send("a", routed("a", "192.168.99.5"));
        assertTrue(r.reachedOnly("vr1"), r.toString());
        byte[] got = r.only("vr1").frame();
        assertEquals(CFG.port("vr1").orElseThrow().mac(), Frames.ethDst(got), "to the next hop's MAC");
        assertEquals(routerPort("db").mac(), Frames.ethSrc(got));
        assertEquals(IPv4Address.of("192.168.99.5"), ipDst(got), "the destination address is kept");
        assertEquals(63, ttl(got));
        assertEquals(List.of("hv1"), r.only("vr1").switches(), "the next hop is local to a: no tunnel");
        assertTrue(r.packetIns().isEmpty(), r.packetIns().toString());
    }

    @Test
    void theLongestPrefixWins() {
        PipelineModel m = model();
        Reach inner = m.send("a", routed("a", "192.168.7.9"));
        assertTrue(inner.reachedOnly("vr2"), "192.168.7.0/24 before 192.168.0.0/16: " + inner);
        assertEquals(List.of(7002L), inner.only("vr2").tunnelIds());
        Reach outer = m.send("a", routed("a", "192.168.8.1"));
        assertTrue(outer.reachedOnly("vr1"), outer.toString());
    }

    @Test
    void staticRoutesWorkFromEveryHypervisorOfTheRoutersNetworks() {
        Reach r = model().send("b", routed("b", "192.168.99.5"));
        assertTrue(r.reachedOnly("vr1"), r.toString());
        assertEquals(List.of("hv2", "hv1"), r.only("vr1").switches(), "routed on hv2, then one tunnel");
        assertEquals(63, ttl(r.only("vr1").frame()));
    }

    @Test
    void withoutARouteThePacketGoesToTheControllerOnTheSendersHypervisorOnly() {
        PipelineModel m = model();
        for (String dst : List.of("8.8.8.8", "10.0.2.77", "172.16.0.1")) {
            Reach r = m.send("b", routed("b", dst));
            assertTrue(r.arrivals().isEmpty(), dst + ": no VM gets it: " + r);
            assertEquals(1, r.packetIns().size(), dst + ": one packet-in (for the ICMP error): " + r.packetIns());
            assertEquals("hv2", r.packetIns().get(0).switchName(), dst + ": on the sender's hypervisor");
        }
    }

    @Test
    void theRoutersAddressesAnswerPingInPlace() {
        PipelineModel m = model();
        for (String own : List.of("10.0.1.1", "10.0.2.1")) {
            Reach r = m.send("b", routed("b", own));
            assertTrue(r.reachedOnly("b"), own + ": only the asker gets the reply: " + r);
            byte[] reply = r.only("b").frame();
            Frames.IcmpEcho echo = Frames.parseIcmpEcho(reply);
            assertTrue(echo != null && !echo.request(), own + ": an echo reply");
            assertEquals(IPv4Address.of(own), echo.src(), "from the address pinged");
            assertEquals(List.of("hv2"), r.only("b").switches(), own + ": answered on b's hypervisor");
        }
    }

    @Test
    void aPacketNotAddressedToTheRouterIsNotRouted() {
        // To d's address but to a's neighbour's MAC: switched within web (to b), never routed.
        LogicalPort a = CFG.port("a").orElseThrow();
        LogicalPort b = CFG.port("b").orElseThrow();
        Reach r = model().send("a", Frames.from(a.mac(), a.ips().get(0)).to(b.mac(), IPv4Address.of("10.0.2.13"))
                .echoRequest(7, 2));
        assertTrue(r.reachedOnly("b"), r.toString());
        assertEquals(64, ttl(r.only("b").frame()), "not routed: TTL untouched");
    }
}
