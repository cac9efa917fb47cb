package dev.weft.cluster;

import dev.weft.api.event.LogicalPortLocated;
import dev.weft.api.tenant.Binding;
import dev.weft.api.tenant.LogicalPort;
import dev.weft.api.tenant.Migration;
import dev.weft.api.tenant.NetworkConfig;
import dev.weft.api.tenant.PortLocation;
import dev.weft.api.tenant.TransportNode;
import dev.weft.apps.mobility.api.MobilityService;
import dev.weft.core.Controller;
import dev.weft.core.ControllerSettings;
import dev.weft.core.config.ConfigLoader;
import dev.weft.core.config.WeftConfig;
import dev.weft.core.openflow.SwitchRole;
import dev.weft.it.TenantFabric;
import dev.weft.sim.net.Delivery;
import dev.weft.sim.net.SimHost;
import dev.weft.sim.net.SimNetwork;
import dev.weft.sim.net.SimSwitch;
import dev.weft.sim.net.TopologyBuilder;
import dev.weft.sim.packet.Frames;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.OFPort;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A location decided by the master of the switch where a VM showed itself is in force on every
 * instance. Two instances share four simulated hypervisors through an embedded ZooKeeper; the
 * datapath ids are chosen so that weft-1 is master of hv1 and hv2, weft-2 of hv3 and hv4 (checked).
 * Says:
 * <ul>
 *   <li>a MAC-bound VM found by its gratuitous ARP on hv4 (weft-2's) is where weft-2 put it on
 *       weft-1 too; moved to hv2 (weft-1's) by another gratuitous ARP while its old port on hv4
 *       stays, it is at hv2 on weft-2 as well, weft-2's history shows the move with the cause
 *       "cluster: located by weft-1", and hv3 (weft-2's) sends its traffic to the new place;</li>
 *   <li>a live migration's dual presence: vm-a's interface on hv1 (weft-1's) and on hv3 (weft-2's);
 *       its first frame at hv3 moves it on weft-1 too, while hv1's port still exists (hv2, weft-1's,
 *       reaches it at hv3);</li>
 *   <li>stale reports are not followed: a record written under weft-2's name for hv2 (weft-1 is its
 *       master), and one written under weft-1's name with a generation older than its claim, leave
 *       every instance where it was; the next real decision is written over them and followed;</li>
 *   <li>an older decision never overrides a newer one: weft-1 decides (vm-m's announcement on hv2)
 *       without knowing weft-2's newer record; its compare-and-set fails and it follows weft-2;</li>
 *   <li>failover: weft-2 stops, and weft-1, master of its hypervisors now, writes their ports'
 *       records again under its own name.</li>
 * </ul>
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ClusterLocationsOnSimTest {
    static final String YAML = """
            transport-nodes:
              - { name: hv1, datapath-id: "00:00:00:00:00:00:00:b1", tunnel-ip: 10.77.1.1 }
              - { name: hv2, datapath-id: "00:00:00:00:00:00:00:b2", tunnel-ip: 10.77.1.2 }
              - { name: hv3, datapath-id: "00:00:00:00:00:00:00:b7", tunnel-ip: 10.77.1.3 }
              - { name: hv4, datapath-id: "00:00:00:00:00:00:00:b8", tunnel-ip: 10.77.1.4 }
            tenants:
              - name: blue
                networks:
                  - name: net
                    segment: 100
                    ports:
                      - { name: vm-a, mac: "02:00:00:00:01:0a", ips: [10.1.0.10], binding: { interface: tap-a } }
                      - { name: vm-b, mac: "02:00:00:00:01:0b", ips: [10.1.0.11], binding: { interface: tap-b } }
                      - { name: vm-c, mac: "02:00:00:00:01:0d", ips: [10.1.0.13], binding: { interface: tap-c } }
                      - { name: vm-m, mac: "02:00:00:00:01:0c", ips: [10.1.0.12], binding: { by-mac: true } }
            apps:
              mobility: { flap-moves: 10 }   # vm-m moves five times here; PortTrackerTest says how damping and peers mix
            """;
    /** vm-b on hv3 (weft-2) and vm-c on hv2 (weft-1) are the senders; vm-m starts on hv4 (weft-2). */
    static final Map<String, String> PLACEMENT = Map.of("vm-a", "hv1", "vm-b", "hv3", "vm-c", "hv2", "vm-m", "hv4");
    static final Map<String, String> MASTERS = Map.of("hv1", "weft-1", "hv2", "weft-1", "hv3", "weft-2", "hv4", "weft-2");

    private record Instance(String id, Controller controller, ClusterExtension cluster,
                            Map<String, Long> locatedAt) {
        MobilityService mobility() {
            return controller.service(MobilityService.class).orElseThrow();
        }

        Optional<PortLocation> location(String port) {
            return controller.tenants().location(port);
        }

        boolean masterOf(SimSwitch s) {
            return controller.roles().role(s.dpid()).orElse(SwitchRole.SLAVE) == SwitchRole.MASTER;
        }
    }

    private static Instance start(TestingServer zk, Path dir, String id) throws Exception {
        Path file = dir.resolve(id + ".yaml");
        Files.writeString(file, YAML + "\ncluster:\n  zookeeper: \"" + zk.getConnectString() + "\"\n  instance: " + id
                + "\n  root: /locations-test\n  session-timeout: 1500ms\n");
        WeftConfig cfg = ConfigLoader.load(file);
        ClusterExtension ext = new ClusterExtension(ClusterSettings.of(cfg.cluster(), file.toString()).orElseThrow());
        Controller c = Controller.builder(ControllerSettings.builder().config(cfg).configFile(file)
                        .listen(List.of(new InetSocketAddress("127.0.0.1", 0)))
                        .apps(List.of("isolation", "tenant-networks", "mobility")).tableMissToController(false)
                        .dispatchThreads(2).flowAuditInterval(Duration.ZERO).build())
                .switchesStartAsSlaves().extension(ext).start();
        // When each port was last put somewhere on this instance (System.nanoTime), for the timings.
        Map<String, Long> at = new ConcurrentHashMap<>();
        c.observe(LogicalPortLocated.class, e -> e.location().ifPresent(l -> at.put(e.port().name() + "@" + l,
                System.nanoTime())));
        return new Instance(id, c, ext, at);
    }

    static dev.weft.sim.net.Topology topology(NetworkConfig cfg) {
        TopologyBuilder b = new TopologyBuilder();
        for (TransportNode n : cfg.transportNodes()) {
            b.addSwitch(n.name(), n.dpid(), Set.of(OFVersion.OF_13), 0, n.tunnelIp());
        }
        b.addFullTunnelMesh();
        for (var e : PLACEMENT.entrySet()) {
            LogicalPort p = cfg.port(e.getKey()).orElseThrow();
            String iface = p.binding() instanceof Binding.Interface i ? i.name() : "eth-" + p.name();
            b.addHost(p.name(), p.mac(), p.ips().get(0), e.getValue(), null, iface);
        }
        return b.build();
    }

    static byte[] udp(SimHost from, SimHost to) {
        return Frames.from(from.mac(), from.ip()).to(to.mac(), to.ip()).udp(4000, 5000, new byte[64]);
    }

    static boolean reaches(SimNetwork net, String from, String to) {
        return net.trace(from, udp(net.host(from), net.host(to))).reachedExactly(to);
    }

    @Test
    void theMasterWhereAVmShowsItselfDecidesForEveryInstance(@TempDir Path dir) throws Exception {
        try (TestingServer zk = new TestingServer(true)) {
            Instance w1 = start(zk, dir, "weft-1");
            Instance w2 = start(zk, dir, "weft-2");
            List<Instance> both = List.of(w1, w2);
            NetworkConfig cfg = ConfigLoader.load(dir.resolve("weft-1.yaml")).network();
            boolean stopped = false;
            try (SimNetwork net = SimNetwork.builder().controllers(List.of(w1.controller().openflowAddresses().get(0),
                            w2.controller().openflowAddresses().get(0)))
                    .topology(topology(cfg)).versions(OFVersion.OF_13)
                    .settle(Duration.ofMillis(2)).unansweredGrace(Duration.ofMillis(100)).build();
                 CuratorFramework zkc = CuratorFrameworkFactory.newClient(zk.getConnectString(), new RetryOneTime(100))) {
                zkc.start();
                await(() -> MASTERS.entrySet().stream().allMatch(m -> {
                    SimSwitch s = net.switchNamed(m.getKey());
                    return both.stream().filter(i -> i.masterOf(s)).map(Instance::id).toList().equals(List.of(m.getValue()));
                }), "masters " + MASTERS);
                for (Instance i : both) {
                    TenantFabric.awaitConverged(i.controller(), 3);
                }
                PortLocation hv4Port = new PortLocation(net.switchNamed("hv4").dpid(),
                        net.host("vm-m").port());

                // 1. vm-m shows itself on hv4 (weft-2's): weft-1, which saw nothing of it, puts it there too.
                net.gratuitousArp("vm-m");
                for (Instance i : both) {
                    await(() -> i.location("vm-m").equals(Optional.of(hv4Port)), i.id() + " has vm-m at hv4");
                }
                w1.controller().reconciler().quiesce().get(5, TimeUnit.SECONDS);
                assertTrue(reaches(net, "vm-c", "vm-m"), "hv2 (weft-1's) reaches vm-m at hv4");

                // 2. vm-m moves to hv2 (weft-1's) and announces itself there; its old port on hv4 stays.
                OFPort p2 = net.addPort("hv2", null, "eth-vm-m-new");
                PortLocation hv2Port = new PortLocation(net.switchNamed("hv2").dpid(), p2);
                await(() -> both.stream().allMatch(i -> i.controller().switches().get(hv2Port.dpid())
                        .flatMap(s -> s.port(p2)).isPresent()), "both know hv2's new port");
                net.attachHost("vm-m", "hv2", p2);
                long seq2 = lastSequence(w2);
                long sent = System.nanoTime();
                Delivery garp = net.gratuitousArp("vm-m");
                Migration followed = awaitMigration(w2, "vm-m", seq2);
                assertEquals(1, garp.packetIns(), "only hv2's master was told: " + garp);
                assertEquals(hv2Port, followed.to());
                assertEquals(Optional.of(hv4Port), followed.from());
                assertTrue(followed.cause().startsWith("cluster: located by weft-1"), followed.cause());
                assertTrue(followed.cause().contains("gratuitous ARP"), followed.cause());
                Migration decided = w1.mobility().last("vm-m").orElseThrow();
                assertTrue(decided.cause().startsWith("gratuitous ARP"), decided.cause());
                long onW1 = w1.locatedAt().get("vm-m@" + hv2Port);
                long onW2 = w2.locatedAt().get("vm-m@" + hv2Port);
                System.out.printf(Locale.ROOT, "[sim] cluster: vm-m's GARP on hv2: located by weft-1 %.2f ms after it "
                                + "was sent, in force on weft-2 %.2f ms after that; hv3's flows (weft-2) confirmed "
                                + "%.2f ms after weft-1's decision (weft-1's own: converged in %.2f ms)%n",
                        (onW1 - sent) / 1e6, (onW2 - onW1) / 1e6, followed.convergence().orElseThrow().toNanos() / 1e6,
                        decided.convergence().orElseThrow().toNanos() / 1e6);
                assertTrue(followed.totalFlowMods() > 0, "weft-2 reprogrammed its hypervisors: " + followed);
                w2.controller().reconciler().quiesce().get(5, TimeUnit.SECONDS);
                assertTrue(reaches(net, "vm-b", "vm-m"), "hv3 (weft-2's) sends to vm-m at hv2");
                assertEquals(Optional.of(hv2Port), w2.location("vm-m"));
                // Port security moved with it: the old place no longer speaks as vm-m on weft-2's hv4.
                net.attachHost("vm-m", "hv4", hv4Port.port());
                Delivery spoof = net.trace("vm-m", udp(net.host("vm-m"), net.host("vm-b")));
                assertFalse(spoof.receivers().contains("vm-b"), "hv4 drops vm-m's frames now: " + spoof);
                net.attachHost("vm-m", "hv2", p2);

                // 3. Dual presence: vm-a's interface also on hv3 (weft-2's); its first frame there moves it
                //    on weft-1 too, while hv1's port still exists.
                PortLocation hv1Port = w1.location("vm-a").orElseThrow();
                OFPort p3 = net.addPort("hv3", null, "tap-a");
                PortLocation hv3Port = new PortLocation(net.switchNamed("hv3").dpid(), p3);
                for (Instance i : both) {
                    await(() -> i.mobility().pending().getOrDefault("vm-a", List.of()).equals(List.of(hv3Port)),
                            i.id() + " has hv3 pending for vm-a");
                }
                w2.controller().reconciler().quiesce().get(5, TimeUnit.SECONDS);
                long seq1 = lastSequence(w1);
                net.attachHost("vm-a", "hv3", p3);
                Delivery first = net.trace("vm-a", udp(net.host("vm-a"), net.host("vm-c")));
                Migration dual = awaitMigration(w1, "vm-a", seq1);
                assertEquals(1, first.packetIns(), first.toString());
                assertEquals(hv3Port, dual.to());
                assertTrue(dual.cause().startsWith("cluster: located by weft-2"), dual.cause());
                assertTrue(dual.cause().contains("first frame"), dual.cause());
                assertTrue(net.ports("hv1").containsKey(hv1Port.port()), "hv1's port still exists");
                assertEquals(List.of(hv1Port), w1.mobility().pending().get("vm-a"), "hv1 is the pending place now");
                w1.controller().reconciler().quiesce().get(5, TimeUnit.SECONDS);
                assertTrue(reaches(net, "vm-c", "vm-a"), "hv2 (weft-1's) sends to vm-a at hv3");
                System.out.printf(Locale.ROOT, "[sim] cluster: dual presence: vm-a's first frame on hv3: weft-1 "
                        + "followed weft-2, flows confirmed %.2f ms after weft-2's decision%n",
                        dual.convergence().orElseThrow().toNanos() / 1e6);

                // 4. Stale reports: written over the current record (so they are the newest version), but not
                //    by the master of the switch they name, or from before the writer's current claim.
                String node = "/locations-test" + ClusterLocations.NODE + "/vm-m";
                Stat st = new Stat();
                zkc.getData().storingStatIn(st).forPath(node);
                long w1Claim = zkc.checkExists().forPath("/locations-test" + ClusterExtension.SWITCHES + "/"
                        + ClusterExtension.key(hv2Port.dpid()) + "/weft-1").getCzxid();
                long w2Gen = w2.cluster().switches().stream().filter(v -> v.dpid().equals(hv4Port.dpid()))
                        .findFirst().orElseThrow().generation();
                // Both name a port that exists (vm-c's on hv2), so only the rule keeps them out.
                PortLocation elsewhere = new PortLocation(hv2Port.dpid(), net.host("vm-c").port());
                ClusterLocations.Record notMaster = new ClusterLocations.Record(elsewhere, "weft-2", w2Gen, "forged",
                        Instant.now());
                zkc.setData().withVersion(st.getVersion()).forPath(node, notMaster.bytes());
                awaitRecord(both, "vm-m", notMaster);
                ClusterLocations.Record deposed = new ClusterLocations.Record(elsewhere, "weft-1",
                        w1Claim - 1, "old", Instant.now());
                zkc.setData().withVersion(st.getVersion() + 1).forPath(node, deposed.bytes());
                awaitRecord(both, "vm-m", deposed);
                for (Instance i : both) {
                    i.controller().awaitControlLaneIdle();
                    assertEquals(Optional.of(hv2Port), i.location("vm-m"), i.id() + " did not follow a stale report");
                }
                assertTrue(reaches(net, "vm-b", "vm-m"));
                // The next real decision (vm-m back on hv4, weft-2's) is written over them and followed.
                net.attachHost("vm-m", "hv4", hv4Port.port());
                long seqBack = lastSequence(w1);
                net.gratuitousArp("vm-m");
                Migration back = awaitMigration(w1, "vm-m", seqBack);
                assertEquals(hv4Port, back.to());
                assertTrue(back.cause().startsWith("cluster: located by weft-2"), back.cause());
                w1.controller().reconciler().quiesce().get(5, TimeUnit.SECONDS);
                assertTrue(reaches(net, "vm-c", "vm-m"), "hv2 (weft-1's) sends to vm-m at hv4");
                // One move each, on each instance: nobody went back and forth.
                for (Instance i : both) {
                    assertEquals(2, i.mobility().history().stream().filter(m -> m.subject().equals("vm-m")).count(),
                            i.id() + " " + i.mobility().history());
                    assertEquals(1, i.mobility().history().stream().filter(m -> m.subject().equals("vm-a")).count(),
                            i.id() + " " + i.mobility().history());
                }

                // 4b. Two masters decide at once: vm-m shows itself on hv2 (weft-1's) while weft-2's decision
                //     that it is on hv4 lands first. weft-1 decided without knowing it (its control lane is held
                //     until both are queued, the announcement first): its write loses, and it follows weft-2.
                java.util.concurrent.CountDownLatch hold = new java.util.concurrent.CountDownLatch(1);
                java.util.concurrent.CountDownLatch held = new java.util.concurrent.CountDownLatch(1);
                w1.controller().controlLane().execute(() -> {
                    held.countDown();
                    try {
                        hold.await(10, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
                assertTrue(held.await(5, TimeUnit.SECONDS));
                ClusterLocations.Record winner;
                long seqRace = lastSequence(w1);
                try {
                    net.attachHost("vm-m", "hv2", p2);
                    assertEquals(1, net.gratuitousArp("vm-m").packetIns(), "weft-1 has the announcement");
                    zkc.getData().storingStatIn(st).forPath(node);
                    winner = new ClusterLocations.Record(hv4Port, "weft-2", w2Gen, "gratuitous ARP on hv4",
                            Instant.now());
                    zkc.setData().withVersion(st.getVersion()).forPath(node, winner.bytes());
                    awaitRecord(both, "vm-m", winner);
                } finally {
                    hold.countDown();
                }
                w1.controller().awaitControlLaneIdle();
                await(() -> w1.location("vm-m").equals(Optional.of(hv4Port)), "weft-1 follows the winner");
                assertEquals(winner, w1.cluster().locations().orElseThrow().records().get("vm-m"),
                        "weft-1's older decision did not override the newer one");
                assertEquals(Optional.of(hv4Port), w2.location("vm-m"));
                Migration lost = awaitMigration(w1, "vm-m", seqRace);
                assertEquals(hv2Port, lost.to(), "weft-1 did decide hv2: " + lost);
                assertTrue(lost.cause().startsWith("gratuitous ARP"), lost.cause());
                Migration followedWinner = awaitMigration(w1, "vm-m", lost.sequence());
                assertEquals(hv4Port, followedWinner.to());
                assertTrue(followedWinner.cause().startsWith("cluster: located by weft-2"), followedWinner.cause());
                net.attachHost("vm-m", "hv4", hv4Port.port());
                w1.controller().reconciler().quiesce().get(5, TimeUnit.SECONDS);
                assertTrue(reaches(net, "vm-c", "vm-m"), "hv2 (weft-1's) sends to vm-m at hv4");

                // 5. Failover: weft-2 stops; weft-1, master of hv3 and hv4 now, writes their ports' records
                //    again under its own name (a joiner would not follow a departed master's).
                await(() -> Optional.ofNullable(w1.cluster().locations().orElseThrow().records().get("vm-b"))
                        .map(r -> r.by().equals("weft-2")).orElse(false), "vm-b's record by hv3's master, weft-2");
                w2.controller().close();
                stopped = true;
                await(() -> w1.masterOf(net.switchNamed("hv3")) && w1.masterOf(net.switchNamed("hv4")),
                        "weft-1 master of hv3 and hv4");
                for (String port : List.of("vm-a", "vm-b", "vm-m")) {
                    await(() -> {
                        ClusterLocations.Record r = w1.cluster().locations().orElseThrow().records().get(port);
                        return r != null && r.by().equals("weft-1")
                                && r.at().equals(w1.location(port).orElseThrow());
                    }, port + "'s record by weft-1: " + w1.cluster().locations().orElseThrow().records().get(port));
                }
                assertEquals(Optional.of(hv4Port), w1.location("vm-m"));
                assertTrue(reaches(net, "vm-c", "vm-m"));
            } finally {
                w1.controller().close();
                if (!stopped) {
                    w2.controller().close();
                }
            }
        }
    }

    private static void awaitRecord(List<Instance> all, String port, ClusterLocations.Record r)
            throws InterruptedException {
        for (Instance i : all) {
            await(() -> r.equals(i.cluster().locations().orElseThrow().records().get(port)),
                    i.id() + " read " + r);
        }
    }

    private static long lastSequence(Instance i) {
        List<Migration> h = i.mobility().history();
        return h.isEmpty() ? 0 : h.get(h.size() - 1).sequence();
    }

    private static Migration awaitMigration(Instance i, String port, long after) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            Optional<Migration> m = i.mobility().history().stream()
                    .filter(x -> x.subject().equals(port) && x.sequence() > after).findFirst();
            if (m.isPresent()) {
                return m.get();
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(i.id() + ": no migration of " + port + "; history " + i.mobility().history()
                        + ", located at " + i.location(port));
            }
            Thread.sleep(1);
        }
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 30 s: " + what);
            }
            Thread.sleep(2);
        }
    }
}
