package dev.weft.cluster;

import dev.weft.core.Controller;
import dev.weft.core.ControllerSettings;
import dev.weft.core.openflow.SwitchRole;
import dev.weft.sim.net.SimNetwork;
import dev.weft.sim.net.SimSwitch;
import dev.weft.sim.net.Topology;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.projectfloodlight.openflow.protocol.OFControllerRole;

import java.io.File;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three Weft instances, an embedded ZooKeeper ensemble of three (Curator's test cluster) and
 * simulated switches that connect to every instance. Says: each switch has exactly one master,
 * the one every instance computes; mastership is balanced over 300 switches; a partitioned
 * instance stops writing and its switches get new masters; a crashed instance's switches get new
 * masters; killing the ZooKeeper leader leaves one master per switch; a switch taken over behind
 * the cluster's back goes back to its master. Takeover times are printed
 * (not asserted: the machine is shared).
 */
@Tag("cluster")
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class ClusterOnSimTest {
    private static final Duration SESSION = Duration.ofMillis(1500);
    private static TestingCluster zk;

    @BeforeAll
    static void ensemble() throws Exception {
        List<InstanceSpec> specs = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            File dir = Files.createTempDirectory("weft-zk").toFile();
            specs.add(new InstanceSpec(dir, InstanceSpec.getRandomPort(), InstanceSpec.getRandomPort(),
                    InstanceSpec.getRandomPort(), true, i, 200, 100));
        }
        zk = new TestingCluster(specs);
        zk.start();
    }

    @AfterAll
    static void stopEnsemble() throws Exception {
        if (zk != null) {
            zk.close();
        }
    }

    /** One Weft instance of the cluster. */
    private record Instance(String id, Controller controller, ClusterExtension cluster, ZkProxy proxy)
            implements AutoCloseable {
        InetSocketAddress openflow() {
            return controller.openflowAddresses().get(0);
        }

        @Override
        public void close() throws Exception {
            controller.close();
            if (proxy != null) {
                proxy.close();
            }
        }
    }

    private static Instance start(String id, String root, boolean proxied) throws Exception {
        ZkProxy proxy = null;
        String connect = zk.getConnectString();
        if (proxied) {
            InstanceSpec first = zk.getInstances().iterator().next();
            proxy = new ZkProxy(new InetSocketAddress("127.0.0.1", first.getPort()));
            connect = proxy.connectString();
        }
        ClusterExtension ext = new ClusterExtension(new ClusterSettings(connect, id, id + ":8181", SESSION, root));
        Controller c = Controller.builder(ControllerSettings.builder().apps(List.of())
                        .listen(List.of(new InetSocketAddress("127.0.0.1", 0))).dispatchThreads(1).build())
                .switchesStartAsSlaves().extension(ext).start();
        return new Instance(id, c, ext, proxy);
    }

    /**
     * A stop does not wait for a ZooKeeper that has fallen silent: just after, the client still says
     * "connected", so the stop deletes its membership, and the deletion is retried until ZooKeeper
     * answers. It once held a stop in ClusterOnSimTest for over 30 s; now a stop waits at most
     * ClusterExtension.RELEASE_NANOS for what it deletes (here 6.6 s in all, against 37.0 s before).
     */
    @Test
    void aStopDoesNotWaitForASilentZooKeeper() throws Exception {
        Instance a = start("weft-1", "/silent", true);
        try {
            await(() -> new ClusterRoutes(a.cluster()).body().get("members").size() == 1, Duration.ofSeconds(30),
                    () -> "not a member: " + new ClusterRoutes(a.cluster()).body());
            a.proxy().mute();
            long t0 = System.nanoTime();
            a.controller().close();
            long took = ms(System.nanoTime() - t0);
            System.out.printf("[cluster] stop with ZooKeeper silent: %d ms%n", took);
            assertTrue(took < ms(ClusterExtension.RELEASE_NANOS) + 5000, "the stop took " + took + " ms");
        } finally {
            a.proxy().close();
        }
    }

    @Test
    void mastershipIsBalancedOverThreeHundredSwitches() throws Exception {
        try (Instance a = start("weft-1", "/balance", false); Instance b = start("weft-2", "/balance", false);
             Instance c = start("weft-3", "/balance", false);
             SimNetwork net = SimNetwork.builder().controllers(List.of(a.openflow(), b.openflow(), c.openflow()))
                     .topology(Topology.parse("linear,300")).build()) {
            List<Instance> all = List.of(a, b, c);
            await(() -> settled(net, all), Duration.ofSeconds(240), () -> unsettled(net, all));
            Map<String, Integer> count = new HashMap<>();
            for (SimSwitch s : net.switches()) {
                String expected = Mastership.masterOf(s.dpid(), List.of("weft-1", "weft-2", "weft-3")).orElseThrow();
                Instance master = masterAtSwitch(net, s, all).orElseThrow();
                assertEquals(expected, master.id(), s.name());
                assertEquals(SwitchRole.MASTER, master.controller().roles().role(s.dpid()).orElseThrow());
                count.merge(master.id(), 1, Integer::sum);
            }
            System.out.println("[cluster] masters over 300 switches: " + count);
            // What GET /api/v1/cluster says on each instance: the members, and every switch's master.
            for (Instance i : all) {
                var body = new ClusterRoutes(i.cluster()).body();
                assertEquals(i.id(), body.get("instance").asText());
                assertEquals("CONNECTED", body.get("zookeeper").asText());
                assertEquals(3, body.get("members").size(), body.toString());
                assertEquals(300, body.get("switches").size());
                for (var sw : body.get("switches")) {
                    assertEquals(3, sw.get("claimants").size());
                    String role = sw.get("master").asText().equals(i.id()) ? "master" : "slave";
                    assertEquals(role, sw.get("role").asText(), sw.toString());
                }
            }
            count.values().forEach(n -> assertTrue(n >= 80 && n <= 120, "unbalanced: " + count));
        }
    }

    @Test
    void aPartitionedInstanceStepsDownAndACrashedOnesSwitchesGetNewMasters() throws Exception {
        try (Instance a = start("weft-1", "/failover", false); Instance b = start("weft-2", "/failover", true);
             Instance c = start("weft-3", "/failover", true);
             SimNetwork net = SimNetwork.builder().controllers(List.of(a.openflow(), b.openflow(), c.openflow()))
                     .topology(Topology.parse("linear,30")).build()) {
            List<Instance> all = List.of(a, b, c);
            await(() -> settled(net, all), Duration.ofSeconds(120), () -> unsettled(net, all));
            long cOwned = net.switches().stream().filter(s -> isMaster(c, s)).count();
            assertTrue(cOwned > 0);

            // Partition weft-3 from ZooKeeper: it stops writing at once, the others take its switches.
            long t0 = System.nanoTime();
            c.proxy().cut();
            await(() -> net.switches().stream().noneMatch(s -> c.controller().roles().role(s.dpid())
                    .orElse(SwitchRole.SLAVE) == SwitchRole.MASTER), Duration.ofSeconds(30), () -> "weft-3 still master");
            long steppedDown = System.nanoTime() - t0;
            List<Instance> rest = List.of(a, b);
            await(() -> net.switches().stream().allMatch(s -> masterAtSwitch(net, s, rest).isPresent()),
                    Duration.ofSeconds(60), () -> unsettled(net, rest));
            long takenOver = System.nanoTime() - t0;
            for (SimSwitch s : net.switches()) {
                assertEquals(Mastership.masterOf(s.dpid(), List.of("weft-1", "weft-2")).orElseThrow(),
                        masterAtSwitch(net, s, all).orElseThrow().id(), s.name());
            }
            System.out.printf("[cluster] partition of weft-3 (master of %d of 30): stepped down after %d ms, "
                    + "every switch had a new master after %d ms (session timeout %d ms)%n", cOwned,
                    ms(steppedDown), ms(takenOver), SESSION.toMillis());

            // Healed: weft-3 rejoins (a new session) and gets its switches back.
            c.proxy().heal();
            await(() -> settled(net, all), Duration.ofSeconds(60), () -> unsettled(net, all));

            // weft-2 crashes: cut from ZooKeeper and its switch connections gone, nothing released cleanly.
            long bOwned = net.switches().stream().filter(s -> isMaster(b, s)).count();
            long t1 = System.nanoTime();
            b.proxy().cut();
            Thread crash = new Thread(() -> b.controller().close(), "crash-weft-2");
            crash.start();
            List<Instance> left = List.of(a, c);
            await(() -> net.switches().stream().allMatch(s -> masterAtSwitch(net, s, left).isPresent()),
                    Duration.ofSeconds(60), () -> unsettled(net, left));
            System.out.printf("[cluster] crash of weft-2 (master of %d of 30): every switch had a new master after "
                    + "%d ms%n", bOwned, ms(System.nanoTime() - t1));
            crash.join(TimeUnit.SECONDS.toMillis(30));
            assertTrue(!crash.isAlive(), "a cut-off instance stops without waiting for ZooKeeper");
            for (SimSwitch s : net.switches()) {
                assertEquals(Mastership.masterOf(s.dpid(), List.of("weft-1", "weft-3")).orElseThrow(),
                        masterAtSwitch(net, s, left).orElseThrow().id(), s.name());
            }
        }
    }

    /**
     * An instance takes a switch over behind the cluster's back (as one that missed a change of
     * the switch's claimants would; here by asking the switch directly with the cluster's current
     * generation id). The switch tells the rightful master it was demoted (ROLE_STATUS, the ONF
     * extension on OpenFlow 1.3, as Open vSwitch sends it); that instance reads the claimants
     * again and takes the switch back, which demotes the intruder, whose cluster makes it a slave
     * again. Before, the deposed master never learned it (the status was refused as undecodable)
     * and believed itself master until the next change in ZooKeeper: two masters on our side.
     */
    @Test
    void aSwitchTakenBehindTheClustersBackGoesBackToItsMaster() throws Exception {
        try (Instance a = start("weft-1", "/intruder", false); Instance b = start("weft-2", "/intruder", false);
             SimNetwork net = SimNetwork.builder().controllers(List.of(a.openflow(), b.openflow()))
                     .topology(Topology.parse("linear,4")).build()) {
            List<Instance> all = List.of(a, b);
            await(() -> settled(net, all), Duration.ofSeconds(120), () -> unsettled(net, all));
            Map<String, String> before = masters(net, all);
            int taken = 0;
            for (SimSwitch s : net.switches()) {
                Instance master = masterAtSwitch(net, s, all).orElseThrow();
                Instance intruder = master == a ? b : a;
                long generation = master.cluster().switches().stream().filter(v -> v.dpid().equals(s.dpid()))
                        .findFirst().orElseThrow().generation();
                long t0 = System.nanoTime();
                assertEquals(SwitchRole.MASTER, intruder.controller().roles().request(s.dpid(), SwitchRole.MASTER,
                        generation).join(), "the switch accepts the intruder's claim (same generation)");
                await(() -> settled(net, all) && masters(net, all).equals(before), Duration.ofSeconds(30),
                        () -> s.name() + ": " + unsettled(net, all) + " " + net.roles(s.name()) + ", " + master.id()
                                + " says " + master.controller().roles().role(s.dpid()) + ", " + intruder.id()
                                + " says " + intruder.controller().roles().role(s.dpid()));
                System.out.printf("[cluster] %s taken by %s behind the cluster's back: back to %s after %d ms%n",
                        s.name(), intruder.id(), master.id(), ms(System.nanoTime() - t0));
                taken++;
            }
            assertEquals(4, taken);
        }
    }

    @Test
    void killingTheZooKeeperLeaderLeavesOneMasterPerSwitch() throws Exception {
        try (Instance a = start("weft-1", "/leader", false); Instance b = start("weft-2", "/leader", false);
             Instance c = start("weft-3", "/leader", false);
             SimNetwork net = SimNetwork.builder().controllers(List.of(a.openflow(), b.openflow(), c.openflow()))
                     .topology(Topology.parse("linear,30")).build()) {
            List<Instance> all = List.of(a, b, c);
            await(() -> settled(net, all), Duration.ofSeconds(120), () -> unsettled(net, all));
            Map<String, String> before = masters(net, all);
            InstanceSpec leader = zk.getInstances().stream().filter(ClusterOnSimTest::isLeader).findFirst()
                    .orElseThrow();
            long t0 = System.nanoTime();
            assertTrue(zk.killServer(leader));
            // A new leader is elected; the instances' sessions move to the remaining servers.
            await(() -> zk.getInstances().stream().filter(i -> !i.equals(leader)).anyMatch(ClusterOnSimTest::isLeader),
                    Duration.ofSeconds(60), () -> "no new ZooKeeper leader");
            System.out.printf("[cluster] ZooKeeper leader %d killed: new leader after %d ms%n", leader.getServerId(),
                    ms(System.nanoTime() - t0));
            // Creating a switch's claims again after the disturbance shows ZooKeeper works for us again.
            net.disconnect("s1");
            net.reconnect("s1");
            // Settled switches alone are not enough: an instance still cut off (its session may even
            // have expired on a loaded machine, its claims recreated only once it is back) has stepped
            // down, and the others then agree on a master without it (CI, 2026-12-07: weft-1 master
            // of 28 of 30). Wait until every instance is back and counted by every switch.
            await(() -> settled(net, all) && allBack(net, all), Duration.ofSeconds(60),
                    () -> unsettled(net, all) + "; " + all.stream().map(i -> i.id() + " "
                            + i.cluster().zookeeperState()).toList());
            assertEquals(before, masters(net, all), "the same masters after the leader change");
            zk.restartServer(leader);
        }
    }

    // ---- helpers -----------------------------------------------------------------------------------

    private static boolean isMaster(Instance i, SimSwitch s) {
        return i.controller().roles().role(s.dpid()).orElse(SwitchRole.SLAVE) == SwitchRole.MASTER;
    }

    /** The instance the switch itself has as master (by its connection's address), if exactly one. */
    private static Optional<Instance> masterAtSwitch(SimNetwork net, SimSwitch s, List<Instance> among) {
        Map<InetSocketAddress, OFControllerRole> roles = net.roles(s.name());
        List<Instance> masters = among.stream().filter(i -> roles.get(i.openflow()) == OFControllerRole.ROLE_MASTER)
                .toList();
        long anyMasters = roles.values().stream().filter(r -> r == OFControllerRole.ROLE_MASTER).count();
        return masters.size() == 1 && anyMasters == 1 ? Optional.of(masters.get(0)) : Optional.empty();
    }

    /**
     * Every switch: connected to every instance, exactly one master, the others slaves, and each
     * instance's own view of its role the same as the switch's.
     */
    private static boolean settled(SimNetwork net, List<Instance> all) {
        for (SimSwitch s : net.switches()) {
            Map<InetSocketAddress, OFControllerRole> roles = net.roles(s.name());
            if (roles.size() != all.size() || masterAtSwitch(net, s, all).isEmpty()
                    || roles.values().stream().filter(r -> r == OFControllerRole.ROLE_SLAVE).count() != all.size() - 1) {
                return false;
            }
            for (Instance i : all) {
                SwitchRole mine = i.controller().roles().role(s.dpid()).orElse(null);
                SwitchRole switchSays = roles.get(i.openflow()) == OFControllerRole.ROLE_MASTER ? SwitchRole.MASTER
                        : SwitchRole.SLAVE;
                if (mine != switchSays) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Every instance connected to ZooKeeper, and every switch's claimants, as each instance read them, all of them. */
    private static boolean allBack(SimNetwork net, List<Instance> all) {
        for (Instance i : all) {
            String st = i.cluster().zookeeperState();
            List<ClusterExtension.SwitchView> views = i.cluster().switches();
            if (!(st.equals("CONNECTED") || st.equals("RECONNECTED")) || views.size() != net.switches().size()
                    || views.stream().anyMatch(v -> v.claimants().size() != all.size())) {
                return false;
            }
        }
        return true;
    }

    private static String unsettled(SimNetwork net, List<Instance> all) {
        return net.switches().stream().filter(s -> masterAtSwitch(net, s, all).isEmpty()).limit(5)
                .map(s -> s.name() + "=" + net.roles(s.name())).collect(Collectors.joining(", "));
    }

    private static Map<String, String> masters(SimNetwork net, List<Instance> all) {
        Map<String, String> m = new HashMap<>();
        net.switches().forEach(s -> m.put(s.name(), masterAtSwitch(net, s, all).map(Instance::id).orElse("-")));
        return m;
    }

    /** ZooKeeper's "srvr" command (allowed by default) says whether a server leads. */
    private static boolean isLeader(InstanceSpec spec) {
        try (Socket s = new Socket("127.0.0.1", spec.getPort())) {
            s.setSoTimeout(2000);
            OutputStream out = s.getOutputStream();
            out.write("srvr".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII).contains("Mode: leader");
        } catch (Exception e) {
            return false;
        }
    }

    private static long ms(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }

    private static void await(BooleanSupplier condition, Duration max, Supplier<String> what) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + max.toSeconds() + " s: " + what.get());
            }
            Thread.sleep(20);
        }
    }
}
