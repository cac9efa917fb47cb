package dev.weft.apps.tenantpipeline;

import dev.weft.api.AppContext;
import dev.weft.api.Disposition;
import dev.weft.api.event.ConfigChanged;
import dev.weft.api.event.LogicalPortLocated;
import dev.weft.api.event.TransportNodeChanged;
import dev.weft.api.flow.FlowService;
import dev.weft.api.flow.FlowSpec;
import dev.weft.api.tenant.FabricView;
import dev.weft.api.tenant.LogicalNetwork;
import dev.weft.api.tenant.LogicalPort;
import dev.weft.api.tenant.NetworkConfig;
import dev.weft.api.tenant.TenantService;
import dev.weft.api.tenant.TransportNode;
import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.OFPort;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Keeps an app's flows in step with the tenant configuration, port locations and transport
 * nodes, one logical network at a time: events mark networks dirty, and one deferred pass
 * recompiles just those and declares the result to the {@link FlowService} (scope = segment id),
 * clearing the switches a network no longer uses. The app supplies a pure {@link Compiler}.
 * A network that changes is recompiled with the networks routed with it (its router's other
 * networks: where they must exist depends on where it has ports, see {@link Presence}).
 * Runs on the control lane; no locks.
 */
public final class NetworkFlowsKeeper {

    /** Pure functions from a snapshot to flows. */
    public interface Compiler {
        /** One network's flows, per switch (switches that need none may be left out). */
        Map<DatapathId, List<FlowSpec>> network(LogicalNetwork network, FabricView view);

        /**
         * Networks to recompile after a configuration change besides those whose own definition
         * changed (e.g. the networks of ports whose security groups name a group that gained a
         * member elsewhere).
         */
        default Set<Integer> alsoChanged(ConfigChanged change) {
            return Set.of();
        }

        /**
         * False when the flows depend on nothing of a port's policy (security groups, rate
         * limits): a change to policies alone does not recompile them (a security-group
         * membership change then costs only the apps that read it).
         */
        default boolean readsPortPolicy() {
            return true;
        }

        /** Flows that belong to no network (scope 0), per switch. */
        default Map<DatapathId, List<FlowSpec>> base(FabricView view) {
            return Map.of();
        }
    }

    private final AppContext ctx;
    private final Compiler compiler;
    private final FlowService flows;
    private final TenantService tenants;
    private final Map<Integer, Set<DatapathId>> deployed = new HashMap<>();
    private final Set<DatapathId> baseDeployed = new HashSet<>();
    /** Where each network's entries were declared, by switch (the reverse of {@link #deployed}). */
    private final Map<DatapathId, Set<Integer>> deployedAt = new HashMap<>();
    /** How many located ports of each network each switch has (from the location events). */
    private final Map<DatapathId, Map<Integer, Integer>> locatedAt = new HashMap<>();
    private final Set<Integer> dirty = new HashSet<>();
    private boolean baseDirty;
    private boolean scheduled;
    private long passes;

    private NetworkFlowsKeeper(AppContext ctx, Compiler compiler) {
        this.ctx = ctx;
        this.compiler = compiler;
        this.flows = ctx.service(FlowService.class)
                .orElseThrow(() -> new IllegalStateException("this controller has no flow service"));
        this.tenants = ctx.service(TenantService.class)
                .orElseThrow(() -> new IllegalStateException("this controller has no tenant service"));
    }

    /** Subscribe to the events that change the fabric; call from {@code App.start}. */
    public static NetworkFlowsKeeper start(AppContext ctx, Compiler compiler) {
        NetworkFlowsKeeper k = new NetworkFlowsKeeper(ctx, compiler);
        ctx.on(ConfigChanged.class, e -> {
            if (e.nodesChanged()) {
                e.current().networks().forEach(n -> k.dirty.add(n.segment()));
            }
            for (int seg : e.changedSegments()) {
                if (k.compiler.readsPortPolicy() || !onlyPolicies(e.previous(), e.current(), seg)) {
                    k.dirty.add(seg);
                }
            }
            k.dirty.addAll(k.compiler.alsoChanged(e));
            k.baseDirty = true;
            k.schedule();
            return Disposition.CONTINUE;
        });
        ctx.on(LogicalPortLocated.class, e -> {
            int seg = e.port().segment();
            e.previous().ifPresent(p -> k.portsAt(p.dpid(), seg, -1));
            e.location().ifPresent(p -> k.portsAt(p.dpid(), seg, +1));
            k.dirty.add(seg);
            k.schedule();
            return Disposition.CONTINUE;
        });
        ctx.on(TransportNodeChanged.class, e -> {
            DatapathId dpid = e.node().dpid();
            // Networks deployed there, and networks that will use this node now that its tunnels
            // are known (from indexes: no scan over every port).
            k.dirty.addAll(k.deployedAt.getOrDefault(dpid, Set.of()));
            k.dirty.addAll(k.locatedAt.getOrDefault(dpid, Map.of()).keySet());
            // Networks whose router leads out through this node (its uplink may have changed).
            for (var r : k.tenants.config().routers()) {
                if (!r.ports().isEmpty() && k.tenants.config().gatewayNode(r.ports().get(0).segment())
                        .filter(dpid::equals).isPresent()) {
                    r.ports().forEach(p -> k.dirty.add(p.segment()));
                }
            }
            k.baseDirty = true;
            k.schedule();
            return Disposition.CONTINUE;
        });
        return k;
    }

    /** True when network {@code seg} is in both and differs only in its ports' policies. */
    static boolean onlyPolicies(NetworkConfig before, NetworkConfig after, int seg) {
        var a = before.network(seg);
        var b = after.network(seg);
        return a.isPresent() && b.isPresent() && withoutPolicies(a.get()).equals(withoutPolicies(b.get()));
    }

    private static LogicalNetwork withoutPolicies(LogicalNetwork n) {
        return new LogicalNetwork(n.tenant(), n.name(), n.segment(), n.subnet(), n.ports().stream()
                .map(p -> new LogicalPort(p.name(), p.tenant(), p.network(), p.segment(), p.mac(), p.ips(), p.binding()))
                .toList(), n.dhcp());
    }

    /** Above this many dirty networks, compile them in parallel (they are independent, pure functions). */
    static final int PARALLEL_THRESHOLD = 64;

    /**
     * Compile {@code networks} (segment → flows per switch). Large batches (a start, a reload of
     * many networks) run in parallel on the common fork-join pool; the result is the same.
     */
    public static Map<Integer, Map<DatapathId, List<FlowSpec>>> compileAll(Compiler compiler, FabricView view,
                                                                            java.util.Collection<Integer> segments) {
        java.util.stream.Stream<Integer> s = segments.size() > PARALLEL_THRESHOLD
                ? segments.parallelStream() : segments.stream();
        return s.collect(java.util.stream.Collectors.toMap(seg -> seg, seg -> view.config().network(seg)
                .map(n -> compiler.network(n, view)).orElse(Map.of())));
    }

    private void portsAt(DatapathId dpid, int segment, int delta) {
        Map<Integer, Integer> m = locatedAt.computeIfAbsent(dpid, d -> new HashMap<>());
        int n = m.getOrDefault(segment, 0) + delta;
        if (n <= 0) {
            m.remove(segment);
        } else {
            m.put(segment, n);
        }
    }

    private void schedule() {
        if (!scheduled) {
            scheduled = true;
            ctx.defer(this::recompile);
        }
    }

    /** The current snapshot of the fabric. */
    public FabricView view() {
        NetworkConfig c = tenants.config();
        Map<DatapathId, Map<String, OFPort>> t = new HashMap<>();
        Map<DatapathId, OFPort> flow = new HashMap<>();
        for (TransportNode n : c.transportNodes()) {
            t.put(n.dpid(), tenants.tunnelPorts(n.dpid()));
            tenants.flowTunnelPort(n.dpid()).ifPresent(p -> flow.put(n.dpid(), p));
        }
        return new FabricView(c, tenants.locations(), t, tenants.uplinkPorts(), flow);
    }

    private void recompile() {
        scheduled = false;
        passes++;
        FabricView view = view();
        for (int seg : List.copyOf(dirty)) {
            dirty.addAll(view.config().routedPeers(seg));
        }
        if (baseDirty) {
            baseDirty = false;
            Map<DatapathId, List<FlowSpec>> base = compiler.base(view);
            Set<DatapathId> targets = new HashSet<>(base.keySet());
            targets.addAll(baseDeployed);
            for (DatapathId dpid : targets) {
                flows.setDesired(dpid, 0, base.getOrDefault(dpid, List.of()));
            }
            baseDeployed.clear();
            baseDeployed.addAll(base.keySet());
        }
        Map<Integer, Map<DatapathId, List<FlowSpec>>> compiled = compileAll(compiler, view, dirty);
        for (int seg : dirty) {
            Map<DatapathId, List<FlowSpec>> byDpid = compiled.get(seg);
            Set<DatapathId> targets = new HashSet<>(byDpid.keySet());
            Set<DatapathId> before = deployed.getOrDefault(seg, Set.of());
            targets.addAll(before);
            for (DatapathId dpid : targets) {
                flows.setDesired(dpid, seg, byDpid.getOrDefault(dpid, List.of()));
            }
            for (DatapathId d : before) {
                Set<Integer> at = deployedAt.get(d);
                if (at != null) {
                    at.remove(seg);
                }
            }
            for (DatapathId d : byDpid.keySet()) {
                deployedAt.computeIfAbsent(d, x -> new HashSet<>()).add(seg);
            }
            if (byDpid.isEmpty()) {
                deployed.remove(seg);
            } else {
                deployed.put(seg, Set.copyOf(byDpid.keySet()));
            }
        }
        dirty.clear();
    }

    /**
     * Recompile every network deployed on, or with ports at, {@code dpid} (something the compiler
     * depends on changed there, e.g. what the switch supports). Call on the control lane.
     */
    public void touch(DatapathId dpid) {
        dirty.addAll(deployedAt.getOrDefault(dpid, Set.of()));
        dirty.addAll(locatedAt.getOrDefault(dpid, Map.of()).keySet());
        schedule();
    }

    /**
     * Recompile one network in the next pass: for an app whose compiler reads state of its own
     * that changed (e.g. MACs it learned). Control lane only.
     */
    public void markDirty(int segment) {
        dirty.add(segment);
        schedule();
    }

    /** How many recompile passes ran (for tests: events are coalesced). */
    public long passes() {
        return passes;
    }
}
