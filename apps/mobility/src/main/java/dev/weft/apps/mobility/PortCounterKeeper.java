package dev.weft.apps.mobility;

import dev.weft.api.AppContext;
import dev.weft.api.Switch;
import dev.weft.api.state.Journal;
import dev.weft.api.tenant.LogicalPort;
import dev.weft.api.tenant.NetworkConfig;
import dev.weft.api.tenant.PortLocation;
import dev.weft.api.tenant.TenantService;
import dev.weft.apps.mobility.api.PortCounters;
import org.projectfloodlight.openflow.types.DatapathId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A logical port's counters across its moves: what it counted at each place it left (read from
 * that switch as it leaves, and kept in a journal so that a restart loses none of it) plus what
 * it counts where it is now. Reads from any thread.
 */
final class PortCounterKeeper {
    private static final Logger log = LoggerFactory.getLogger(PortCounterKeeper.class);

    private final AppContext ctx;
    private final TenantService tenants;
    private final Journal journal;
    /** What each port counted at the places it left. */
    private final Map<String, PortCounters> base = new ConcurrentHashMap<>();
    /** Reads of a left place still under way: a counters() call waits for them. */
    private final Map<String, CompletableFuture<Void>> capturing = new ConcurrentHashMap<>();
    /** Records in the journal (guarded by this): rewritten with one per port when it grows. */
    private int inJournal;

    PortCounterKeeper(AppContext ctx, TenantService tenants, Journal journal) {
        this.ctx = ctx;
        this.tenants = tenants;
        this.journal = journal;
        for (String r : journal.records()) {
            try {
                StateCodec.PastCounters p = StateCodec.counters(r);
                base.put(p.port(), p.counters());
            } catch (IllegalArgumentException e) {
                log.warn("a counters record in the state journal could not be read and is skipped: {}", e.getMessage());
            }
        }
        inJournal = journal.records().size();
    }

    /** The port is leaving {@code at}: keep what it counted there. */
    void capture(LogicalPort p, PortLocation at) {
        Switch sw = ctx.switches().get(at.dpid()).orElse(null);
        if (sw == null || !sw.isConnected()) {
            log.debug("{} not connected: the counters of {} there are lost", at.dpid(), p.name());
            return;
        }
        CompletableFuture<Void> done = CounterReader.read(sw, p, at.port(), ctx.cookie().appId()).handle((c, t) -> {
            if (t != null) {
                log.warn("{} could not read the counters of {} at port {}: {}", at.dpid(), p.name(), at.port(),
                        t.getMessage());
            } else {
                keep(p.name(), c);
            }
            return null;
        });
        capturing.compute(p.name(), (k, old) -> old == null || old.isDone() ? done : CompletableFuture.allOf(old, done));
    }

    /** Add what a port counted at a place it left, in memory and in the journal. */
    private synchronized void keep(String port, PortCounters c) {
        PortCounters sum = base.merge(port, c, PortCounters::plus);
        journal.append(StateCodec.counters(port, sum));
        if (++inJournal >= 4 * base.size() + 64) {
            List<String> all = new ArrayList<>();
            base.forEach((k, v) -> all.add(StateCodec.counters(k, v)));
            journal.replace(all);
            inJournal = all.size();
        }
    }

    /** Everything the port has counted, wherever it was. */
    CompletableFuture<PortCounters> counters(String port) {
        if (tenants == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("no tenant configuration"));
        }
        Optional<LogicalPort> lp = tenants.config().port(port);
        if (lp.isEmpty()) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("no logical port " + port));
        }
        CompletableFuture<Void> inFlight = capturing.getOrDefault(port, CompletableFuture.completedFuture(null));
        return inFlight.thenCompose(v -> {
            PortCounters past = base.getOrDefault(port, PortCounters.ZERO);
            Optional<PortLocation> at = tenants.location(port);
            Switch sw = at.flatMap(l -> ctx.switches().get(l.dpid())).filter(Switch::isConnected).orElse(null);
            if (sw == null) {
                return CompletableFuture.completedFuture(past);
            }
            return CounterReader.read(sw, lp.get(), at.get().port(), ctx.cookie().appId()).thenApply(past::plus);
        });
    }

    /**
     * Every logical port's counters, in config order: two flow-stats reads per switch that has
     * located ports (its ingress and L2 tables), whatever the number of ports. A port is left out
     * when it cannot be counted exactly this time: it is not located (not plugged in, or its
     * hypervisor has not reported it yet after a start), its switch did not answer, or it moved
     * while the switches were being read (its old place's counts are then being taken into its
     * past).
     */
    CompletableFuture<Map<String, PortCounters>> all() {
        if (tenants == null) {
            return CompletableFuture.completedFuture(Map.of());
        }
        NetworkConfig cfg = tenants.config();
        Map<String, PortLocation> where = tenants.locations();
        Map<DatapathId, Map<PortLocation, LogicalPort>> bySwitch = new HashMap<>();
        for (LogicalPort p : cfg.ports()) {
            PortLocation l = where.get(p.name());
            if (l != null) {
                bySwitch.computeIfAbsent(l.dpid(), d -> new HashMap<>()).put(l, p);
            }
        }
        CompletableFuture<Void> inFlight = CompletableFuture.allOf(capturing.values().toArray(CompletableFuture[]::new))
                .exceptionally(t -> null);
        Map<DatapathId, CompletableFuture<Map<String, PortCounters>>> reads = new HashMap<>();
        bySwitch.forEach((dpid, here) -> {
            Switch sw = ctx.switches().get(dpid).filter(Switch::isConnected).orElse(null);
            reads.put(dpid, sw == null ? CompletableFuture.completedFuture(null)
                    : CounterReader.readAll(sw, here, ctx.cookie().appId()).exceptionally(t -> {
                        log.debug("{} flow statistics not read: {}", dpid, t.toString());
                        return null;
                    }));
        });
        return inFlight.thenCompose(v -> CompletableFuture.allOf(reads.values().toArray(CompletableFuture[]::new)))
                .thenApply(v -> {
                    Map<String, PortCounters> out = new LinkedHashMap<>();
                    for (LogicalPort p : cfg.ports()) {
                        PortLocation was = where.get(p.name());
                        if (was == null || !was.equals(tenants.location(p.name()).orElse(null))) {
                            continue; // not located, or moved meanwhile
                        }
                        Map<String, PortCounters> read = reads.get(was.dpid()).join();
                        if (read == null) {
                            continue; // its switch did not answer
                        }
                        out.put(p.name(), base.getOrDefault(p.name(), PortCounters.ZERO)
                                .plus(read.getOrDefault(p.name(), PortCounters.ZERO)));
                    }
                    return out;
                });
    }
}
