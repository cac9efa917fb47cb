package dev.weft.apps.fabric;

import dev.weft.api.AppContext;
import dev.weft.api.Switch;
import dev.weft.api.fabric.FabricStatus;
import dev.weft.api.flow.FlowService;
import dev.weft.api.tenant.PortLocation;
import dev.weft.api.tenant.TenantService;
import dev.weft.api.topology.Link;
import dev.weft.api.topology.TopologyService;
import org.projectfloodlight.openflow.types.DatapathId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Keeps the fabric's entries in step with the configuration, the logical ports' locations and the
 * topology: any change schedules one pass (coalesced), which ({@link FabricPass}) builds the
 * segments' trees from the latest snapshots, gives their cables tags ({@link LinkTags}, sticky),
 * compiles per switch target and declares what changed: OpenFlow 1.3 switches through the
 * {@link FlowService} (scope = segment), OpenFlow 1.0 switches through {@link Of10Programmer}. A
 * link that fails (the first PORT_STATUS from either end removes it from the topology) makes the
 * next pass reroute only the segments whose trees used it; their flow-mods go to every switch at
 * once in that task (no barrier waited for between switches), and the pass is reported as a
 * {@link Reroute}. Control lane only.
 */
final class FabricKeeper {
    private static final Logger log = LoggerFactory.getLogger(FabricKeeper.class);

    private final AppContext ctx;
    private final FabricSettings settings;
    private final FlowService flows;
    private final TenantService tenants;
    private final TopologyService topology;
    private final Of10Programmer of10;
    private final FabricPass pass = new FabricPass();
    private final Map<DatapathId, Target> targets = new HashMap<>();
    /** Why each fabric switch got its target (for {@link FabricStatus}). */
    private final Map<DatapathId, FabricStatus.SwitchTarget> choices = new HashMap<>();
    /** MAC-bound logical ports found on fabric edge ports (by the packets they sent). */
    final Map<String, PortLocation> macLocations = new java.util.concurrent.ConcurrentHashMap<>();
    /** OpenFlow 1.0 switches connected since the last pass (their table was cleared: all of it again). */
    private final Set<DatapathId> freshOf10 = new HashSet<>();
    private final List<Link> lost = new ArrayList<>();
    private long lostAt;
    private final java.util.concurrent.atomic.AtomicLong portDownAt = new java.util.concurrent.atomic.AtomicLong();
    private volatile Reroute lastReroute;
    private int lastRecomputed;
    private boolean scheduled;
    private long passes;
    private volatile FabricInputs lastInputs;
    private volatile FabricStatus.Snapshot snapshot;

    FabricKeeper(AppContext ctx, FabricSettings settings, FlowService flows, TenantService tenants,
                 TopologyService topology) {
        this.ctx = ctx;
        this.settings = settings;
        this.flows = flows;
        this.tenants = tenants;
        this.topology = topology;
        this.of10 = new Of10Programmer(ctx.cookie().toU64());
        this.snapshot = FabricStatus.Snapshot.empty(ctx.clock().instant());
    }

    /** Whether {@code dpid} belongs to the fabric (configured, or else no transport node). */
    boolean isFabric(DatapathId dpid) {
        return settings.fabricSwitches().map(s -> s.contains(dpid))
                .orElseGet(() -> tenants.config().node(dpid).isEmpty());
    }

    boolean isFabricSwitch(DatapathId dpid) {
        return targets.containsKey(dpid);
    }

    /**
     * A switch connected; {@code tables}: how many of its tables can hold entries, read from its
     * TABLE_FEATURES when {@code fromTableFeatures}, else its FEATURES_REPLY's count.
     */
    void connected(Switch sw, int tables, boolean fromTableFeatures) {
        if (!isFabric(sw.id()) || !sw.isConnected()) {
            return;
        }
        boolean forced = settings.singleTableSwitches().contains(sw.id());
        Target t = Target.of(sw.version(), tables, forced);
        targets.put(sw.id(), t);
        choices.put(sw.id(), FabricViews.choice(sw.id(), sw.version(), sw.features().getNTables(), tables,
                fromTableFeatures, forced, t));
        log.info("{} fabric switch, OpenFlow {}, {} usable table(s): compiled {}", sw.id(), sw.version(), tables, t);
        if (t == Target.SINGLE_TABLE_OF10) {
            of10.connected(sw);
            freshOf10.add(sw.id());
        }
        schedule();
    }

    void disconnected(Switch sw) {
        of10.disconnected(sw);
        choices.remove(sw.id());
        if (targets.remove(sw.id()) != null) {
            schedule();
        }
    }

    void schedule() {
        if (!scheduled) {
            scheduled = true;
            ctx.defer(() -> {
                if (scheduled) { // not run meanwhile by a lost link
                    recompile();
                }
            });
        }
    }

    /**
     * A link lost (control lane, from LinkRemoved): a pass runs at once, a reroute when it moves
     * any segment, measured from the first port-down seen ({@link #portDown}) to the switches'
     * barrier replies.
     */
    void linkLost(Link link) {
        long now = System.nanoTime();
        if (lost.isEmpty()) {
            lostAt = now;
        }
        lost.add(link);
        // At once, not behind whatever else the control lane has queued: traffic is being lost.
        // (The topology snapshot without the link is published before its events.)
        recompile();
    }

    /** A port of a fabric switch went down (any thread: the switch's lane). */
    void portDown() {
        portDownAt.compareAndSet(0, System.nanoTime());
    }

    private void recompile() {
        long start = System.nanoTime();
        scheduled = false;
        passes++;
        Map<String, PortLocation> locs = new HashMap<>(tenants.locations());
        macLocations.keySet().removeIf(n -> tenants.config().port(n)
                .map(p -> !(p.binding() instanceof dev.weft.api.tenant.Binding.ByMac)).orElse(true));
        locs.putAll(macLocations);
        FabricInputs in = new FabricInputs(tenants.config(), locs, topology.current(), targets,
                settings.vlanPorts(tenants.config()));
        lastInputs = in;
        FabricPass.Result r = pass.run(in);
        pass.tags().overfull().forEach((cable, segs) -> log.error("cable {} is asked to carry more than {} segments; "
                + "segments {} cannot cross it", cable, LinkTags.MAX, segs));
        r.declare().forEach((d, scopes) -> {
            if (!of10.has(d)) {
                scopes.forEach((scope, specs) -> flows.setDesired(d, scope, specs));
            }
        });
        Map<DatapathId, Integer> of10Mods = new HashMap<>();
        Set<DatapathId> of10Now = new HashSet<>(r.of10().keySet());
        of10Now.addAll(freshOf10);
        freshOf10.clear();
        for (DatapathId d : of10Now) {
            if (targets.get(d) == Target.SINGLE_TABLE_OF10) {
                int n = of10.program(d, pass.table(d));
                if (n > 0) {
                    of10Mods.put(d, n);
                }
            }
        }
        long declared = System.nanoTime();
        lastRecomputed = r.recomputed().size();
        if (!lost.isEmpty() && !r.recomputed().isEmpty()) {
            report(r, List.copyOf(lost), portDownAt.getAndSet(0), lostAt, start, declared, of10Mods);
        } else {
            portDownAt.set(0);
        }
        lost.clear();
        snapshot = FabricViews.snapshot(passes, ctx.clock().instant(), java.time.Duration.ofNanos(declared - start),
                choices.values(), r.trees(), pass.tags(), r.recomputed().size(), r.incremental());
        log.debug("fabric pass {} ({}): {} of {} segments recomputed, on {} switches", passes,
                r.incremental() ? "incremental" : "full", r.recomputed().size(), r.trees().size(), targets.size());
    }

    /**
     * A pass that followed lost links: send what it declared now (this task), wait for every
     * switch's barrier, and say where the time went.
     */
    private void report(FabricPass.Result r, List<Link> links, long portDown, long linkRemoved, long start,
                        long declared, Map<DatapathId, Integer> of10Mods) {
        long pass = passes;
        int segments = r.trees().size();
        flows.syncReport().thenCombine(of10.confirmed().handle((v, t) -> System.nanoTime()), (sync, of10At) -> {
            Map<DatapathId, Integer> mods = new java.util.TreeMap<>(sync.flowMods());
            mods.putAll(of10Mods);
            long confirmed = Math.max(sync.lastConfirmedNanos(declared), of10Mods.isEmpty() ? 0 : of10At);
            // The topology may see the PORT_STATUS before this app's handler does: whichever was first.
            return new Reroute(pass, links, portDown == 0 ? linkRemoved : Math.min(portDown, linkRemoved), linkRemoved, start, declared,
                    sync.sentNanos() == 0 ? declared : Math.max(declared, sync.sentNanos()), confirmed,
                    r.incremental(), r.recomputed().size(), segments, mods, sync.failed());
        }).whenComplete((x, t) -> {
            if (x != null) {
                lastReroute = x;
                log.info("{}", x);
            }
        });
    }
    /** The inputs of the last pass (for diagnostics and tests). */
    FabricInputs lastInputs() {
        return lastInputs;
    }

    /** What the last pass left, for people (REST, CLI). */
    FabricStatus.Snapshot snapshot() {
        return snapshot;
    }

    long passes() {
        return passes;
    }

    Of10Programmer of10() {
        return of10;
    }

    LinkTags tags() {
        return pass.tags();
    }

    /** The last reroute (a pass after lost links), once its entries were confirmed. */
    Reroute lastReroute() {
        return lastReroute;
    }
}
