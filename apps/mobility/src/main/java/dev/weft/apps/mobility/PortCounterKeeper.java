package dev.weft.apps.mobility;

import dev.weft.api.AppContext;
import dev.weft.api.Switch;
import dev.weft.api.tenant.LogicalPort;
import dev.weft.api.tenant.PortLocation;
import dev.weft.api.tenant.TenantService;
import dev.weft.apps.mobility.api.PortCounters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A logical port's counters across its moves: what it counted at each place it left (read from
 * that switch as it leaves) plus what it counts where it is now. Reads from any thread.
 */
final class PortCounterKeeper {
    private static final Logger log = LoggerFactory.getLogger(PortCounterKeeper.class);

    private final AppContext ctx;
    private final TenantService tenants;
    /** What each port counted at the places it left. */
    private final Map<String, PortCounters> base = new ConcurrentHashMap<>();
    /** Reads of a left place still under way: a counters() call waits for them. */
    private final Map<String, CompletableFuture<Void>> capturing = new ConcurrentHashMap<>();

    PortCounterKeeper(AppContext ctx, TenantService tenants) {
        this.ctx = ctx;
        this.tenants = tenants;
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
                base.merge(p.name(), c, PortCounters::plus);
            }
            return null;
        });
        capturing.compute(p.name(), (k, old) -> old == null || old.isDone() ? done : CompletableFuture.allOf(old, done));
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
}
