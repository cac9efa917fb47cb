package dev.weft.it;

import dev.weft.sim.net.Delivery;
import dev.weft.sim.net.PingAllResult;
import dev.weft.sim.net.PingResult;
import dev.weft.sim.net.SimHost;
import dev.weft.sim.packet.Frames;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Faucet-style specs of the tenant pipeline: the example configuration (three tenants, two of
 * them with the very same MAC and IP addresses, placed on the same hypervisors), then "A reaches
 * B", "A reaches nobody else" on the simulator's flow tables, with Weft programming them.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TenantIsolationSpecTest {
    /** acme and globex twins share hypervisors: hv1 holds acme-web1 and globex-web1 (same MAC, same IP). */
    static final Map<String, String> PLACEMENT = Map.of(
            "acme-web1", "hv1", "globex-web1", "hv1", "initech-a", "hv1",
            "acme-web2", "hv2", "globex-web2", "hv2", "acme-db1", "hv2",
            "acme-web3", "hv3", "initech-b", "hv3");

    static TenantFabric fabric;

    @BeforeAll
    static void up() throws Exception {
        String yaml = Files.readString(Path.of("../../examples/tenants/three-tenants.yaml"));
        fabric = new TenantFabric(yaml, PLACEMENT);
    }

    @AfterAll
    static void down() {
        if (fabric != null) {
            fabric.close();
        }
    }

    static String networkOf(String vm) {
        var p = fabric.config.port(vm).orElseThrow();
        return p.tenant() + "/" + p.network();
    }

    static Set<String> sameNetwork(String vm) {
        return fabric.net.hosts().stream().map(SimHost::name)
                .filter(h -> !h.equals(vm) && networkOf(h).equals(networkOf(vm))).collect(Collectors.toSet());
    }

    static byte[] ping(SimHost from, MacAddress dstMac, IPv4Address dstIp) {
        return Frames.from(from.mac(), from.ip()).to(dstMac, dstIp).echoRequest(7, 1, new byte[32]);
    }

    @Test
    void reachabilityMatrixIsExactlyTheConfigs() {
        List<String> wrong = new ArrayList<>();
        StringBuilder matrix = new StringBuilder();
        for (SimHost a : fabric.net.hosts()) {
            matrix.append(String.format("%-12s", a.name()));
            for (SimHost b : fabric.net.hosts()) {
                if (a == b) {
                    matrix.append(" -");
                    continue;
                }
                Delivery d = fabric.net.trace(a.name(), ping(a, b.mac(), b.ip()));
                boolean same = networkOf(a.name()).equals(networkOf(b.name()));
                boolean reached = d.receivers().contains(b.name());
                matrix.append(reached ? " Y" : " .");
                if (same != reached) {
                    wrong.add(a.name() + " -> " + b.name() + (same ? " not reached" : " reached") + ": " + d.receivers());
                }
                if (!sameNetwork(a.name()).containsAll(d.receivers())) {
                    wrong.add(a.name() + " -> " + b.name() + " leaked to " + d.receivers());
                }
                if (d.receivers().stream().anyMatch(h -> d.copiesAt(h) != 1)) {
                    wrong.add(a.name() + " -> " + b.name() + " duplicated: " + d.copies());
                }
                if (d.packetIns() != 0) {
                    wrong.add(a.name() + " -> " + b.name() + " needed the controller (" + d.packetIns() + " packet-ins)");
                }
            }
            matrix.append('\n');
        }
        System.out.println("[spec] reachability (Y = reached):\n" + matrix);
        assertTrue(wrong.isEmpty(), String.join("\n", wrong));
    }

    @Test
    void twinsWithTheSameMacAndIpOnOneHypervisorStayApart() {
        SimHost acme1 = fabric.vm("acme-web1");
        SimHost globex1 = fabric.vm("globex-web1");
        assertEquals(acme1.mac(), globex1.mac());
        assertEquals(acme1.ip(), globex1.ip());
        assertEquals(acme1.switchName(), globex1.switchName());
        // Both address ...:0c / 10.0.1.12, which exists in both tenants: each reaches its own.
        SimHost acme2 = fabric.vm("acme-web2");
        assertTrue(fabric.net.trace("acme-web1", ping(acme1, acme2.mac(), acme2.ip())).reachedExactly("acme-web2"));
        assertTrue(fabric.net.trace("globex-web1", ping(globex1, acme2.mac(), acme2.ip())).reachedExactly("globex-web2"));
    }

    @Test
    void spoofedSourceMacReachesNobody() {
        SimHost a = fabric.vm("acme-web1");
        SimHost b = fabric.vm("acme-web2");
        MacAddress stolen = fabric.vm("acme-web3").mac();
        Delivery d = fabric.net.trace("acme-web1", Frames.from(stolen, a.ip()).to(b.mac(), b.ip())
                .echoRequest(1, 1, new byte[8]));
        assertTrue(d.receivers().isEmpty(), d.toString());
        Delivery bcast = fabric.net.trace("acme-web1", Frames.from(stolen).to(MacAddress.BROADCAST)
                .ethernet(0x0800, new byte[46]));
        assertTrue(bcast.receivers().isEmpty(), bcast.toString());
    }

    @Test
    void spoofedSourceIpReachesNobody() {
        SimHost a = fabric.vm("acme-web1");
        SimHost b = fabric.vm("acme-web2");
        Delivery d = fabric.net.trace("acme-web1", Frames.from(a.mac(), IPv4Address.of("10.0.1.13"))
                .to(b.mac(), b.ip()).echoRequest(1, 1, new byte[8]));
        assertTrue(d.receivers().isEmpty(), d.toString());
    }

    @Test
    void arpClaimingAnotherVmsAddressReachesNobody() {
        SimHost a = fabric.vm("acme-web1");
        // A gratuitous ARP saying "10.0.1.13 (acme-web3's) is at my MAC": ARP spoofing.
        Delivery garp = fabric.net.trace("acme-web1", Frames.from(a.mac(), IPv4Address.of("10.0.1.13"))
                .gratuitousArp());
        assertTrue(garp.receivers().isEmpty(), garp.toString());
        // An ARP request whose sender hardware address is someone else's.
        Delivery req = fabric.net.trace("acme-web1", Frames.from(a.mac()).arp(Frames.ARP_REQUEST,
                fabric.vm("acme-web2").mac(), a.ip(), MacAddress.NONE, IPv4Address.of("10.0.1.99")));
        assertTrue(req.receivers().isEmpty(), req.toString());
    }

    @Test
    void vlanTaggedFrameFromAVmReachesNobody() {
        SimHost a = fabric.vm("acme-web1");
        SimHost b = fabric.vm("acme-web2");
        var frame = Frames.from(a.mac(), a.ip()).to(b.mac(), b.ip());
        assertTrue(fabric.net.trace("acme-web1", frame.echoRequest(7, 1)).reachedExactly("acme-web2"),
                "control: untagged works");
        Delivery d = fabric.net.trace("acme-web1", frame.vlan(101).echoRequest(7, 1));
        assertTrue(d.receivers().isEmpty(), d.toString());
    }

    @Test
    void broadcastStaysInItsNetworkAndReachesEachPortOnce() {
        for (String from : List.of("acme-web1", "globex-web2", "initech-a", "acme-db1")) {
            SimHost a = fabric.vm(from);
            Delivery d = fabric.net.trace(from, Frames.from(a.mac(), a.ip()).arpRequest(IPv4Address.of("10.9.9.9")));
            assertEquals(sameNetwork(from), d.receivers(), from + ": " + d);
            d.receivers().forEach(h -> assertEquals(1, d.copiesAt(h), from + " -> " + h + " copies: " + d.copies()));
            assertFalse(d.stormDetected());
            assertEquals(0, d.packetIns());
        }
    }

    @Test
    void arpForAKnownAddressIsAnsweredByTheAskersHypervisor() {
        SimHost a = fabric.vm("acme-web1");
        Delivery d = fabric.net.trace("acme-web1", Frames.from(a.mac(), a.ip())
                .arpRequest(IPv4Address.of("10.0.1.13")));
        assertEquals(Set.of("acme-web1"), d.receivers(), "only the asker gets anything: " + d);
        var reply = Frames.parseArp(d.receivedBy("acme-web1", dev.weft.sim.net.FrameOrigin.INJECTED).get(0));
        assertEquals(2, reply.op());
        assertEquals(fabric.vm("acme-web3").mac(), reply.sha());
        assertEquals(IPv4Address.of("10.0.1.13"), reply.spa());
        assertEquals(a.mac(), reply.tha());
        assertEquals(List.of("hv1"), d.switchesVisited(), "no broadcast, no tunnel");
        assertEquals(0, d.packetIns());
        // The twin in the other tenant asks for the same address and gets its own tenant's answer.
        SimHost g = fabric.vm("globex-web1");
        Delivery gd = fabric.net.trace("globex-web1", Frames.from(g.mac(), g.ip())
                .arpRequest(IPv4Address.of("10.0.1.12")));
        var greply = Frames.parseArp(gd.receivedBy("globex-web1", dev.weft.sim.net.FrameOrigin.INJECTED).get(0));
        assertEquals(fabric.vm("globex-web2").mac(), greply.sha());
        assertEquals(Set.of("globex-web1"), gd.receivers());
    }

    @Test
    void pingWorksAcrossHypervisorsInTheLargestSegment() {
        assertTrue(fabric.net.ping("initech-a", "initech-b").success());
        assertTrue(fabric.net.ping("acme-web1", "acme-web3").success());
    }

    @Test
    void aPingToAnotherTenantsTwinFailsThoughItsTwinInMyTenantAnswers() {
        // globex-web2 has acme-web2's MAC and IP: acme-web1's echo reaches acme-web2, which answers.
        PingResult r = fabric.net.ping("acme-web1", "globex-web2");
        assertFalse(r.success(), r.toString());
        assertEquals("no echo reply from globex-web2 (answered by acme-web2)", r.reason());
        assertTrue(fabric.net.ping("acme-web1", "acme-web2").success(), "control: its own tenant's web2");
        assertTrue(fabric.net.ping("globex-web1", "globex-web2").success(), "control: globex's own pair");
    }

    @Test
    void pingAllReachesExactlyThePairsOnTheSameLogicalNetwork() {
        PingAllResult r = fabric.net.pingAll();
        List<String> wrong = new ArrayList<>();
        int expected = 0;
        for (String a : r.hosts()) {
            for (String b : r.hosts()) {
                if (!a.equals(b)) {
                    boolean same = networkOf(a).equals(networkOf(b));
                    expected += same ? 1 : 0;
                    if (same != r.reachable(a, b)) {
                        wrong.add(a + " -> " + b + (same ? " failed" : " answered"));
                    }
                }
            }
        }
        System.out.println("[spec] " + r.summary());
        assertTrue(wrong.isEmpty(), String.join("\n", wrong) + "\n" + r.summary());
        assertEquals(10, expected, "acme/web 3 x 2, globex/web 2, initech 2; acme-db1 alone");
        assertEquals(expected, r.received(), r.summary());
    }
}
