package dev.weft.console;

import dev.weft.api.tenant.LogicalPort;
import dev.weft.api.tenant.NetworkConfig;
import dev.weft.api.tenant.TenantService;
import dev.weft.apps.mobility.api.MobilityService;
import dev.weft.apps.mobility.api.PortCounters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Reads every logical port's counters from the hypervisors' flow statistics every
 * {@code interval} ({@link MobilityService#allCounters}: two flow-stats requests per hypervisor),
 * on the console's thread; the requests go out on the switches' lanes like any other, and
 * nothing there waits for the answer. One read at a time: a read that takes longer than the
 * interval delays the next. Each result goes to the listeners (metrics, usage, the page).
 */
final class TrafficPoller {
    private static final Logger log = LoggerFactory.getLogger(TrafficPoller.class);

    private final Optional<MobilityService> mobility;
    private final TenantService tenants;
    private final Clock clock;
    private final Duration interval;
    private final ScheduledExecutorService executor;
    private final Consumer<Traffic> listener;
    private volatile Traffic last = Traffic.NONE;
    private final AtomicLong reads = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private volatile long lastReadNanos;
    /** Console thread only. */
    private boolean reading;

    TrafficPoller(Optional<MobilityService> mobility, TenantService tenants, Clock clock, Duration interval,
                  ScheduledExecutorService executor, Consumer<Traffic> listener) {
        this.mobility = mobility;
        this.tenants = tenants;
        this.clock = clock;
        this.interval = interval;
        this.executor = executor;
        this.listener = listener;
    }

    void start() {
        if (mobility.isEmpty()) {
            log.info("traffic per tenant and port is not counted: no mobility app (it keeps the counters)");
            return;
        }
        executor.scheduleWithFixedDelay(this::poll, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Console thread. */
    void poll() {
        if (reading || mobility.isEmpty()) {
            return;
        }
        reading = true;
        long start = System.nanoTime();
        CompletableFuture<Map<String, PortCounters>> f;
        try {
            f = mobility.get().allCounters();
        } catch (RuntimeException e) {
            f = CompletableFuture.failedFuture(e);
        }
        f.orTimeout(Math.max(30, interval.toSeconds()), TimeUnit.SECONDS).whenCompleteAsync((all, t) -> {
            reading = false;
            lastReadNanos = System.nanoTime() - start;
            if (t != null) {
                if (failures.incrementAndGet() % 10 == 1) {
                    log.warn("flow statistics could not be read for traffic counts: {}", t.toString());
                }
                return;
            }
            reads.incrementAndGet();
            Traffic now = summarise(tenants.config(), all, clock.instant(), last);
            last = now;
            try {
                listener.accept(now);
            } catch (RuntimeException e) {
                log.warn("a traffic listener failed", e);
            }
        }, executor);
    }

    /** Pure: counters by port into the snapshot, with rates against {@code before}. */
    static Traffic summarise(NetworkConfig cfg, Map<String, PortCounters> all, Instant at, Traffic before) {
        double seconds = before.available() ? Duration.between(before.at(), at).toNanos() / 1e9 : 0;
        Map<String, Traffic.Port> ports = new LinkedHashMap<>();
        Map<String, PortCounters> sums = new LinkedHashMap<>();
        Map<String, double[]> rates = new LinkedHashMap<>();
        Map<String, Boolean> complete = new LinkedHashMap<>();
        cfg.tenants().forEach(t -> {
            sums.put(t.name(), PortCounters.ZERO);
            rates.put(t.name(), new double[2]);
            complete.put(t.name(), true);
        });
        for (LogicalPort p : cfg.ports()) {
            Traffic.Port prev = before.ports().get(p.name());
            PortCounters c = all.get(p.name());
            boolean fresh = c != null;
            boolean known = fresh || prev != null && prev.known();
            if (c == null) {
                c = prev != null ? prev.counters() : PortCounters.ZERO;
            }
            if (!known) {
                complete.put(p.tenant(), false);
            }
            double tx = 0;
            double rx = 0;
            if (fresh && prev != null && seconds > 0) {
                tx = Math.max(0, c.txBytes() - prev.counters().txBytes()) / seconds;
                rx = Math.max(0, c.rxBytes() - prev.counters().rxBytes()) / seconds;
            }
            ports.put(p.name(), new Traffic.Port(p.tenant(), p.network(), c, tx, rx, fresh, known));
            sums.merge(p.tenant(), c, PortCounters::plus);
            double[] r = rates.computeIfAbsent(p.tenant(), k -> new double[2]);
            r[0] += tx;
            r[1] += rx;
        }
        Map<String, Traffic.Sum> tenants = new LinkedHashMap<>();
        sums.forEach((t, c) -> tenants.put(t, new Traffic.Sum(c, rates.get(t)[0], rates.get(t)[1],
                complete.getOrDefault(t, true))));
        return new Traffic(at, true, ports, tenants);
    }

    Traffic last() {
        return last;
    }

    long reads() {
        return reads.get();
    }

    long failures() {
        return failures.get();
    }

    double lastReadSeconds() {
        return lastReadNanos / 1e9;
    }
}
