package dev.weft.cluster;

import dev.weft.cli.SimFabric;
import dev.weft.core.Controller;
import dev.weft.core.ControllerSettings;
import dev.weft.core.config.ConfigLoader;
import dev.weft.core.config.WeftConfig;
import dev.weft.core.openflow.SwitchRole;
import dev.weft.core.openflow.SwitchTotals;
import dev.weft.it.TenantFabric;
import dev.weft.rest.RestEndpoint;
import dev.weft.rest.RestSettings;
import dev.weft.sim.net.PingResult;
import dev.weft.sim.net.SimNetwork;
import dev.weft.sim.net.SimSwitch;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.projectfloodlight.openflow.protocol.OFVersion;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One instance of two partitioned from ZooKeeper while it is master of hypervisors carrying the
 * example's tenants. Says: its hypervisors keep forwarding while nobody is their master; it steps
 * down and, while cut off, sends no flow-mod, even when the other instance (now master of every
 * hypervisor) removes a logical port through the API and reprograms them; when the partition heals
 * it catches up with that config version before it is master again, and then has nothing to send.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ClusterPartitionOnSimTest {
    private static final Map<String, String> PLACEMENT = Map.of(
            "acme-web1", "hv1", "globex-web1", "hv1", "initech-a", "hv1",
            "acme-web2", "hv2", "globex-web2", "hv2", "acme-db1", "hv2",
            "acme-web3", "hv3", "initech-b", "hv3");

    private record Instance(String id, Controller controller, ClusterExtension cluster, RestEndpoint rest,
                            ZkProxy proxy) {
        long flowMods() {
            return controller.switchTotals().stream().mapToLong(SwitchTotals::flowMods).sum();
        }

        boolean masterOf(SimSwitch s) {
            return controller.roles().role(s.dpid()).orElse(SwitchRole.SLAVE) == SwitchRole.MASTER;
        }

        long version() {
            return cluster.config().orElseThrow().applied();
        }
    }

    private static Instance start(TestingServer zk, Path dir, String id) throws Exception {
        ZkProxy proxy = new ZkProxy(new InetSocketAddress("127.0.0.1", zk.getPort()));
        Path file = dir.resolve(id + ".yaml");
        Files.writeString(file, Files.readString(Path.of("../../examples/tenants/three-tenants.yaml"))
                + "\ncluster:\n  zookeeper: \"" + proxy.connectString() + "\"\n  instance: " + id
                + "\n  root: /partition-test\n  session-timeout: 1500ms\n");
        WeftConfig cfg = ConfigLoader.load(file);
        ClusterExtension ext = new ClusterExtension(ClusterSettings.of(cfg.cluster(), file.toString()).orElseThrow());
        RestEndpoint rest = new RestEndpoint(new RestSettings(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                Optional.empty(), false));
        Controller c = Controller.builder(ControllerSettings.builder().config(cfg).configFile(file)
                        .listen(List.of(new InetSocketAddress("127.0.0.1", 0)))
                        .apps(List.of("isolation", "tenant-networks", "mobility")).tableMissToController(false)
                        .dispatchThreads(2).flowAuditInterval(Duration.ZERO).build())
                .switchesStartAsSlaves().extension(ext).extension(rest).start();
        return new Instance(id, c, ext, rest, proxy);
    }

    @Test
    void aPartitionedInstanceWritesNothingAndCatchesUpBeforeItIsMasterAgain(@TempDir Path dir) throws Exception {
        try (TestingServer zk = new TestingServer(true)) {
            Instance a = start(zk, dir, "weft-1");
            Instance b = start(zk, dir, "weft-2");
            WeftConfig cfg = ConfigLoader.load(dir.resolve("weft-1.yaml"));
            try (SimNetwork net = SimNetwork.builder().controllers(List.of(a.controller().openflowAddresses().get(0),
                            b.controller().openflowAddresses().get(0)))
                    .topology(SimFabric.topology(cfg.network(), PLACEMENT)).versions(OFVersion.OF_13).build()) {
                List<Instance> both = List.of(a, b);
                // Settled: both instances claim every hypervisor and each has the master the rendezvous gives
                // (before the second instance has claimed, the first is master of everything).
                await(() -> net.switches().stream().allMatch(s -> both.stream().filter(i -> i.masterOf(s)).count() == 1
                        && both.stream().filter(i -> i.masterOf(s)).findFirst().orElseThrow().id().equals(
                                Mastership.masterOf(s.dpid(), List.of("weft-1", "weft-2")).orElseThrow())),
                        "one master per hypervisor, the one the rendezvous gives");
                for (Instance i : both) {
                    TenantFabric.awaitConverged(i.controller(), PLACEMENT.size());
                }
                assertTrue(net.ping("acme-web3", "acme-web1").success());
                // Cut off the master of hv1; the other one stays.
                Instance cut = a.masterOf(net.switchNamed("hv1")) ? a : b;
                Instance other = cut == a ? b : a;
                long cutMastered = net.switches().stream().filter(cut::masterOf).count();
                cut.proxy().cut();
                await(() -> net.switches().stream().noneMatch(cut::masterOf), cut.id() + " steps down");
                long cutFlowMods = cut.flowMods();
                // No master for its hypervisors until its session expires: they forward with what they have.
                PingResult during = net.ping("acme-web3", "acme-web1");
                assertTrue(during.success(), "forwarding without a master: " + during);
                await(() -> net.switches().stream().allMatch(other::masterOf), other.id() + " masters everything");

                // The other instance removes acme-web2 through its API and reprograms the hypervisors.
                long v = other.version();
                long otherFlowMods = other.flowMods();
                HttpResponse<String> removed = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                        "http://127.0.0.1:" + other.rest().address().getPort()
                                + "/api/v1/tenants/acme/networks/web/ports/acme-web2")).DELETE().build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, removed.statusCode(), removed.body());
                TenantFabric.awaitConverged(other.controller(), PLACEMENT.size() - 1);
                assertTrue(other.flowMods() > otherFlowMods, "the master reprogrammed the removal");
                assertFalse(net.ping("acme-web1", "acme-web2").success(), "acme-web2 is gone");
                assertEquals(cutFlowMods, cut.flowMods(), cut.id() + " sent nothing while cut off");
                assertTrue(cut.controller().tenants().config().port("acme-web2").isPresent(),
                        cut.id() + " cannot know yet");

                // Healed: it catches up with the version first, is master again, and has nothing to fix.
                cut.proxy().heal();
                await(() -> cut.version() == v + 1 && net.switches().stream().filter(cut::masterOf).count() == cutMastered,
                        cut.id() + " back at version " + (v + 1) + " and master of " + cutMastered);
                assertFalse(cut.controller().tenants().config().port("acme-web2").isPresent());
                TenantFabric.awaitConverged(cut.controller(), PLACEMENT.size() - 1);
                assertEquals(cutFlowMods, cut.flowMods(), cut.id() + " had nothing to send after the rejoin");
                assertTrue(net.ping("acme-web3", "acme-web1").success());
                assertFalse(net.ping("acme-web1", "acme-web2").success(), "acme-web2 still gone");
                System.out.printf("[cluster] partition of %s (master of %d of 3 hypervisors): 0 flow-mods while cut off "
                        + "and after the rejoin; caught up to version %d%n", cut.id(), cutMastered, v + 1);
            } finally {
                a.controller().close();
                b.controller().close();
                a.proxy().close();
                b.proxy().close();
            }
        }
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 60 s: " + what);
            }
            Thread.sleep(10);
        }
    }
}
