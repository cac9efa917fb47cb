package dev.weft.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import dev.weft.cli.SimFabric;
import dev.weft.core.Controller;
import dev.weft.core.ControllerSettings;
import dev.weft.core.config.ConfigLoader;
import dev.weft.core.config.WeftConfig;
import dev.weft.core.openflow.SwitchRole;
import dev.weft.it.TenantFabric;
import dev.weft.sim.net.SimNetwork;
import dev.weft.sim.net.SimSwitch;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.projectfloodlight.openflow.protocol.OFVersion;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Locations and migrations visible from every instance: the example's tenants on three simulated
 * hypervisors, two instances coordinated by an embedded ZooKeeper, masters chosen by the cluster.
 * A VM moves to a hypervisor one instance is master of; both instances' {@code /api/v1/cluster/
 * migrations} show the move once, handled by that master, and {@code /api/v1/cluster/locations}
 * on both shows every VM where it is, reported by the master of its hypervisor.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ClusterMobilityOnSimTest {
    private static final Map<String, String> PLACEMENT = Map.of(
            "acme-web1", "hv1", "globex-web1", "hv1", "initech-a", "hv1",
            "acme-web2", "hv2", "globex-web2", "hv2", "acme-db1", "hv2",
            "acme-web3", "hv3", "initech-b", "hv3");

    private record Instance(String id, Controller controller, ClusterExtension cluster) {
    }

    private static Instance start(TestingServer zk, Path dir, String id) throws Exception {
        Path file = dir.resolve(id + ".yaml");
        Files.writeString(file, Files.readString(Path.of("../../examples/tenants/three-tenants.yaml"))
                + "\ncluster:\n  zookeeper: \"" + zk.getConnectString() + "\"\n  instance: " + id
                + "\n  root: /mobility-test\n  session-timeout: 1500ms\n");
        WeftConfig cfg = ConfigLoader.load(file);
        ClusterExtension ext = new ClusterExtension(ClusterSettings.of(cfg.cluster(), file.toString()).orElseThrow());
        Controller c = Controller.builder(ControllerSettings.builder().config(cfg).configFile(file)
                        .listen(List.of(new InetSocketAddress("127.0.0.1", 0)))
                        .apps(List.of("isolation", "tenant-networks", "mobility")).tableMissToController(false)
                        .dispatchThreads(2).flowAuditInterval(Duration.ZERO).build())
                .switchesStartAsSlaves().extension(ext).start();
        return new Instance(id, c, ext);
    }

    @Test
    void everyInstanceShowsTheMoveOnceAndEveryLocation(@TempDir Path dir) throws Exception {
        try (TestingServer zk = new TestingServer(true)) {
            Instance a = start(zk, dir, "weft-1");
            Instance b = start(zk, dir, "weft-2");
            WeftConfig cfg = ConfigLoader.load(dir.resolve("weft-1.yaml"));
            try (SimNetwork net = SimNetwork.builder().controllers(List.of(a.controller().openflowAddresses().get(0),
                            b.controller().openflowAddresses().get(0)))
                    .topology(SimFabric.topology(cfg.network(), PLACEMENT)).versions(OFVersion.OF_13).build()) {
                List<Instance> both = List.of(a, b);
                await(() -> net.switches().stream().allMatch(s -> master(both, s) != null), "one master per hypervisor");
                for (Instance i : both) {
                    TenantFabric.awaitConverged(i.controller(), PLACEMENT.size());
                }
                // Every instance: every VM where it is, reported by its hypervisor's master.
                for (Instance i : both) {
                    await(() -> new ClusterRoutes(i.cluster()).locations().size() == PLACEMENT.size(),
                            i.id() + " locations " + new ClusterRoutes(i.cluster()).locations());
                    for (JsonNode l : new ClusterRoutes(i.cluster()).locations()) {
                        SimSwitch hv = net.switchNamed(PLACEMENT.get(l.get("port").asText()));
                        assertEquals(hv.dpid().toString(), l.get("dpid").asText(), l.toString());
                        assertEquals(master(both, hv).id(), l.get("reported-by").asText(), l.toString());
                    }
                }
                // acme-web1 moves from hv1 to hv2: hv2's master handled it; both instances show it once.
                Instance hv2Master = master(both, net.switchNamed("hv2"));
                net.moveHost("acme-web1", "hv2", null);
                String hv2 = net.switchNamed("hv2").dpid().toString();
                for (Instance i : both) {
                    Supplier<List<JsonNode>> moves = () -> {
                        List<JsonNode> l = new java.util.ArrayList<>();
                        new ClusterRoutes(i.cluster()).migrations(100).forEach(l::add);
                        return l.stream().filter(m -> m.get("subject").asText().equals("acme-web1")).toList();
                    };
                    await(() -> moves.get().size() == 1, i.id() + " migrations " + moves.get());
                    JsonNode m = moves.get().get(0);
                    assertEquals(hv2Master.id(), m.get("instance").asText(), m.toString());
                    assertEquals(hv2, m.get("to").get("dpid").asText());
                    assertEquals(net.switchNamed("hv1").dpid().toString(), m.get("from").get("dpid").asText());
                    assertTrue(m.get("flow-mods").asInt() > 0, m.toString());
                    await(() -> {
                        for (JsonNode l : new ClusterRoutes(i.cluster()).locations()) {
                            if (l.get("port").asText().equals("acme-web1")) {
                                return l.get("dpid").asText().equals(hv2)
                                        && l.get("reported-by").asText().equals(hv2Master.id());
                            }
                        }
                        return false;
                    }, i.id() + " sees acme-web1 on hv2");
                }
            } finally {
                a.controller().close();
                b.controller().close();
            }
        }
    }

    /** The instance that is master of the switch (its own view and the switch's agree), or null. */
    private static Instance master(List<Instance> all, SimSwitch s) {
        List<Instance> m = all.stream().filter(i -> i.controller().roles().role(s.dpid()).orElse(SwitchRole.SLAVE)
                == SwitchRole.MASTER).toList();
        return m.size() == 1 ? m.get(0) : null;
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 30 s: " + what);
            }
            Thread.sleep(10);
        }
    }
}
