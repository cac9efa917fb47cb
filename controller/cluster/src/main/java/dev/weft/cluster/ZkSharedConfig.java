package dev.weft.cluster;

import dev.weft.core.Controller;
import dev.weft.core.config.AtomicFiles;
import dev.weft.core.config.ConfigException;
import dev.weft.core.config.ConfigLoader;
import dev.weft.core.config.ReloadResult;
import dev.weft.core.config.SharedConfig;
import dev.weft.core.config.SharedSections;
import dev.weft.core.config.WeftConfig;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The tenant config shared by the cluster, in one ZooKeeper node ({@code <root>/config}: the YAML
 * of the shared sections; the node's version is the config's version). Writes are compare-and-set
 * on that version. Every instance watches the node (Curator's {@link CuratorCache}) and applies
 * each new version through the same validation as a reload: an invalid version is logged and never
 * applied. The first instance seeds the node from its config file; afterwards each instance writes
 * every version it applies back into its own file (its own sections, {@code cluster:} and the
 * rest, stay as they are), so the file always shows what is in force, and a reload of an edited
 * file publishes its shared sections as the next version.
 */
final class ZkSharedConfig implements SharedConfig {
    private static final Logger log = LoggerFactory.getLogger(ZkSharedConfig.class);
    static final String NODE = "/config";
    /** ZooKeeper refuses a node over about 1 MiB (its {@code jute.maxbuffer}). */
    static final int MAX_BYTES = 1_000_000;

    private final CuratorFramework client;
    private final Controller controller;
    private final Optional<Path> file;
    private final String where;
    private final BooleanSupplier connected;
    private final ExecutorService applier = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "weft-cluster-config");
        t.setDaemon(true);
        return t;
    });
    private CuratorCache cache;
    // Guarded by this.
    private long applied = -1;
    private String appliedText = "";
    private long rejected = -1;
    private String rejection;

    /** The version in force here, and the last version refused (-1: none). */
    record State(long applied, long rejected, String rejection) {
    }

    ZkSharedConfig(CuratorFramework client, Controller controller, String root, BooleanSupplier connected) {
        this.client = client;
        this.controller = controller;
        this.file = controller.settings().configFile();
        this.where = "zookeeper:" + root + NODE;
        this.connected = connected;
    }

    /** Seed the node if nobody did, put its version in force here, then follow it. */
    void start() {
        String seed = file.map(f -> SharedSections.extract(ConfigLoader.read(f))).orElse("");
        if (seed.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
            throw new IllegalStateException("cluster: the tenants of " + file.orElseThrow() + " are larger than "
                    + MAX_BYTES + " bytes, more than a ZooKeeper node holds");
        }
        try {
            client.create().creatingParentsIfNeeded().forPath(NODE, seed.getBytes(StandardCharsets.UTF_8));
            log.info("cluster: seeded the shared config ({}, version 0) from {}", where,
                    file.map(Path::toString).orElse("an empty config"));
        } catch (KeeperException.NodeExistsException e) {
            // another instance seeded it: its version wins over our file
        } catch (Exception e) {
            throw new IllegalStateException("cluster: cannot create " + where + ": " + e.getMessage(), e);
        }
        Versioned v = read();
        if (file.isPresent() && !SharedSections.same(seed, v.text())) {
            log.warn("cluster: the tenants in {} differ from the shared config's version {}; the shared version is "
                    + "put in force and written to the file", file.get(), v.version());
        }
        ReloadResult r = apply(v.version(), v.text(), null);
        if (r.outcome() == ReloadResult.Outcome.REJECTED) {
            throw new IllegalStateException("cluster: the shared config's version " + v.version() + " is not valid: "
                    + r.message());
        }
        cache = CuratorCache.build(client, NODE, CuratorCache.Options.SINGLE_NODE_CACHE);
        cache.listenable().addListener((type, before, after) -> {
            if (after != null && after.getStat() != null) {
                applier.execute(() -> apply(after));
            }
        });
        cache.start();
    }

    /**
     * After a reconnection (a partition healed, a new session): catch up with the version written
     * meanwhile and wait until it is in force here, before this instance is made master of
     * anything again (a new master must not push what it computed from an older version).
     */
    void catchUp() {
        try {
            Versioned v = read();
            apply(v.version(), v.text(), null);
            controller.controlLaneDone().get(5, TimeUnit.SECONDS);
        } catch (Unavailable | java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            log.info("cluster: catching up with the shared config: {}", e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String where() {
        return where;
    }

    @Override
    public Versioned read() {
        requireConnected();
        try {
            Stat st = new Stat();
            byte[] b = client.getData().storingStatIn(st).forPath(NODE);
            return new Versioned(b == null ? "" : new String(b, StandardCharsets.UTF_8), st.getVersion());
        } catch (KeeperException.NoNodeException e) {
            return new Versioned("", -1);
        } catch (Exception e) {
            throw new Unavailable(UNAVAILABLE + " (" + e.getMessage() + "); nothing was changed");
        }
    }

    @Override
    public Optional<ReloadResult> replace(Versioned base, String text, WeftConfig parsed) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > MAX_BYTES) {
            throw new IllegalArgumentException("the shared config would be " + bytes.length + " bytes; a ZooKeeper "
                    + "node holds at most " + MAX_BYTES + ": nothing was changed");
        }
        requireConnected();
        long version;
        try {
            if (base.version() < 0) {
                client.create().creatingParentsIfNeeded().forPath(NODE, bytes);
                version = 0;
            } else {
                version = client.setData().withVersion((int) base.version()).forPath(NODE, bytes).getVersion();
            }
        } catch (KeeperException.BadVersionException | KeeperException.NodeExistsException
                 | KeeperException.NoNodeException e) {
            return Optional.empty(); // another write landed first: the caller redoes its change on it
        } catch (Exception e) {
            throw new Unavailable(UNAVAILABLE + " (" + e.getMessage() + ") while writing; the change may or may not "
                    + "have been stored: read the config to see");
        }
        ReloadResult r = apply(version, text, parsed);
        try {
            controller.controlLaneDone().get(10, TimeUnit.SECONDS); // a 2xx means it is in force here
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            // handed over; the control lane is busy
        }
        return Optional.of(r);
    }

    /**
     * Under the lock that applying a version and writing it back into the file hold: a reload that
     * read the file just before a newer version was written into it must not publish that older
     * text over the newer version (it would undo another instance's write).
     */
    @Override
    public synchronized ReloadResult publish(String fileText, WeftConfig parsed) {
        String now = file.map(f -> {
            try {
                return ConfigLoader.read(f);
            } catch (ConfigException e) {
                return fileText;
            }
        }).orElse(fileText);
        if (!now.equals(fileText)) {
            return new ReloadResult(ReloadResult.Outcome.UNCHANGED, "the file changed while it was read (version "
                    + applied + " was written into it); its newer text is what counts", Set.of());
        }
        String shared = SharedSections.extract(fileText);
        if (SharedSections.same(shared, appliedText)) {
            return new ReloadResult(ReloadResult.Outcome.UNCHANGED, "the file's tenants are the shared config's "
                    + "version " + applied, Set.of());
        }
        long base = applied;
        try {
            Optional<ReloadResult> r = replace(new Versioned(appliedText, base), shared, parsed);
            if (r.isPresent()) {
                log.info("cluster: the config file's change was published as the shared config's version {}", applied);
                return r.get();
            }
            String msg = STALE + ": another instance published a version after " + base + ", the one this file "
                    + "was written from; the file's change was not published (the file follows the newer version)";
            log.error("config reload rejected: {}", msg);
            return new ReloadResult(ReloadResult.Outcome.REJECTED, msg, Set.of());
        } catch (Unavailable | IllegalArgumentException e) {
            log.error("config reload rejected: {}", e.getMessage());
            return new ReloadResult(ReloadResult.Outcome.REJECTED, e.getMessage(), Set.of());
        }
    }

    State state() {
        synchronized (this) {
            return new State(applied, rejected, rejection);
        }
    }

    private void apply(ChildData d) {
        byte[] b = d.getData();
        apply(d.getStat().getVersion(), b == null ? "" : new String(b, StandardCharsets.UTF_8), null);
    }

    /** Put a version in force here unless a newer one is; the same validation as a reload. */
    private synchronized ReloadResult apply(long version, String text, WeftConfig parsed) {
        if (version <= applied) {
            return new ReloadResult(ReloadResult.Outcome.UNCHANGED, "version " + applied + " is in force", Set.of());
        }
        WeftConfig cfg;
        try {
            cfg = parsed != null ? parsed : ConfigLoader.parse(text, where + "@" + version);
        } catch (ConfigException e) {
            if (version > rejected) {
                log.error("cluster: the shared config's version {} is not valid and is not applied; version {} stays "
                        + "in force: {}", version, applied, e.getMessage());
            }
            rejected = Math.max(rejected, version);
            rejection = e.getMessage();
            return new ReloadResult(ReloadResult.Outcome.REJECTED, e.getMessage(), Set.of());
        }
        ReloadResult r = controller.applyNetwork(cfg.network(), null);
        applied = version;
        appliedText = text;
        log.info("cluster: shared config version {} in force: {}", version, r.message());
        file.ifPresent(f -> writeBack(f, text));
        return r;
    }

    /** The file shows what is in force: its shared sections replaced, its own kept. */
    private static void writeBack(Path f, String shared) {
        try {
            String now = ConfigLoader.read(f);
            String next = SharedSections.merge(now, shared);
            if (!next.equals(now)) {
                AtomicFiles.write(f, next);
            }
        } catch (IOException | RuntimeException e) {
            log.warn("cluster: cannot write the shared config into {}: {}", f, e.getMessage());
        }
    }

    private void requireConnected() {
        if (!connected.getAsBoolean()) {
            throw new Unavailable(UNAVAILABLE + " (no ZooKeeper connection); nothing was changed");
        }
    }

    void close() {
        if (cache != null) {
            cache.close();
        }
        applier.shutdownNow();
    }
}
