package dev.weft.cluster;

import dev.weft.api.Switch;
import dev.weft.api.event.SwitchConnected;
import dev.weft.api.event.SwitchDisconnected;
import dev.weft.core.Controller;
import dev.weft.core.Extension;
import dev.weft.core.openflow.SwitchRole;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.api.CuratorEvent;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.nodes.PersistentNode;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.projectfloodlight.openflow.types.DatapathId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * This instance as a member of a cluster of Weft instances that share the switches. Every switch
 * connects to every instance; each instance that has a switch connected claims it in ZooKeeper
 * (an ephemeral node {@code <root>/switches/<dpid>/<instance>}, kept by Curator's
 * {@link PersistentNode} across reconnections). Whenever a switch's claimants change, every
 * claimant reads them and computes the same master ({@link Mastership}, rendezvous hashing); the
 * generation id is the zxid of that change (the parent's {@code pzxid}), so a newer decision
 * always carries a larger id and the switch refuses an older master's claim. An instance that
 * loses ZooKeeper steps down at once (its switches keep forwarding); its claims vanish when its
 * session expires, and the others take its switches over.
 *
 * <p>All ZooKeeper work and every decision run on one thread ({@code weft-cluster}); the
 * controller's observers only hand events over.
 */
public final class ClusterExtension implements Extension {
    private static final Logger log = LoggerFactory.getLogger(ClusterExtension.class);
    static final String SWITCHES = "/switches";
    static final String MEMBERS = "/members";
    /** The longest a stop waits for its claims and membership to be deleted in ZooKeeper. */
    static final long RELEASE_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final ClusterSettings settings;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "weft-cluster");
        t.setDaemon(true);
        return t;
    });
    private CuratorFramework client;
    private CuratorCache cache;
    private CuratorCache memberCache;
    private volatile ConnectionState zkState = ConnectionState.LOST;
    /** What each switch's claimants decided last, as seen here (any thread reads it). */
    private final Map<DatapathId, SwitchView> views = new java.util.concurrent.ConcurrentHashMap<>();
    private PersistentNode member;
    private Controller controller;
    private ZkSharedConfig shared;
    private ClusterMobility mobility;
    private ClusterLocations locations;

    // Worker thread only.
    private final Map<DatapathId, PersistentNode> claims = new HashMap<>();
    private final Map<DatapathId, Long> generations = new HashMap<>();
    private final Map<DatapathId, Decision> requested = new HashMap<>();
    private boolean zkUp;

    private record Decision(SwitchRole role, long generation) {
    }

    /** A switch as this instance last read it from ZooKeeper: who claims it, who is master, with which generation. */
    public record SwitchView(DatapathId dpid, List<String> claimants, String master, long generation) {
    }

    public ClusterExtension(ClusterSettings settings) {
        this.settings = settings;
    }

    public ClusterSettings settings() {
        return settings;
    }

    @Override
    public String name() {
        return "cluster";
    }

    @Override
    public void start(Controller c) {
        this.controller = c;
        int session = (int) settings.sessionTimeout().toMillis();
        client = CuratorFrameworkFactory.builder().connectString(settings.zookeeper())
                .sessionTimeoutMs(session).connectionTimeoutMs(Math.max(1000, session))
                .retryPolicy(new ExponentialBackoffRetry(100, 20, 1000))
                // The connect string is the operator's: do not follow the ensemble's own view of its servers.
                .ensembleTracker(false).namespace(settings.root().substring(1)).build();
        client.getConnectionStateListenable().addListener((cl, state) -> worker.execute(() -> stateChanged(state)));
        client.start();
        try {
            long wait = Math.max(10_000, 3L * session);
            if (!client.blockUntilConnected((int) wait, TimeUnit.MILLISECONDS)) {
                client.close();
                throw new IllegalStateException("cluster: cannot reach ZooKeeper at " + settings.zookeeper()
                        + " within " + wait / 1000 + " s");
            }
            awaitOwnIdFree(wait);
            zkState = ConnectionState.CONNECTED; // the listener's later events (on the worker) take over
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            client.close();
            throw new IllegalStateException("cluster: interrupted while connecting to ZooKeeper");
        }
        member = new PersistentNode(client, CreateMode.EPHEMERAL, false, MEMBERS + "/" + settings.instance(),
                settings.advertise().getBytes(StandardCharsets.UTF_8));
        member.start();
        // The tenant config: ZooKeeper's version is put in force here; reloads and API writes go there.
        shared = new ZkSharedConfig(client, c, settings.root(),
                () -> zkState.isConnected() && client.getZookeeperClient().isConnected());
        shared.start();
        c.shareConfig(shared);
        // Locations decided by the master of the switch where a VM showed itself, in force everywhere.
        locations = new ClusterLocations(client, c, settings.instance(),
                () -> zkState.isConnected() && client.getZookeeperClient().isConnected(), dpid -> {
                    SwitchView v = views.get(dpid);
                    return v == null ? java.util.OptionalLong.empty() : java.util.OptionalLong.of(v.generation());
                });
        cache = CuratorCache.build(client, SWITCHES);
        cache.listenable().addListener(locations::switchNode);
        cache.listenable().addListener((type, before, after) -> {
            DatapathId dpid = dpidOf(after != null ? after : before);
            if (dpid != null) {
                worker.execute(() -> decide(dpid));
            }
        });
        cache.start();
        memberCache = CuratorCache.build(client, MEMBERS);
        memberCache.start();
        mobility = new ClusterMobility(client, c, settings.instance(),
                () -> zkState.isConnected() && client.getZookeeperClient().isConnected(), () -> members().keySet());
        mobility.start();
        locations.start();
        c.roles().onChange((dpid, role) -> log.debug("{} this instance ({}) is now {}", dpid, settings.instance(), role));
        c.roles().onDemoted((dpid, gen) -> worker.execute(() -> demoted(dpid, gen)));
        c.observe(SwitchConnected.class, e -> {
            DatapathId dpid = e.sw().id();
            worker.execute(() -> claim(dpid));
        });
        c.observe(SwitchDisconnected.class, e -> {
            DatapathId dpid = e.sw().id();
            worker.execute(() -> release(dpid));
        });
        for (Switch sw : c.switches().all()) {
            DatapathId dpid = sw.id();
            worker.execute(() -> claim(dpid));
        }
        worker.execute(() -> zkUp = client.getZookeeperClient().isConnected());
        log.info("cluster: instance {} ({}) joined through ZooKeeper {} under {}, session timeout {} ms",
                settings.instance(), settings.advertise(), settings.zookeeper(), settings.root(), session);
    }

    /** Another live instance with our id would fight over every switch: refuse to start until its session is gone. */
    private void awaitOwnIdFree(long waitMillis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMillis);
        String path = MEMBERS + "/" + settings.instance();
        while (true) {
            Stat st;
            try {
                st = client.checkExists().forPath(path);
            } catch (Exception e) {
                throw new IllegalStateException("cluster: ZooKeeper: " + e.getMessage(), e);
            }
            if (st == null) {
                return;
            }
            if (System.nanoTime() > deadline) {
                client.close();
                throw new IllegalStateException("cluster: another instance with id '" + settings.instance()
                        + "' is running (ZooKeeper " + settings.zookeeper() + "); give each instance its own id");
            }
            Thread.sleep(100); // an instance that just died: its session expires within the timeout
        }
    }

    // ---- worker thread ---------------------------------------------------------------------------

    private void claim(DatapathId dpid) {
        if (claims.containsKey(dpid) || client == null) {
            return;
        }
        PersistentNode n = new PersistentNode(client, CreateMode.EPHEMERAL, false, claimPath(dpid),
                settings.advertise().getBytes(StandardCharsets.UTF_8));
        n.start();
        claims.put(dpid, n);
        decide(dpid); // the cache tells us too, once the node is there
    }

    private void release(DatapathId dpid) {
        views.remove(dpid);
        PersistentNode n = claims.remove(dpid);
        requested.remove(dpid);
        if (n != null) {
            closeQuietly(n);
        }
    }

    private void decide(DatapathId dpid) {
        if (!zkUp || !claims.containsKey(dpid)) {
            return;
        }
        try {
            client.getChildren().inBackground((cl, ev) -> worker.execute(() -> decided(dpid, ev)))
                    .forPath(SWITCHES + "/" + key(dpid));
        } catch (Exception e) {
            log.warn("{} cannot read its claimants: {}", dpid, e.getMessage());
        }
    }

    private void decided(DatapathId dpid, CuratorEvent ev) {
        if (!zkUp || !claims.containsKey(dpid) || ev.getResultCode() != KeeperException.Code.OK.intValue()) {
            return;
        }
        long gen = ev.getStat().getPzxid();
        Long last = generations.get(dpid);
        if (last != null && gen < last) {
            return; // an older read answered late
        }
        generations.put(dpid, gen);
        List<String> members = ev.getChildren();
        if (!members.contains(settings.instance())) {
            return; // our claim is not there yet: its creation will bring us back
        }
        String master = Mastership.masterOf(dpid, members).orElseThrow();
        views.put(dpid, new SwitchView(dpid, List.copyOf(new java.util.TreeSet<>(members)), master, gen));
        SwitchRole want = master.equals(settings.instance()) ? SwitchRole.MASTER : SwitchRole.SLAVE;
        Decision d = new Decision(want, gen);
        if (d.equals(requested.get(dpid)) && controller.roles().role(dpid).orElse(null) == want) {
            return;
        }
        requested.put(dpid, d);
        log.debug("{} master {} of {} (generation {})", dpid, master, members, gen);
        controller.roles().request(dpid, want, gen).whenComplete((r, t) -> {
            if (t != null) {
                log.info("{} role {} (generation {}) not granted: {}", dpid, want, gen, t.getMessage());
                worker.execute(() -> requested.remove(dpid, d));
            }
        });
    }

    /**
     * The switch made another instance master behind our back: either we missed a change of its
     * claimants or the other instance decided on an older list. Read the claimants again: the
     * newest list decides, and whoever it names asks with its (newest) generation id, so the
     * instances agree again without waiting for the next change in ZooKeeper.
     */
    private void demoted(DatapathId dpid, long switchGeneration) {
        Decision mine = requested.remove(dpid);
        log.info("{} the switch made another instance master (generation {}; this instance had decided {}): "
                + "reading its claimants again", dpid, Long.toUnsignedString(switchGeneration),
                mine == null ? "nothing" : mine.role() + " at generation " + mine.generation());
        decide(dpid);
    }

    private void stateChanged(ConnectionState state) {
        log.info("cluster: ZooKeeper connection {}", state);
        zkState = state;
        switch (state) {
            case SUSPENDED, LOST -> {
                zkUp = false;
                stepDown(state);
            }
            case CONNECTED, RECONNECTED -> {
                zkUp = true;
                if (shared != null) {
                    shared.catchUp(); // the config first: a master computes from the current version
                }
                requested.clear();
                claims.keySet().forEach(this::decide);
            }
            default -> {
            }
        }
    }

    /** Cut off from ZooKeeper: another instance may be made master of our switches any moment; stop writing. */
    private void stepDown(ConnectionState why) {
        int n = 0;
        for (DatapathId dpid : claims.keySet()) {
            if (controller.roles().role(dpid).orElse(SwitchRole.SLAVE) == SwitchRole.MASTER) {
                n++;
                controller.roles().request(dpid, SwitchRole.SLAVE, generations.getOrDefault(dpid, 0L));
            }
        }
        requested.clear();
        if (n > 0) {
            log.warn("cluster: ZooKeeper connection {}: stepped down as master of {} switch(es); they keep "
                    + "forwarding with the flows they have", why, n);
        }
    }

    // ---- views (any thread) ----------------------------------------------------------------------

    /** The cluster's live members (instance id → what it advertises), as last seen here. */
    public Map<String, String> members() {
        Map<String, String> m = new java.util.TreeMap<>();
        if (memberCache != null) {
            memberCache.stream().filter(d -> d.getPath().startsWith(MEMBERS + "/")).forEach(d -> m.put(
                    d.getPath().substring(MEMBERS.length() + 1),
                    d.getData() == null ? "" : new String(d.getData(), StandardCharsets.UTF_8)));
        }
        return m;
    }

    /** The switches connected here, as last decided (sorted by datapath id). */
    public List<SwitchView> switches() {
        return views.values().stream().sorted(java.util.Comparator.comparing(SwitchView::dpid)).toList();
    }

    /** The state of this instance's ZooKeeper connection (CONNECTED, SUSPENDED, LOST, ...). */
    public String zookeeperState() {
        return zkState.name();
    }

    /** The shared config's version in force here (and the last one refused), when started. */
    Optional<ZkSharedConfig.State> config() {
        return Optional.ofNullable(shared).map(ZkSharedConfig::state);
    }

    /** Locations and migrations as every instance publishes them (empty before the start). */
    Optional<ClusterMobility> mobility() {
        return Optional.ofNullable(mobility);
    }

    /** Locations decided on one instance and followed by the others (empty before the start). */
    Optional<ClusterLocations> locations() {
        return Optional.ofNullable(locations);
    }

    /** This instance's role on a switch (empty when it is not connected here). */
    public Optional<SwitchRole> role(DatapathId dpid) {
        return controller == null ? Optional.empty() : controller.roles().role(dpid);
    }

    /** The instances connected to a switch, as ZooKeeper has them now, and which of them is master. */
    public Optional<String> masterOf(DatapathId dpid) {
        try {
            return Mastership.masterOf(dpid, client.getChildren().forPath(SWITCHES + "/" + key(dpid)));
        } catch (KeeperException.NoNodeException e) {
            return Optional.empty();
        } catch (Exception e) {
            throw new IllegalStateException("cluster: cannot read " + dpid + ": " + e.getMessage(), e);
        }
    }

    // ---- paths -----------------------------------------------------------------------------------

    private String claimPath(DatapathId dpid) {
        return SWITCHES + "/" + key(dpid) + "/" + settings.instance();
    }

    static String key(DatapathId dpid) {
        return String.format("%016x", dpid.getLong());
    }

    /** The switch a cache event is about ({@code /switches/<dpid>} or below), or null. */
    static DatapathId dpidOf(ChildData data) {
        if (data == null) {
            return null;
        }
        String[] parts = data.getPath().split("/");
        // ["", "switches", dpid, (instance)]
        if (parts.length < 3 || !parts[1].equals("switches") || parts[2].length() != 16) {
            return null;
        }
        try {
            return DatapathId.of(Long.parseUnsignedLong(parts[2], 16));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static void closeQuietly(PersistentNode n) {
        try {
            n.close();
        } catch (IOException | RuntimeException e) {
            log.debug("closing a claim: {}", e.toString());
        }
    }

    @Override
    public void close() {
        if (client == null) {
            return;
        }
        // Reachable: give our switches up at once (a clean stop does not make the others wait for our
        // session to expire). Cut off: nothing to delete now; the session's expiry removes our claims.
        boolean reachable = client.getZookeeperClient().isConnected();
        // What is deleted in ZooKeeper is deleted on the worker, all of it within RELEASE_NANOS: a
        // deletion is retried while ZooKeeper does not answer (the client may still say "connected"
        // just after a cut), and this thread must not wait for that (it once waited over 30 s, in
        // ClusterOnSimTest's crash of an instance cut off just before). What is left undone then, the
        // session's expiry removes; the worker is interrupted below.
        long deadline = System.nanoTime() + RELEASE_NANOS;
        if (reachable) {
            onWorker(() -> {
                claims.values().forEach(ClusterExtension::closeQuietly);
                claims.clear();
            }, deadline, "releasing claims");
        }
        if (cache != null) {
            cache.close();
        }
        if (shared != null) {
            shared.close();
        }
        if (mobility != null) {
            mobility.close();
        }
        if (locations != null) {
            locations.close();
        }
        if (memberCache != null) {
            memberCache.close();
        }
        if (member != null && reachable) {
            PersistentNode m = member;
            onWorker(() -> closeQuietly(m), deadline, "leaving the members");
        }
        client.close();
        worker.shutdownNow();
    }

    /** Run {@code task} on the worker and wait for it until {@code deadline} at most (nanoTime). */
    private void onWorker(Runnable task, long deadline, String what) {
        try {
            worker.submit(task).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            log.debug("{}: {}", what, e.toString());
        }
    }
}
