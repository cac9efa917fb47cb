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
import dev.weft.api.flow.SyncReport;
import dev.weft.core.dispatch.AppHandle;
import dev.weft.core.dispatch.EventBus;
import dev.weft.core.dispatch.Lane;
import org.projectfloodlight.openflow.protocol.OFFlowMod;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.U64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Keeps switches' flow tables at what the flow-service apps declare. Per switch it holds a
 * {@link FlowTableDiff} (the pure rules: delta, adoption, hold, drift) and uses a
 * {@link FlowProgrammer} to send the operations (one task on the switch's lane, then a barrier)
 * and to read entries back. Everything here runs on the control lane; it decides when: a pass
 * when a declaration changes something, a read when a switch connects and at every audit, the
 * startup hold until every transport node has reported.
 *
 * <p>Entries of other owners (other apps, the handshake's table-miss, a person's) are never
 * touched: only cookies of flow-service apps are read and written.
 */
public final class Reconciler {
    private static final Logger log = LoggerFactory.getLogger(Reconciler.class);

    private final Lane control;
    private final EventBus bus;
    private final Duration auditInterval;
    private final FlowProgrammer programmer = new FlowProgrammer();
    private final Set<Integer> managedApps = ConcurrentHashMap.newKeySet();
    private final Map<DatapathId, SwitchState> states = new HashMap<>();
    private final Map<DatapathId, Stats> stats = new ConcurrentHashMap<>();
    private final Map<DatapathId, PassTimes> passTimes = new ConcurrentHashMap<>();
    /**
     * After a start, until the controller has heard from every switch it programs, its view is
     * partial (a hypervisor that reconnects first does not yet know the VMs on the others): while
     * holding, only entries missing from a switch are added; nothing is modified or deleted.
     */
    private boolean holding;

    /** Counters per switch, for tests and the API. */
    public record Stats(long flowModsSent, long adopted, long repaired, long errors, int desired, int installed) {
    }

    private static final class SwitchState {
        final DatapathId dpid;
        final FlowTableDiff table = new FlowTableDiff();
        Switch sw;
        boolean synced;
        long generation;
        boolean passScheduled;
        /** Completes when the current connection's entries have been read (or it ended). */
        CompletableFuture<Void> firstRead = CompletableFuture.completedFuture(null);
        /** The last pass's barrier: completes with the reply's arrival (nanoTime), or -1 if it failed. */
        volatile CompletableFuture<Long> lastConfirmed = CompletableFuture.completedFuture(0L);
        /** When the last pass handed its batch to the switch's lane (nanoTime). */
        long lastHandedNanos;
        /** When the last pass's batch was written on the switch's lane (nanoTime), or -1. */
        volatile CompletableFuture<FlowProgrammer.Written> lastWritten =
                CompletableFuture.completedFuture(new FlowProgrammer.Written(0, ""));
        long flowMods;
        long adopted;
        long repaired;
        long errors;

        SwitchState(DatapathId dpid) {
            this.dpid = dpid;
        }

        Stats stats() {
            return new Stats(flowMods, adopted, repaired, errors, table.desiredCount(), table.installedCount());
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
            if (e.request().orElse(null) instanceof OFFlowMod fm
                    && managedApps.contains(FlowProgrammer.appOf(fm.getCookie()))) {
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
                logAssessment(s, s.table.assess(), "after start");
                s.table.touchAll();
                pass(s);
            }
        }
    }

    /** The flow service for one app. */
    public FlowService forApp(AppCookie app) {
        managedApps.add(app.appId());
        return new AppFlows(this, app);
    }

    public Map<DatapathId, Stats> stats() {
        return Map.copyOf(stats);
    }

    /** Control lane: the flow-mods sent to each switch so far (every app). */
    public Map<DatapathId, Long> flowModsSent() {
        Map<DatapathId, Long> m = new HashMap<>();
        states.forEach((dpid, s) -> m.put(dpid, s.flowMods));
        return m;
    }

    /** Per switch, how long its passes took (a switch appears after its first confirmed pass). */
    public Map<DatapathId, PassTimes> passTimes() {
        return Map.copyOf(passTimes);
    }

    /**
     * Completes when what is queued on the control lane now has run, every connected switch's
     * entries have been read, and every connected switch has confirmed (barrier) what was sent
     * to it. For tests, demos and convergence measurements.
     */
    public CompletableFuture<Void> quiesce() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        control.execute(() -> {
            List<CompletableFuture<?>> all = new ArrayList<>();
            for (SwitchState s : states.values()) {
                if (s.passScheduled) {
                    pass(s);
                }
                if (s.sw != null) {
                    all.add(s.firstRead.thenCompose(v -> s.lastConfirmed));
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
    public CompletableFuture<SyncReport> report() {
        CompletableFuture<SyncReport> done = new CompletableFuture<>();
        run(() -> {
            Map<DatapathId, Integer> mods = new HashMap<>();
            Map<DatapathId, CompletableFuture<Long>> waits = new HashMap<>();
            Map<DatapathId, CompletableFuture<FlowProgrammer.Written>> writes = new HashMap<>();
            for (SwitchState s : reachableFirst()) {
                int n = s.passScheduled || s.table.hasChanges() ? pass(s) : 0;
                if (n > 0) {
                    mods.put(s.dpid, n);
                }
                if (n > 0 || !s.lastConfirmed.isDone()) {
                    waits.put(s.dpid, s.lastConfirmed); // sent now, or earlier and still unconfirmed
                    writes.put(s.dpid, s.lastWritten);
                }
            }
            // The controller's part ends when the last of these batches was handed over (by this
            // report, or by a pass that ran before it).
            long sent = waits.keySet().stream().mapToLong(d -> states.get(d).lastHandedNanos).max()
                    .orElse(System.nanoTime());
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
                Map<DatapathId, Long> written = new HashMap<>();
                Map<DatapathId, String> writtenOn = new HashMap<>();
                writes.forEach((dpid, f) -> {
                    FlowProgrammer.Written w = f.getNow(FlowProgrammer.Written.NEVER);
                    if (w.nanos() > 0) {
                        written.put(dpid, w.nanos());
                        writtenOn.put(dpid, w.thread());
                    }
                });
                done.complete(new SyncReport(mods, at, failed, sent, written, writtenOn));
            });
        });
        return done;
    }

    /**
     * The connected switches in the order a report sends them their changes: those that gain or
     * change entries (a moved VM's new place, its peers) before those that only lose some (the
     * place it left): what makes it reachable is handed over first.
     */
    private List<SwitchState> reachableFirst() {
        List<SwitchState> gaining = new ArrayList<>();
        List<SwitchState> losing = new ArrayList<>();
        for (SwitchState s : states.values()) {
            if (s.sw != null) {
                (s.table.onlyDeletes() ? losing : gaining).add(s);
            }
        }
        gaining.addAll(losing);
        return gaining;
    }

    /**
     * What is desired and installed on a switch, entry by entry, with the owning app: a snapshot
     * taken on the control lane (empty when the reconciler has never heard of the switch). For
     * the REST API; any thread.
     */
    public CompletableFuture<Optional<FlowTableView>> flowTable(DatapathId dpid) {
        CompletableFuture<Optional<FlowTableView>> done = new CompletableFuture<>();
        control.execute(() -> {
            SwitchState s = states.get(dpid);
            done.complete(s == null ? Optional.empty() : Optional.of(new FlowTableView(dpid, s.sw != null,
                    s.synced, holding, s.stats(), s.table.entries())));
        });
        return done;
    }

    // ---- declarations (from AppFlows, any thread) ----------------------------------------------

    void declare(DatapathId dpid, AppCookie app, int scope, List<FlowSpec> flows) {
        run(() -> declareNow(dpid, app, scope, flows));
    }

    void clear(DatapathId dpid, AppCookie app) {
        run(() -> {
            SwitchState s = states.get(dpid);
            if (s != null) {
                for (int scope : s.table.scopesOf(app.appId())) {
                    declareNow(dpid, app, scope, List.of());
                }
            }
        });
    }

    private void run(Runnable r) {
        if (control.inLane()) {
            r.run();
        } else {
            control.execute(r);
        }
    }

    private void declareNow(DatapathId dpid, AppCookie app, int scope, List<FlowSpec> flows) {
        SwitchState s = states.computeIfAbsent(dpid, SwitchState::new);
        U64 cookie = app.withNetwork(Math.max(0, Math.min(scope, AppCookie.MAX_NETWORK))).toU64();
        for (FlowTableDiff.Conflict c : s.table.declare(app.appId(), scope, cookie, flows)) {
            log.warn("{} flow {} is wanted by app {} scope {} and app {} scope {}; the latter wins", dpid, c.key(),
                    c.before().appId(), c.before().scope(), c.now().appId(), c.now().scope());
        }
        if (!s.passScheduled && s.table.hasChanges()) {
            s.passScheduled = true;
            control.execute(() -> pass(s));
        }
    }

    // ---- passes and reads -----------------------------------------------------------------------

    /** Send a switch its delta and a barrier; returns the number of flow-mods sent. */
    private int pass(SwitchState s) {
        s.passScheduled = false;
        if (s.sw == null || !s.synced || !s.table.hasChanges()) {
            return 0;
        }
        List<FlowOp> ops = s.table.pass(holding);
        if (!ops.isEmpty()) {
            s.flowMods += ops.size();
            long sent = System.nanoTime();
            FlowProgrammer.Sent out = programmer.send(s.sw, ops);
            s.lastHandedNanos = out.handedNanos();
            CompletableFuture<Long> confirmed = out.confirmed();
            confirmed.thenAccept(at -> {
                if (at > 0) {
                    passTimes.computeIfAbsent(s.dpid, d -> new PassTimes()).add(at - sent);
                }
            });
            s.lastConfirmed = confirmed;
            s.lastWritten = out.written();
            log.debug("{} sent {} flow-mods", s.dpid, ops.size());
        }
        publish(s);
        return ops.size();
    }

    private void connected(Switch sw) {
        if (managedApps.isEmpty()) {
            return;
        }
        SwitchState s = states.computeIfAbsent(sw.id(), SwitchState::new);
        if (sw.version().compareTo(OFVersion.OF_13) < 0) {
            if (s.table.wantsAnything()) {
                log.error("{} speaks OpenFlow {}; the flows declared for it need 1.3 or later (set "
                        + "protocols=OpenFlow13 on the bridge)", sw.id(), sw.version());
            }
            return;
        }
        s.firstRead.complete(null);
        s.sw = sw;
        s.synced = false;
        s.firstRead = new CompletableFuture<>();
        readFlows(s, ++s.generation, "connect");
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
        programmer.read(sw, managedApps::contains).whenComplete((actual, t) -> control.execute(() -> {
            if (s.generation != gen || s.sw != sw) {
                return; // a newer connection took over
            }
            if (t != null) {
                log.warn("{} could not read flows on {}: {}", s.dpid, why, t.getMessage());
                s.firstRead.complete(null);
                return;
            }
            flowsRead(s, actual, why);
        }));
    }

    private void flowsRead(SwitchState s, Map<FlowKey, FlowTableDiff.Installed> actual, String why) {
        boolean first = !s.synced;
        FlowTableDiff.Assessment a = s.table.read(actual);
        s.synced = true;
        if (holding) {
            log.info("{} flows read on {}: {} entries of ours in place; only adding what is missing until "
                    + "every transport node has reported", s.dpid, why, actual.size());
        } else {
            logAssessment(s, a, why);
            if (!first && a.wrong() > 0) {
                s.repaired += a.wrong();
                log.warn("{} audit found {} entries out of line (drift); repairing", s.dpid, a.wrong());
            }
        }
        pass(s);
        publish(s);
        s.firstRead.complete(null);
    }

    private void logAssessment(SwitchState s, FlowTableDiff.Assessment a, String why) {
        if (!"audit".equals(why)) {
            s.adopted += a.right();
            log.info("{} reconciled ({}): {} entries already right (adopted), {} to fix", s.dpid, why, a.right(),
                    a.wrong());
        }
    }

    private void disconnected(Switch sw) {
        SwitchState s = states.get(sw.id());
        if (s != null && s.sw == sw) {
            s.sw = null;
            s.synced = false;
            s.generation++;
            s.firstRead.complete(null);
            if (!s.table.wantsAnything()) {
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
        log.warn("{} rejected {} of {} (app {}, network {}): {}", dpid, fm.getCommand(), k,
                FlowProgrammer.appOf(fm.getCookie()), AppCookie.of(fm.getCookie()).network(), err);
        s.table.failed(k); // what is there is unknown now; the next audit reads it and tries again
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
        stats.put(s.dpid, s.stats());
    }
}
