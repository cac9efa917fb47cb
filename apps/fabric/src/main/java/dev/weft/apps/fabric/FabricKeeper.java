package dev.weft.apps.fabric;

import dev.weft.api.AppContext;
import dev.weft.api.Switch;
import dev.weft.api.fabric.FabricStatus;
import dev.weft.api.flow.FlowService;
import dev.weft.api.flow.FlowSpec;
import dev.weft.api.tenant.LogicalNetwork;
import dev.weft.api.tenant.PortLocation;
import dev.weft.api.tenant.TenantService;
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
 * topology: any change schedules one pass (coalesced), which builds every segment's tree from the
 * latest snapshots, gives its cables tags ({@link LinkTags}, sticky), compiles per switch target
 * and declares the result: OpenFlow 1.3 switches through the {@link FlowService} (scope = segment,
 * so only what changed is sent), OpenFlow 1.0 switches through {@link Of10Programmer}. A link
 * that fails changes the topology snapshot, and the next pass reroutes every tree that used it.
 * Control lane only.
 */
final class FabricKeeper {
    private static final Logger log = LoggerFactory.getLogger(FabricKeeper.class);

    private final AppContext ctx;
    private final FabricSettings settings;
    private final FlowService flows;
    private final TenantService tenants;
    private final TopologyService topology;
    private final Of10Programmer of10;
    private final LinkTags tags = new LinkTags();
    private final Map<DatapathId, Target> targets = new HashMap<>();
    /** Why each fabric switch got its target (for {@link FabricStatus}). */
    private final Map<DatapathId, FabricStatus.SwitchTarget> choices = new HashMap<>();
    /** MAC-bound logical ports found on fabric edge ports (by the packets they sent). */
    final Map<String, PortLocation> macLocations = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<Integer, Set<DatapathId>> deployed = new HashMap<>();
    private final Set<DatapathId> baseDeployed = new HashSet<>();
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
            ctx.defer(this::recompile);
        }
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
        List<SegmentTree> trees = new ArrayList<>();
        for (LogicalNetwork n : in.config().networks()) {
            SegmentTree t = SegmentTree.of(n, in);
            if (!t.isEmpty()) {
                trees.add(t);
            }
        }
        tags.assign(trees);
        tags.overfull().forEach((cable, segs) -> log.error("cable {} is asked to carry more than {} segments; "
                + "segments {} cannot cross it", cable, LinkTags.MAX, segs));
        Map<DatapathId, List<FlowSpec>> of10Flows = new HashMap<>();
        Map<DatapathId, List<FlowSpec>> base = FabricCompiler.base(in, trees);
        for (var e : base.entrySet()) {
            if (in.target(e.getKey()) == Target.SINGLE_TABLE_OF10) {
                of10Flows.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).addAll(e.getValue());
            } else {
                flows.setDesired(e.getKey(), 0, e.getValue());
            }
        }
        for (DatapathId d : baseDeployed) {
            if (!base.containsKey(d) && !of10.has(d)) {
                flows.setDesired(d, 0, List.of());
            }
        }
        baseDeployed.clear();
        baseDeployed.addAll(base.keySet());
        Set<Integer> live = new HashSet<>();
        for (SegmentTree t : trees) {
            live.add(t.segment());
            Map<DatapathId, List<FlowSpec>> bySwitch = FabricCompiler.segment(t, tags, in);
            Set<DatapathId> before = deployed.getOrDefault(t.segment(), Set.of());
            for (var e : bySwitch.entrySet()) {
                if (in.target(e.getKey()) == Target.SINGLE_TABLE_OF10) {
                    of10Flows.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).addAll(e.getValue());
                } else {
                    flows.setDesired(e.getKey(), t.segment(), e.getValue());
                }
            }
            for (DatapathId d : before) {
                if (!bySwitch.containsKey(d) && !of10.has(d)) {
                    flows.setDesired(d, t.segment(), List.of());
                }
            }
            deployed.put(t.segment(), Set.copyOf(bySwitch.keySet()));
        }
        for (var it = deployed.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            if (!live.contains(e.getKey())) {
                e.getValue().forEach(d -> flows.setDesired(d, e.getKey(), List.of()));
                it.remove();
            }
        }
        for (DatapathId d : targets.keySet()) {
            if (targets.get(d) == Target.SINGLE_TABLE_OF10) {
                of10.program(d, of10Flows.getOrDefault(d, List.of()));
            }
        }
        snapshot = FabricViews.snapshot(passes, ctx.clock().instant(),
                java.time.Duration.ofNanos(System.nanoTime() - start), choices.values(), trees, tags);
        log.debug("fabric pass {}: {} segments on {} switches", passes, trees.size(), targets.size());
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
        return tags;
    }
}
