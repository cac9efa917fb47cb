package dev.weft.fabric;

import dev.weft.api.topology.TopologyService;
import dev.weft.apps.fabric.Fabric;
import dev.weft.apps.fabric.Reroute;
import dev.weft.core.Controller;
import dev.weft.core.ControllerSettings;
import dev.weft.core.config.ConfigLoader;
import dev.weft.core.config.WeftConfig;
import dev.weft.core.flow.Reconciler;
import dev.weft.sim.net.SimNetwork;
import dev.weft.sim.net.TopologyBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static dev.weft.fabric.FabricOnSimTest.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A spine link fails under the real controller, over TCP, on a simulated leaf-spine (2 spines, 4
 * OpenFlow 1.3 leaves): 30 segments between leaf2 and leaf3 (their trees cross spine1 but not
 * leaf1's uplink), 10 between leaf1 and leaf4 (through leaf1-spine1). Cutting leaf1-spine1 must
 * reroute the 10 (they ping again, through spine2), recompute only them, and send flow-mods only
 * to the switches of their trees: none to leaf2 or leaf3, only deletes to spine1 (its entries of
 * the 10 go), only adds to spine2; the 30 keep working untouched.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FabricRerouteOnSimTest {
    static final int STAYING = 30;
    static final int MOVING = 10;
    static final DatapathId[] LEAF = {null, DatapathId.of(1), DatapathId.of(2), DatapathId.of(3), DatapathId.of(4)};
    static final DatapathId SPINE1 = DatapathId.of(0x101);
    static final DatapathId SPINE2 = DatapathId.of(0x102);

    /** Segment i: servers x{i} and y{i}, each with the same MAC and IP as in every other segment. */
    static String config() {
        StringBuilder y = new StringBuilder("tenants:\n");
        for (int i = 0; i < STAYING + MOVING; i++) {
            int a = i < STAYING ? 2 : 1;
            int b = i < STAYING ? 3 : 4;
            int port = 3 + (i < STAYING ? i : i - STAYING);
            y.append("  - name: t").append(i).append("\n    networks:\n      - name: n\n        segment: ")
                    .append(1_000_000 + i).append("\n        ports:\n")
                    .append("          - { name: x").append(i).append(", mac: \"02:00:00:00:00:01\", ips: [10.0.0.1], ")
                    .append("binding: { switch: \"").append(LEAF[a]).append("\", port: ").append(port).append(" } }\n")
                    .append("          - { name: y").append(i).append(", mac: \"02:00:00:00:00:02\", ips: [10.0.0.2], ")
                    .append("binding: { switch: \"").append(LEAF[b]).append("\", port: ").append(port).append(" } }\n");
        }
        return y.toString();
    }

    static dev.weft.sim.net.Topology site() {
        TopologyBuilder b = new TopologyBuilder();
        for (int leaf = 1; leaf <= 4; leaf++) {
            b.addSwitch("leaf" + leaf, LEAF[leaf], Set.of(), 0, null);
        }
        b.addSwitch("spine1", SPINE1, Set.of(), 0, null);
        b.addSwitch("spine2", SPINE2, Set.of(), 0, null);
        for (int leaf = 1; leaf <= 4; leaf++) {
            b.addLink("leaf" + leaf, OFPort.of(1), "spine1", OFPort.of(leaf));
            b.addLink("leaf" + leaf, OFPort.of(2), "spine2", OFPort.of(leaf));
        }
        for (int i = 0; i < STAYING + MOVING; i++) {
            int port = 3 + (i < STAYING ? i : i - STAYING);
            b.addHost("x" + i, MacAddress.of("02:00:00:00:00:01"), IPv4Address.of("10.0.0.1"),
                    "leaf" + (i < STAYING ? 2 : 1), OFPort.of(port), null);
            b.addHost("y" + i, MacAddress.of("02:00:00:00:00:02"), IPv4Address.of("10.0.0.2"),
                    "leaf" + (i < STAYING ? 3 : 4), OFPort.of(port), null);
        }
        return b.build();
    }

    static boolean pings(SimNetwork net, int from, int to, int step) {
        for (int i = from; i < to; i += step) {
            if (!net.ping("x" + i, "y" + i, Duration.ofSeconds(2)).success()
                    || !net.ping("y" + i, "x" + i, Duration.ofSeconds(2)).success()) {
                return false;
            }
        }
        return true;
    }

    static long mods(Map<DatapathId, Reconciler.Stats> s, DatapathId d) {
        return s.get(d).flowModsSent();
    }

    @Test
    void aFailedSpineLinkReprogramsOnlyTheSegmentsOnIt() throws Exception {
        WeftConfig cfg = ConfigLoader.parse(config(), "reroute.yaml");
        try (Controller weft = Controller.start(ControllerSettings.builder().config(cfg)
                .listen(List.of(new InetSocketAddress("127.0.0.1", 0))).apps(List.of("fabric"))
                .tableMissToController(false).dispatchThreads(2).build());
             SimNetwork net = SimNetwork.builder().controller("127.0.0.1", weft.openflowAddresses().get(0).getPort())
                     .topology(site()).build()) {
            net.awaitReady(Duration.ofSeconds(20));
            TopologyService topo = weft.service(TopologyService.class).orElseThrow();
            await("16 directed links", () -> topo.current().links().size() == 16);
            Fabric fabric = weft.service(Fabric.class).orElseThrow();
            await("40 segments on the fabric", () -> fabric.lastInputs().map(i -> i.targets().size() == 6).orElse(false)
                    && weft.service(dev.weft.api.fabric.FabricStatus.class).orElseThrow().snapshot().segments().size() == 40);
            await("every segment pings", () -> pings(net, 0, STAYING + MOVING, 1));
            weft.reconciler().quiesce().get(20, TimeUnit.SECONDS);
            Map<DatapathId, Reconciler.Stats> before = weft.reconciler().stats();

            net.linkDown("leaf1", "spine1");
            await("the reroute reported", () -> fabric.lastReroute().isPresent());
            weft.reconciler().quiesce().get(20, TimeUnit.SECONDS);
            Reroute r = fabric.lastReroute().orElseThrow();
            Map<DatapathId, Reconciler.Stats> after = weft.reconciler().stats();
            System.out.println("[fabric-sim] " + r);

            assertTrue(r.incremental(), r.toString());
            assertEquals(MOVING, r.recomputed(), "only the leaf1-leaf4 segments: " + r);
            assertEquals(STAYING + MOVING, r.segments());
            assertEquals(Set.of(LEAF[1], LEAF[4], SPINE1, SPINE2), r.flowMods().keySet(), r.toString());
            for (DatapathId d : List.of(LEAF[2], LEAF[3])) {
                assertEquals(mods(before, d), mods(after, d), d + " carries only segments that did not move");
            }
            assertEquals(before.get(SPINE1).desired() - after.get(SPINE1).desired(),
                    mods(after, SPINE1) - mods(before, SPINE1), "spine1: its entries of the 10 deleted, nothing else");
            assertEquals(after.get(SPINE2).desired() - before.get(SPINE2).desired(),
                    mods(after, SPINE2) - mods(before, SPINE2), "spine2: the 10's entries added, nothing else");
            long total = 0;
            for (DatapathId d : after.keySet()) {
                total += mods(after, d) - mods(before, d);
            }
            assertEquals(r.totalFlowMods(), total, "the reroute's flow-mods are all that was sent");
            assertTrue(r.portDown() <= r.linkRemoved() && r.linkRemoved() <= r.passStart()
                    && r.passStart() <= r.declared() && r.declared() <= r.sent() && r.sent() <= r.confirmed(), r.steps());

            await("the 10 rerouted through spine2 ping again", () -> pings(net, STAYING, STAYING + MOVING, 1));
            assertTrue(pings(net, 0, STAYING, 1), "the 30 that did not move still ping");
        }
    }
}
