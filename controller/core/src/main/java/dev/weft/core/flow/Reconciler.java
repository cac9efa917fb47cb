package dev.weft.core.flow;

import dev.weft.api.AppCookie;
import dev.weft.api.Disposition;
import dev.weft.api.ErrorText;
import dev.weft.api.Switch;
import dev.weft.api.event.ErrorReceived;
import dev.weft.api.event.SwitchConnected;
import dev.weft.api.event.SwitchDisconnected;
import dev.weft.api.flow.FlowService;
import dev.weft.api.flow.FlowSpec;
import dev.weft.core.dispatch.AppHandle;
import dev.weft.core.dispatch.EventBus;
import dev.weft.core.dispatch.Lane;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFFlowMod;
import org.projectfloodlight.openflow.protocol.OFFlowStatsEntry;
import org.projectfloodlight.openflow.protocol.OFFlowStatsReply;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.instruction.OFInstruction;
import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.OFGroup;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.TableId;
import org.projectfloodlight.openflow.types.U64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Owns the difference between the flow entries apps want and those switches have. All state is
 * on the control lane. Per switch: the desired entries (by app and scope), the entries believed
 * installed, and the keys that changed. A pass sends only the delta (ADD, MODIFY_STRICT,
 * DELETE_STRICT) followed by a BARRIER, as one task on the switch's lane (one flush).
 *
 * <p>When a switch connects, its entries are read and those owned by flow-service apps that are
 * already right are adopted (nothing is deleted and re-added: a restarted controller does not
 * disturb traffic); the audit re-reads connected switches periodically and repairs drift.
 * Entries of other owners (other apps, the handshake's table-miss, a person's) are never touched.
 */
public final class Reconciler {
    private static final Logger log = LoggerFactory.getLogger(Reconciler.class);

    private final Lane control;
    private final EventBus bus;
    private final Duration auditInterval;
    private final Set<Integer> managedApps = ConcurrentHashMap.newKeySet();
    private final Map<DatapathId, SwitchState> states = new HashMap<>();
    private final Map<DatapathId, Stats> stats = new ConcurrentHashMap<>();
    /**
     * After a start, until the controller has heard from every switch it programs, its view is
     * partial (a hypervisor that reconnects first does not yet know the VMs on the others): while
     * holding, only entries missing from a switch are added; nothing is modified or deleted.
     */
    private boolean holding;

    /**
     * How long passes took on one switch: from handing the flow-mods over to the barrier reply
     * (for the metrics). Written where barrier replies complete, read from anywhere.
     */
    public static final class PassTimes {
        private final java.util.concurrent.atomic.AtomicLong count = new java.util.concurrent.atomic.AtomicLong();
        private final java.util.concurrent.atomic.AtomicLong totalNanos = new java.util.concurrent.atomic.AtomicLong();
        private volatile long lastNanos;

        void add(long nanos) {
            totalNanos.addAndGet(nanos);
            count.incrementAndGet();
            lastNanos = nanos;
        }

        public long count() {
            return count.get();
        }

        public long totalNanos() {
            return totalNanos.get();
        }

        public long lastNanos() {
            return lastNanos;
        }
    }

    private final Map<DatapathId, PassTimes> passTimes = new ConcurrentHashMap<>();

    /** Per switch, how long its passes took (a switch appears after its first confirmed pass). */
    public Map<DatapathId, PassTimes> passTimes() {
        return Map.copyOf(passTimes);
    }

    /** Time a pass sent now until its barrier reply (a failed barrier is not a time). */
    private void timed(DatapathId dpid, CompletableFuture<Long> confirmed) {
        long sent = System.nanoTime();
        confirmed.thenAccept(at -> {
            if (at > 0) {
                passTimes.computeIfAbsent(dpid, d -> new PassTimes()).add(at - sent);
            }
        });
    }

    /** Counters per switch, for tests and the API. */
    public record Stats(long flowModsSent, long adopted, long repaired, long errors, int desired, int installed) {
    }

    private record Desired(FlowSpec spec, U64 cookie, int appId, int scope) {
    }

    private record Installed(U64 cookie, List<OFInstruction> instructions) {
    }

    private record ScopeKey(int appId, int scope) {
    }

    private final class SwitchState {
        final DatapathId dpid;
        Switch sw;
        boolean synced;
        long generation;
        final Map<ScopeKey, Map<FlowKey, FlowSpec>> scopes = new HashMap<>();
        final Map<FlowKey, Desired> desired = new HashMap<>();
        final Map<FlowKey, Installed> installed = new HashMap<>();
        final Set<FlowKey> dirty = new HashSet<>();
        boolean passScheduled;
        CompletableFuture<Void> lastBarrier = CompletableFuture.completedFuture(null);
        /** The last pass's barrier: completes with the reply's arrival (nanoTime), or -1 if it failed. */
        CompletableFuture<Long> lastConfirmed = CompletableFuture.completedFuture(0L);
        long flowMods;
        long adopted;
        long repaired;
        long errors;

        SwitchState(DatapathId dpid) {
            this.dpid = dpid;
        }
    }

    public Reconciler(Lane control, EventBus bus, Duration auditInterval) {
        this.control = control;
        this.bus = bus;
        this.auditInterval = auditInterval;
    }

    /** Watch switches (before the apps) and start the audit timer. */
    public void start() {
        AppHandle me = new AppHandle("core:reconciler", -20);
        bus.subscribe(me, SwitchConnected.class, e -> {
            Switch sw = e.sw();
            control.execute(() -> connected(sw));
            return Disposition.CONTINUE;
        });
        bus.subscribe(me, SwitchDisconnected.class, e -> {
            Switch sw = e.sw();
            control.execute(() -> disconnected(sw));
            return Disposition.CONTINUE;
        });
        bus.subscribe(me, ErrorReceived.class, e -> {
            if (e.request().orElse(null) instanceof OFFlowMod fm && managedApps.contains(appOf(fm.getCookie()))) {
                DatapathId dpid = e.sw().id();
                String err = ErrorText.describe(e.error());
                control.execute(() -> flowModFailed(dpid, fm, err));
            }
            return Disposition.CONTINUE;
        });
        if (!auditInterval.isZero()) {
            control.schedule(this::auditAll, auditInterval.toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    /**
     * Hold back deletes and modifications until {@code ready} completes (or {@code max} passes),
     * then reconcile every switch once against the complete desired state.
     */
    public void holdUntil(CompletableFuture<?> ready, Duration max) {
        control.execute(() -> holding = true);
        ready.whenComplete((v, t) -> control.execute(() -> release("every transport node reported")));
        control.schedule(() -> release("startup hold of " + max.toMillis() + " ms over"), max.toNanos(),
                TimeUnit.NANOSECONDS);
    }

    private void release(String why) {
        if (!holding) {
            return;
        }
        holding = false;
        log.info("reconciling every switch now: {}", why);
        for (SwitchState s : states.values()) {
            if (s.sw != null && s.synced) {
                assess(s, s.installed, "after start");
                s.dirty.addAll(s.desired.keySet());
                s.dirty.addAll(s.installed.keySet());
                pass(s);
                publish(s);
            }
        }
    }

    private static int appOf(U64 cookie) {
        return (int) (cookie.getValue() >>> 52);
    }

    /** The flow service for one app. */
    public FlowService forApp(AppCookie app) {
        managedApps.add(app.appId());
        return new AppFlows(app);
    }

    public Map<DatapathId, Stats> stats() {
        return Map.copyOf(stats);
    }

    /**
     * Completes when what is queued on the control lane now has run, and every connected switch
     * has confirmed (barrier) what was sent to it. For tests, demos and convergence measurements.
     */
    public CompletableFuture<Void> quiesce() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        control.execute(() -> {
            List<CompletableFuture<Void>> all = new ArrayList<>();
            for (SwitchState s : states.values()) {
                if (s.passScheduled) {
                    pass(s);
                }
                if (s.sw != null) {
                    all.add(s.lastBarrier);
                }
            }
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).whenComplete((v, t) -> done.complete(null));
        });
        return done;
    }

    /**
     * Run the passes that are due now, and complete when the switches that had something to
     * confirm (sent now, or sent earlier and not yet confirmed) have answered their barriers.
     * Inline when called on the control lane, so it covers what the caller just declared.
     */
    public CompletableFuture<dev.weft.api.flow.SyncReport> report() {
        CompletableFuture<dev.weft.api.flow.SyncReport> done = new CompletableFuture<>();
        run(() -> {
            Map<DatapathId, Integer> mods = new HashMap<>();
            Map<DatapathId, CompletableFuture<Long>> waits = new HashMap<>();
            for (SwitchState s : states.values()) {
                if (s.sw == null) {
                    continue;
                }
                int n = s.passScheduled || !s.dirty.isEmpty() ? pass(s) : 0;
                if (n > 0) {
                    mods.put(s.dpid, n);
                }
                if (n > 0 || !s.lastConfirmed.isDone()) {
                    waits.put(s.dpid, s.lastConfirmed); // sent now, or earlier and still unconfirmed
                }
            }
            long sent = System.nanoTime();
            CompletableFuture.allOf(waits.values().toArray(CompletableFuture[]::new)).whenComplete((v, t) -> {
                Map<DatapathId, Long> at = new HashMap<>();
                Set<DatapathId> failed = new HashSet<>();
                waits.forEach((dpid, f) -> {
                    long when = f.getNow(-1L);
                    if (when < 0) {
                        failed.add(dpid);
                    } else {
                        at.put(dpid, when);
                    }
                });
                done.complete(new dev.weft.api.flow.SyncReport(mods, at, failed, sent));
            });
        });
        return done;
    }

    /**
     * What is desired and installed on a switch, entry by entry, with the owning app: a snapshot
     * taken on the control lane (empty when the reconciler has never heard of the switch). For
     * the REST API; any thread.
     */
    public CompletableFuture<java.util.Optional<FlowTableView>> flowTable(DatapathId dpid) {
        CompletableFuture<java.util.Optional<FlowTableView>> done = new CompletableFuture<>();
        control.execute(() -> {
            SwitchState s = states.get(dpid);
            if (s == null) {
                done.complete(java.util.Optional.empty());
                return;
            }
            Set<FlowKey> keys = new HashSet<>(s.desired.keySet());
            keys.addAll(s.installed.keySet());
            List<FlowTableView.Entry> entries = new ArrayList<>();
            for (FlowKey k : keys) {
                Desired d = s.desired.get(k);
                Installed i = s.installed.get(k);
                entries.add(new FlowTableView.Entry(k.table(), k.priority(), k.match(),
                        java.util.Optional.ofNullable(d).map(x -> new FlowTableView.Desired(x.appId(), x.scope(),
                                x.cookie(), x.spec().instructions())),
                        java.util.Optional.ofNullable(i).map(x -> new FlowTableView.Installed(x.cookie(),
                                x.instructions()))));
            }
            entries.sort(java.util.Comparator.comparingInt((FlowTableView.Entry e) -> e.table().getValue())
                    .thenComparing(e -> -e.priority()).thenComparing(e -> e.match().toString()));
            Stats st = new Stats(s.flowMods, s.adopted, s.repaired, s.errors, s.desired.size(), s.installed.size());
            done.complete(java.util.Optional.of(new FlowTableView(dpid, s.sw != null, s.synced, holding, st,
                    entries)));
        });
        return done;
    }

    private SwitchState state(DatapathId dpid) {
        return states.computeIfAbsent(dpid, SwitchState::new);
    }

    // ---- desired state ------------------------------------------------------------------------

    private final class AppFlows implements FlowService {
        private final AppCookie app;

        AppFlows(AppCookie app) {
            this.app = app;
        }

        @Override
        public void setDesired(DatapathId dpid, int scope, Collection<FlowSpec> flows) {
            List<FlowSpec> copy = List.copyOf(flows);
            run(() -> declare(dpid, app, scope, copy));
        }

        @Override
        public void clear(DatapathId dpid) {
            run(() -> {
                SwitchState s = state(dpid);
                for (ScopeKey k : List.copyOf(s.scopes.keySet())) {
                    if (k.appId() == app.appId()) {
                        declare(dpid, app, k.scope(), List.of());
                    }
                }
            });
        }

        @Override
        public CompletableFuture<Void> sync() {
            return quiesce();
        }

        @Override
        public CompletableFuture<dev.weft.api.flow.SyncReport> syncReport() {
            return report();
        }

        @Override
        public Map<Integer, Collection<FlowSpec>> desired(DatapathId dpid) {
            CompletableFuture<Map<Integer, Collection<FlowSpec>>> f = new CompletableFuture<>();
            control.execute(() -> {
                Map<Integer, Collection<FlowSpec>> m = new LinkedHashMap<>();
                SwitchState s = states.get(dpid);
                if (s != null) {
                    s.scopes.forEach((k, v) -> {
                        if (k.appId() == app.appId()) {
                            m.put(k.scope(), List.copyOf(v.values()));
                        }
                    });
                }
                f.complete(m);
            });
            return f.join();
        }
    }

    private void run(Runnable r) {
        if (control.inLane()) {
            r.run();
        } else {
            control.execute(r);
        }
    }

    private void declare(DatapathId dpid, AppCookie app, int scope, List<FlowSpec> flows) {
        SwitchState s = state(dpid);
        ScopeKey sk = new ScopeKey(app.appId(), scope);
        Map<FlowKey, FlowSpec> next = new HashMap<>();
        for (FlowSpec f : flows) {
            next.put(FlowKey.of(f), f);
        }
        Map<FlowKey, FlowSpec> prev = next.isEmpty() ? s.scopes.remove(sk) : s.scopes.put(sk, next);
        U64 cookie = app.withNetwork(Math.max(0, Math.min(scope, AppCookie.MAX_NETWORK))).toU64();
        if (prev != null) {
            for (FlowKey k : prev.keySet()) {
                if (!next.containsKey(k)) {
                    Desired d = s.desired.get(k);
                    if (d != null && d.appId() == app.appId() && d.scope() == scope) {
                        s.desired.remove(k);
                        s.dirty.add(k);
                    }
                }
            }
        }
        for (var e : next.entrySet()) {
            Desired d = new Desired(e.getValue(), cookie, app.appId(), scope);
            Desired old = s.desired.put(e.getKey(), d);
            if (old != null && (old.appId() != d.appId() || old.scope() != d.scope())) {
                log.warn("{} flow {} is wanted by app {} scope {} and app {} scope {}; the latter wins", dpid,
                        e.getKey(), old.appId(), old.scope(), d.appId(), d.scope());
            }
            if (old == null || !old.equals(d)) {
                s.dirty.add(e.getKey());
            }
        }
        schedulePass(s);
    }

    private void schedulePass(SwitchState s) {
        if (!s.passScheduled && !s.dirty.isEmpty()) {
            s.passScheduled = true;
            control.execute(() -> pass(s));
        }
    }

    // ---- reconciling ---------------------------------------------------------------------------

    /** Send a switch its delta and a barrier; returns the number of flow-mods sent. */
    private int pass(SwitchState s) {
        s.passScheduled = false;
        Switch sw = s.sw;
        if (sw == null || !s.synced || s.dirty.isEmpty()) {
            return 0;
        }
        OFFactory f = sw.factory();
        List<OFMessage> out = new ArrayList<>();
        List<FlowKey> done = new ArrayList<>();
        for (FlowKey k : s.dirty) {
            Desired want = s.desired.get(k);
            Installed have = s.installed.get(k);
            if (holding && (want == null || have != null)) {
                continue; // only add what is missing until the view is complete
            }
            done.add(k);
            if (want != null) {
                FlowSpec spec = want.spec();
                if (have == null || !have.cookie().equals(want.cookie())) {
                    out.add(f.buildFlowAdd().setTableId(spec.table()).setPriority(spec.priority())
                            .setMatch(spec.match()).setInstructions(spec.instructions()).setCookie(want.cookie())
                            .build());
                } else if (!Instructions.same(have.instructions(), spec.instructions())) {
                    out.add(f.buildFlowModifyStrict().setTableId(spec.table()).setPriority(spec.priority())
                            .setMatch(spec.match()).setInstructions(spec.instructions()).setCookie(want.cookie())
                            .setCookieMask(U64.NO_MASK).build());
                } else {
                    continue;
                }
                s.installed.put(k, new Installed(want.cookie(), spec.instructions()));
            } else if (have != null) {
                out.add(f.buildFlowDeleteStrict().setTableId(k.table()).setPriority(k.priority())
                        .setMatch(k.match()).setCookie(have.cookie()).setCookieMask(U64.NO_MASK)
                        .setOutPort(OFPort.ANY).setOutGroup(OFGroup.ANY).build());
                s.installed.remove(k);
            }
        }
        if (holding) {
            done.forEach(s.dirty::remove);
        } else {
            s.dirty.clear();
        }
        if (out.isEmpty()) {
            return 0;
        }
        s.flowMods += out.size();
        sw.execute(() -> out.forEach(sw::send));
        CompletableFuture<Long> confirmed = sw.barrier().handle((r, t) -> {
            if (t != null) {
                log.warn("{} barrier after {} flow-mods failed: {}", s.dpid, out.size(), t.getMessage());
                return -1L;
            }
            return System.nanoTime(); // when the reply arrived: convergence measurements
        });
        s.lastConfirmed = confirmed;
        s.lastBarrier = confirmed.thenApply(x -> null);
        timed(s.dpid, confirmed);
        log.debug("{} sent {} flow-mods", s.dpid, out.size());
        publish(s);
        return out.size();
    }

    private void connected(Switch sw) {
        if (managedApps.isEmpty()) {
            return;
        }
        SwitchState s = state(sw.id());
        if (sw.version().compareTo(OFVersion.OF_13) < 0) {
            if (!s.desired.isEmpty()) {
                log.error("{} speaks OpenFlow {}; the flows declared for it need 1.3 or later (set "
                        + "protocols=OpenFlow13 on the bridge)", sw.id(), sw.version());
            }
            return;
        }
        s.sw = sw;
        s.synced = false;
        long gen = ++s.generation;
        readFlows(s, gen, "connect");
    }

    /**
     * Read a switch's entries again and reconcile against what is there, as at connect: what an
     * instance of a cluster does when it becomes master of a switch (while it was a slave, nothing
     * it decided reached the switch). Adopts what is right; sends only what differs.
     */
    public void resync(DatapathId dpid) {
        control.execute(() -> {
            SwitchState s = states.get(dpid);
            if (s != null && s.sw != null) {
                s.synced = false;
                readFlows(s, ++s.generation, "mastership");
            }
        });
    }

    private void readFlows(SwitchState s, long gen, String why) {
        Switch sw = s.sw;
        sw.requestStats(sw.factory().buildFlowStatsRequest().setTableId(TableId.ALL).setOutPort(OFPort.ANY)
                        .setOutGroup(OFGroup.ANY).setCookie(U64.ZERO).setCookieMask(U64.ZERO).build())
                .whenComplete((parts, t) -> control.execute(() -> {
                    if (s.generation != gen || s.sw != sw) {
                        return; // a newer connection took over
                    }
                    if (t != null) {
                        log.warn("{} could not read flows on {}: {}", s.dpid, why, t.getMessage());
                        return;
                    }
                    flowsRead(s, parts, why);
                }));
    }

    private void flowsRead(SwitchState s, List<OFFlowStatsReply> parts, String why) {
        Map<FlowKey, Installed> actual = new HashMap<>();
        for (OFFlowStatsReply r : parts) {
            for (OFFlowStatsEntry e : r.getEntries()) {
                if (managedApps.contains(appOf(e.getCookie()))) {
                    actual.put(FlowKey.of(e.getTableId(), e.getPriority(), e.getMatch()),
                            new Installed(e.getCookie(), e.getInstructions()));
                }
            }
        }
        boolean first = !s.synced;
        Set<FlowKey> keys = new HashSet<>(s.desired.keySet());
        keys.addAll(actual.keySet());
        keys.addAll(s.installed.keySet());
        s.installed.clear();
        s.installed.putAll(actual);
        s.dirty.addAll(keys);
        s.synced = true;
        if (holding) {
            log.info("{} flows read on {}: {} entries of ours in place; only adding what is missing until "
                    + "every transport node has reported", s.dpid, why, actual.size());
        } else {
            int wrong = assess(s, actual, why);
            if (!first && wrong > 0) {
                s.repaired += wrong;
                log.warn("{} audit found {} entries out of line (drift); repairing", s.dpid, wrong);
            }
        }
        pass(s);
        publish(s);
    }

    /** Compare a switch's entries with the desired ones; log (and count) what was adopted. Returns how many differ. */
    private int assess(SwitchState s, Map<FlowKey, Installed> actual, String why) {
        Set<FlowKey> keys = new HashSet<>(s.desired.keySet());
        keys.addAll(actual.keySet());
        int right = 0;
        int wrong = 0;
        for (FlowKey k : keys) {
            Desired d = s.desired.get(k);
            Installed a = actual.get(k);
            boolean ok = d != null && a != null && a.cookie().equals(d.cookie())
                    && Instructions.same(a.instructions(), d.spec().instructions());
            if (ok) {
                right++;
            } else if (d != null || a != null) {
                wrong++;
                if (log.isDebugEnabled() && wrong <= 5) {
                    log.debug("{} {} on {}: wanted {} {}, found {} {}", s.dpid, k, why,
                            d == null ? "nothing" : d.cookie(), d == null ? "" : d.spec().instructions(),
                            a == null ? "nothing" : a.cookie(), a == null ? "" : a.instructions());
                }
            }
        }
        if (!"audit".equals(why)) {
            s.adopted += right;
            log.info("{} reconciled ({}): {} entries already right (adopted), {} to fix", s.dpid, why, right, wrong);
        }
        return wrong;
    }

    private void disconnected(Switch sw) {
        SwitchState s = states.get(sw.id());
        if (s != null && s.sw == sw) {
            s.sw = null;
            s.synced = false;
            s.generation++;
            if (s.scopes.isEmpty() && s.desired.isEmpty()) {
                // Nothing declared for it: nothing to restore when it returns. Forget it, so that
                // what is kept is bounded by what apps declare, not by every datapath id ever seen.
                states.remove(sw.id());
                stats.remove(sw.id());
            }
        }
    }

    private void flowModFailed(DatapathId dpid, OFFlowMod fm, String err) {
        SwitchState s = states.get(dpid);
        if (s == null) {
            return;
        }
        FlowKey k = FlowKey.of(fm.getTableId(), fm.getPriority(), fm.getMatch());
        s.errors++;
        Desired d = s.desired.get(k);
        log.warn("{} rejected {} of {} (app {}, network {}): {}", dpid, fm.getCommand(), k,
                appOf(fm.getCookie()), AppCookie.of(fm.getCookie()).network(), err);
        // We no longer know what is there; the next audit reads it and tries again.
        s.installed.remove(k);
        if (d == null) {
            publish(s);
        }
        publish(s);
    }

    private void auditAll() {
        for (SwitchState s : states.values()) {
            if (s.sw != null && s.synced) {
                readFlows(s, s.generation, "audit");
            }
        }
        control.schedule(this::auditAll, auditInterval.toNanos(), TimeUnit.NANOSECONDS);
    }

    private void publish(SwitchState s) {
        stats.put(s.dpid, new Stats(s.flowMods, s.adopted, s.repaired, s.errors, s.desired.size(), s.installed.size()));
    }
}
