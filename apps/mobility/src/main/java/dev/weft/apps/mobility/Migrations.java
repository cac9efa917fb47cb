package dev.weft.apps.mobility;

import dev.weft.api.AppContext;
import dev.weft.api.event.HostMoved;
import dev.weft.api.event.LogicalPortMoved;
import dev.weft.api.event.PacketIn;
import dev.weft.api.flow.FlowService;
import dev.weft.api.flow.SyncReport;
import dev.weft.api.tenant.LogicalPort;
import dev.weft.api.tenant.Migration;
import dev.weft.api.tenant.MigrationSteps;
import dev.weft.api.tenant.PortLocation;
import dev.weft.api.tenant.TenantService;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.OFPort;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What follows a location the {@link PortTracker} decided (control lane): once the flows of the new
 * place are confirmed ({@link FlowService#syncReport}), the migration is measured from the message
 * that revealed it to the last barrier reply, kept in the {@link MigrationHistory}, logged in one
 * line and published as {@link LogicalPortMoved}; the frame that announced the VM goes on through
 * the new place. Moves of hosts without a binding are kept in the history as they are seen.
 */
final class Migrations {
    private static final Logger log = LoggerFactory.getLogger(Migrations.class);

    private final AppContext ctx;
    private final FlowService flows;
    private final TenantService tenants;
    private final MigrationHistory history;
    private final NodeNames names;
    private final AtomicLong sequence = new AtomicLong();
    /** Ports that left their place: the report of their entries' removal, counted in the next move. */
    private final Map<String, Window> detached = new HashMap<>();
    /**
     * Ports waiting at a second place (dual presence): the report of the entries that watch for
     * their first frame there, counted in the move they lead to (shared when several ports began
     * waiting in one batch).
     */
    private final Map<String, Window> watched = new HashMap<>();

    /**
     * Flow-mods counted from a reading of the switches' totals ({@code start}) to the reading taken
     * once that change was confirmed ({@code sent}, complete from then on). A move that follows
     * before {@code sent} is complete counts from {@code start} itself instead, so no flow-mod is
     * counted twice.
     */
    private record Window(Optional<Map<DatapathId, Long>> start, CompletableFuture<Map<DatapathId, Integer>> sent) {
    }

    Migrations(AppContext ctx, FlowService flows, TenantService tenants, MigrationHistory history, NodeNames names) {
        this.ctx = ctx;
        this.flows = flows;
        this.tenants = tenants;
        this.history = history;
        this.names = names;
        sequence.set(history.lastSequence());
    }

    /**
     * Control lane: the core has relocated {@code l}'s port (decided at {@code decidedNanos});
     * {@code replay} is the frame that showed it, or null.
     */
    void located(PortTracker.Locate l, PacketIn replay, long decidedNanos, String decidedOn) {
        if (flows == null) {
            return;
        }
        LogicalPort p = l.port();
        if (l.isMigration()) {
            long seq = sequence.incrementAndGet();
            // Read before any pass of this move runs (passes are queued behind this task).
            Optional<Map<DatapathId, Long>> start = flows.flowModsSent();
            List<Map<DatapathId, Integer>> earlier = new java.util.ArrayList<>();
            for (Window w : java.util.Arrays.asList(detached.remove(p.name()), watched.remove(p.name()))) {
                Map<DatapathId, Integer> done = w == null ? null : w.sent().getNow(null);
                if (done != null) {
                    earlier.add(done);
                } else if (w != null && w.start().isPresent() && start.isPresent()) {
                    start = Optional.of(earliest(start.get(), w.start().get()));
                }
            }
            Optional<Map<DatapathId, Long>> from = start;
            // Deferred: the tenant apps have queued their recompilation of this network; this runs
            // after it, so the report covers what they declared.
            ctx.defer(() -> flows.syncReport().whenComplete((r, t) -> ctx.defer(() -> {
                finish(seq, l, r, sentSince(from, r), earlier, decidedNanos, decidedOn);
                replay(replay, p);
            })));
        } else if (replay != null) {
            ctx.defer(() -> flows.syncReport().whenComplete((r, t) -> replay(replay, p)));
        } else if (l.to().isEmpty() && l.from().isPresent()) {
            CompletableFuture<Map<DatapathId, Integer>> gone = new CompletableFuture<>();
            Optional<Map<DatapathId, Long>> start = flows.flowModsSent();
            detached.put(p.name(), new Window(start, gone));
            ctx.defer(() -> flows.syncReport().whenComplete((r, t) -> ctx.defer(() -> gone.complete(sentSince(start, r)))));
        } else {
            detached.remove(p.name());
        }
    }

    /**
     * Control lane: these ports began waiting at a second place, whose watching entries have just
     * been declared; the pass that sends them is counted in their move, if one follows.
     */
    void watching(java.util.Collection<LogicalPort> ports) {
        if (flows == null || ports.isEmpty()) {
            return;
        }
        // Read now, on the lane: the pass the declaration queued has not run yet.
        Optional<Map<DatapathId, Long>> start = flows.flowModsSent();
        CompletableFuture<Map<DatapathId, Integer>> sent = new CompletableFuture<>();
        flows.syncReport().whenComplete((r, t) -> ctx.defer(() -> sent.complete(sentSince(start, r))));
        ports.forEach(p -> watched.put(p.name(), new Window(start, sent)));
    }

    /**
     * Control lane: the flow-mods each switch was sent from {@code start} until now, whichever pass
     * sent them (the reconciler may send a change in a pass of its own before a report runs); where
     * the flow service does not count, what the report's own pass sent.
     */
    private Map<DatapathId, Integer> sentSince(Optional<Map<DatapathId, Long>> start, SyncReport r) {
        Optional<Map<DatapathId, Long>> now = flows.flowModsSent();
        if (start.isEmpty() || now.isEmpty()) {
            return r == null ? Map.of() : r.flowMods();
        }
        Map<DatapathId, Integer> out = new HashMap<>();
        now.get().forEach((dpid, n) -> {
            long d = n - start.get().getOrDefault(dpid, 0L);
            if (d > 0) {
                out.put(dpid, (int) d);
            }
        });
        return out;
    }

    /** Control lane: these ports no longer wait anywhere without having moved there. */
    void notWatching(java.util.Collection<String> ports) {
        ports.forEach(watched::remove);
    }

    private static Map<DatapathId, Long> earliest(Map<DatapathId, Long> a, Map<DatapathId, Long> b) {
        Map<DatapathId, Long> out = new HashMap<>(a);
        out.replaceAll((dpid, n) -> Math.min(n, b.getOrDefault(dpid, 0L)));
        b.forEach((dpid, n) -> out.putIfAbsent(dpid, 0L));
        return out;
    }

    private void finish(long seq, PortTracker.Locate l, SyncReport r, Map<DatapathId, Integer> sent,
                        List<Map<DatapathId, Integer>> earlier, long decidedNanos, String decidedOn) {
        long now = System.nanoTime();
        SyncReport report = r == null ? SyncReport.EMPTY : r;
        Duration took = Duration.ofNanos(Math.max(0, report.lastConfirmedNanos(now) - l.seen().nanos()));
        Duration mine = Duration.ofNanos(Math.max(0, (report.sentNanos() == 0 ? now : report.sentNanos())
                - l.seen().nanos()));
        Map<DatapathId, Integer> mods = new HashMap<>(sent);
        earlier.forEach(e -> e.forEach((d, n) -> mods.merge(d, n, Integer::sum)));
        LogicalPort p = l.port();
        Migration m = new Migration(seq, Migration.Kind.LOGICAL_PORT, p.name(), p.tenant() + "/" + p.network(),
                p.mac(), l.last(), l.to().orElseThrow(), l.seen().cause(), l.seen().at(), Optional.of(took),
                Optional.of(mine), mods,
                r == null ? Set.copyOf(mods.keySet()) : report.failed());
        history.add(m);
        log.info("migration {}: {} ({}) {} -> {} ({}): converged in {} ms (controller {} ms); flow-mods {}{}", seq,
                p.name(), m.network(), names.where(l.last().orElseThrow()), names.where(m.to()), m.cause(),
                String.format(Locale.ROOT, "%.2f", took.toNanos() / 1e6),
                String.format(Locale.ROOT, "%.2f", mine.toNanos() / 1e6), names.flowMods(mods),
                m.unconfirmed().isEmpty() ? "" : "; not confirmed by " + names.nodes(m.unconfirmed()));
        MigrationSteps steps = new MigrationSteps(l.seen().nanos(), decidedNanos, report.sentNanos(),
                report.writtenNanos(), report.confirmedNanos(), l.seen().on(), decidedOn, report.writtenOn());
        if (log.isDebugEnabled()) {
            log.debug("migration {} steps after {}: read on {}, decided {} on {}, flow-mods handed over {}, written {}, "
                    + "confirmed {}; hand-overs to {}'s batch: {}", seq, m.cause(), l.seen().on(),
                    since(l.seen().nanos(), decidedNanos), decidedOn, since(l.seen().nanos(), report.sentNanos()),
                    perSwitch(l.seen().nanos(), report.writtenNanos()),
                    perSwitch(l.seen().nanos(), report.confirmedNanos()), names.where(m.to()),
                    steps.handOffs(m.to().dpid()));
        }
        ctx.publish(new LogicalPortMoved(m, Optional.of(steps)));
    }

    private static String since(long from, long to) {
        return to <= 0 ? "-" : String.format(Locale.ROOT, "%+.2f ms", (to - from) / 1e6);
    }

    private String perSwitch(long from, Map<DatapathId, Long> at) {
        StringBuilder b = new StringBuilder();
        at.entrySet().stream().sorted(Map.Entry.comparingByValue()).forEach(e -> b.append(b.isEmpty() ? "" : ", ")
                .append(names.node(e.getKey())).append(' ').append(since(from, e.getValue())));
        return b.isEmpty() ? "-" : b.toString();
    }

    /**
     * The frame that showed where the VM is (its gratuitous ARP, RARP or first frame) was taken
     * to the controller; now that its new location is programmed, it goes on as if it had just
     * arrived there (OFPP_TABLE), so the VM loses nothing by having announced itself.
     */
    private void replay(PacketIn e, LogicalPort p) {
        // Not when the port has been put elsewhere meanwhile (in a cluster, by a newer decision of
        // another instance): its frame would only be taken for a new announcement there.
        if (e != null && e.sw().isConnected() && tenants != null && tenants.location(p.name())
                .equals(Optional.of(new PortLocation(e.sw().id(), e.inPort())))) {
            e.packetOut(List.of(e.sw().factory().actions().output(OFPort.TABLE, 0xffff))).ifPresent(e.sw()::send);
        }
    }

    /** A host without a binding moved (learning-switch and forwarding worlds): kept in the history. */
    void hostMoved(HostMoved e) {
        DatapathId dpid = e.host().location().dpid();
        if (tenants != null && tenants.config().node(dpid).isPresent()) {
            return; // a hypervisor: its VMs are logical ports, followed by the tracker
        }
        PortLocation from = new PortLocation(e.previous().dpid(), e.previous().port());
        PortLocation to = new PortLocation(dpid, e.host().location().port());
        history.add(new Migration(sequence.incrementAndGet(), Migration.Kind.HOST, e.host().mac().toString(), "",
                e.host().mac(), Optional.of(from), to, "host seen at " + to, ctx.clock().instant(),
                Optional.empty(), Optional.empty(), Map.of(), Set.of()));
    }
}
