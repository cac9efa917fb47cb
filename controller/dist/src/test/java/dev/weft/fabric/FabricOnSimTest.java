package dev.weft.fabric;

import dev.weft.api.tenant.LogicalPort;
import dev.weft.api.tenant.NetworkConfig;
import dev.weft.api.topology.TopologyService;
import dev.weft.apps.fabric.Fabric;
import dev.weft.apps.fabric.Target;
import dev.weft.core.Controller;
import dev.weft.core.ControllerSettings;
import dev.weft.core.config.ConfigLoader;
import dev.weft.core.config.WeftConfig;
import dev.weft.sim.net.Delivery;
import dev.weft.sim.net.SimNetwork;
import dev.weft.sim.net.Topology;
import dev.weft.sim.net.TopologyBuilder;
import dev.weft.sim.packet.Frames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.OFPort;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fabric app in the real controller, over TCP, on a simulated leaf-spine (2 spines, 4 leaves;
 * leaf3 speaks OpenFlow 1.0 only, leaf4 has one table) with physical servers of three tenants,
 * two with the same addresses: links are discovered, each switch gets the target its features
 * call for, the ping matrix is the config's, spoofed frames reach nobody, and a failed spine link
 * reroutes.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FabricOnSimTest {
    static final String CONFIG = """
            tenants:
              - name: acme
                networks:
                  - name: web
                    segment: 5001
                    subnet: 10.0.1.0/24
                    ports:
                      - { name: a1, mac: "02:00:0a:00:01:0b", ips: [10.0.1.11], binding: { switch: "00:00:00:00:00:00:00:01", port: 3 } }
                      - { name: a2, mac: "02:00:0a:00:01:0c", ips: [10.0.1.12], binding: { switch: "00:00:00:00:00:00:00:02", port: 3 } }
                      - { name: a3, mac: "02:00:0a:00:01:0d", ips: [10.0.1.13], binding: { switch: "00:00:00:00:00:00:00:04", port: 3 } }
              - name: globex
                networks:
                  - name: web
                    segment: 6001
                    subnet: 10.0.1.0/24
                    ports:
                      - { name: g1, mac: "02:00:0a:00:01:0b", ips: [10.0.1.11], binding: { switch: "00:00:00:00:00:00:00:01", port: 4 } }
                      - { name: g2, mac: "02:00:0a:00:01:0c", ips: [10.0.1.12], binding: { switch: "00:00:00:00:00:00:00:03", port: 3 } }
                      - { name: g3, mac: "02:00:0a:00:01:0d", ips: [10.0.1.13], binding: { switch: "00:00:00:00:00:00:00:04", port: 4 } }
              - name: initech
                networks:
                  - name: lab
                    segment: 7001
                    subnet: 10.0.9.0/24
                    ports:
                      - { name: i1, mac: "02:00:0a:00:09:01", ips: [10.0.9.1], binding: { switch: "00:00:00:00:00:00:00:02", port: 4 } }
                      - { name: i2, mac: "02:00:0a:00:09:02", ips: [10.0.9.2], binding: { by-mac: true } }
            """;
    static final List<String> HOSTS = List.of("a1", "a2", "a3", "g1", "g2", "g3", "i1", "i2");

    static Topology site(NetworkConfig cfg) {
        TopologyBuilder b = new TopologyBuilder();
        for (int leaf = 1; leaf <= 4; leaf++) {
            b.addSwitch("leaf" + leaf, DatapathId.of(leaf), leaf == 3 ? Set.of(OFVersion.OF_10) : Set.of(), 0, null);
        }
        b.addSwitch("spine1", DatapathId.of(0x101), Set.of(), 0, null);
        b.addSwitch("spine2", DatapathId.of(0x102), Set.of(), 0, null);
        for (int leaf = 1; leaf <= 4; leaf++) {
            b.addLink("leaf" + leaf, OFPort.of(1), "spine1", OFPort.of(leaf));
            b.addLink("leaf" + leaf, OFPort.of(2), "spine2", OFPort.of(leaf));
        }
        Map<String, String> at = Map.of("a1", "leaf1:3", "a2", "leaf2:3", "a3", "leaf4:3", "g1", "leaf1:4",
                "g2", "leaf3:3", "g3", "leaf4:4", "i1", "leaf2:4", "i2", "leaf3:4");
        for (String h : HOSTS) {
            LogicalPort p = cfg.port(h).orElseThrow();
            String[] sp = at.get(h).split(":");
            b.addHost(h, p.mac(), p.ips().get(0), sp[0], OFPort.of(Integer.parseInt(sp[1])), null);
        }
        return b.build();
    }

    static boolean sameTenant(String a, String b) {
        return a.charAt(0) == b.charAt(0);
    }

    static List<String> expected() {
        List<String> l = new ArrayList<>();
        for (String a : HOSTS) {
            for (String b : HOSTS) {
                if (!a.equals(b) && sameTenant(a, b)) {
                    l.add(a + ">" + b);
                }
            }
        }
        return l;
    }

    static List<String> matrix(SimNetwork net) {
        List<String> l = new ArrayList<>();
        for (String a : HOSTS) {
            for (String b : HOSTS) {
                if (!a.equals(b) && net.ping(a, b, Duration.ofSeconds(2)).success()) {
                    l.add(a + ">" + b);
                }
            }
        }
        return l;
    }

    static void await(String what, Supplier<Boolean> ok) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!ok.get()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(50);
        }
    }

    @Test
    void tenantNetworksOnAMixedLeafSpine() throws Exception {
        WeftConfig cfg = ConfigLoader.parse(CONFIG, "fabric-test.yaml");
        try (Controller weft = Controller.start(ControllerSettings.builder().config(cfg)
                .listen(List.of(new InetSocketAddress("127.0.0.1", 0))).apps(List.of("fabric"))
                .tableMissToController(false).dispatchThreads(2).build());
             SimNetwork net = SimNetwork.builder().controller("127.0.0.1", weft.openflowAddresses().get(0).getPort())
                     .topology(site(cfg.network())).versions(OFVersion.OF_13)
                     .datapathConfig(c -> c.dpid().equals(DatapathId.of(4)) ? c.withTables(1) : c).build()) {
            net.awaitReady(Duration.ofSeconds(20));
            TopologyService topo = weft.service(TopologyService.class).orElseThrow();
            await("16 directed links", () -> topo.current().links().size() == 16);
            Fabric fabric = weft.service(Fabric.class).orElseThrow();
            await("every switch's target", () -> fabric.lastInputs().map(i -> i.targets().size() == 6).orElse(false));
            Map<DatapathId, Target> targets = fabric.lastInputs().orElseThrow().targets();
            assertEquals(Target.SINGLE_TABLE_OF10, targets.get(DatapathId.of(3)), "leaf3 speaks OpenFlow 1.0");
            assertEquals(Target.SINGLE_TABLE, targets.get(DatapathId.of(4)), "leaf4 has one table");
            assertEquals(Target.MULTI_TABLE, targets.get(DatapathId.of(1)));
            assertEquals(Target.MULTI_TABLE, targets.get(DatapathId.of(0x101)));

            // i2 is bound by MAC: found where it first speaks (leaf3, port 4).
            net.gratuitousArp("i2");
            await("i2 located by its MAC", () -> fabric.macLocation("i2").isPresent());
            assertEquals(DatapathId.of(3), fabric.macLocation("i2").orElseThrow().dpid());

            await("the config's reachability matrix", () -> matrix(net).equals(expected()));
            assertEquals(expected(), matrix(net));

            // Spoofing on an edge port: a1 as a2's MAC, as a2's IP; nobody gets it.
            LogicalPort a1 = cfg.network().port("a1").orElseThrow();
            LogicalPort a2 = cfg.network().port("a2").orElseThrow();
            LogicalPort a3 = cfg.network().port("a3").orElseThrow();
            Delivery d1 = net.trace("a1", Frames.from(a2.mac(), a1.ips().get(0)).to(a3.mac(), a3.ips().get(0))
                    .echoRequest(7, 1));
            assertTrue(d1.receptions().isEmpty(), "a1 as a2's MAC: " + d1);
            Delivery d2 = net.trace("a1", Frames.from(a1.mac(), a2.ips().get(0)).to(a3.mac(), a3.ips().get(0))
                    .echoRequest(7, 2));
            assertTrue(d2.receptions().isEmpty(), "a1 as a2's IP: " + d2);

            // A spine link fails: every tree that used it is rerouted through the other spine.
            long down = System.nanoTime();
            net.linkDown("leaf1", "spine1");
            await("the matrix after leaf1-spine1 failed", () -> matrix(net).equals(expected()));
            System.out.printf("[fabric-sim] leaf1-spine1 down: all 56 pings of the matrix right again %d ms later (the matrix itself included)%n",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - down));
            net.linkDown("leaf3", "spine2");
            await("the matrix after leaf3-spine2 failed too", () -> matrix(net).equals(expected()));
        }
    }
}
