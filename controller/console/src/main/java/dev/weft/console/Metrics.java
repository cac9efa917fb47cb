package dev.weft.console;

import dev.weft.api.tenant.LogicalPort;
import dev.weft.api.tenant.Migration;
import dev.weft.api.tenant.NetworkConfig;
import dev.weft.api.tenant.TransportNode;
import dev.weft.apps.mobility.api.MobilityService;
import dev.weft.apps.mobility.api.PortCounters;
import dev.weft.core.Controller;
import dev.weft.core.dispatch.AppHandle;
import dev.weft.core.flow.Reconciler;
import dev.weft.core.openflow.PeerFault;
import dev.weft.core.openflow.SwitchTotals;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmInfoMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.projectfloodlight.openflow.types.DatapathId;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * What {@code /metrics} shows, in Prometheus's text format (Micrometer's Prometheus registry).
 * Nothing is counted for it on the switches' lanes: the counters the controller keeps anyway
 * (per switch, per app, the reconciler's, the migration history) and the last traffic read are
 * looked at when Prometheus scrapes, on the HTTP thread ({@link #scrape}), which also adds the
 * meters of switches and logical ports that appeared and removes those of ports that are gone.
 * API latency is recorded as each answer is sent.
 */
final class Metrics implements AutoCloseable {
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final Controller controller;
    private final Optional<MobilityService> mobility;
    private final TrafficPoller traffic;
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();
    /** HTTP thread (scrapes are answered one at a time there). */
    private final Map<DatapathId, SwitchCell> switches = new HashMap<>();
    private final Map<String, PortCell> ports = new HashMap<>();
    private final Map<String, PortCell> tenants = new HashMap<>();
    private long migrationsSeen;
    private final Timer convergence;

    /** The latest numbers of a switch, read by its meters. */
    private static final class SwitchCell {
        volatile SwitchTotals totals;
        volatile Reconciler.Stats flows;
        volatile Reconciler.PassTimes passes;
        /** Peer-fault kinds with a series already (a kind's series appears at its first fault). */
        final java.util.EnumSet<PeerFault> faultKinds = java.util.EnumSet.noneOf(PeerFault.class);
        Tags tags;
    }

    /** The latest counters of a logical port or a tenant, read by its meters. */
    private static final class PortCell {
        final List<Meter> meters = new ArrayList<>();
        volatile PortCounters counters = PortCounters.ZERO;
        String key;
    }

    Metrics(Controller controller, Optional<MobilityService> mobility, TrafficPoller traffic) {
        this.controller = controller;
        this.mobility = mobility;
        this.traffic = traffic;
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new JvmInfoMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        for (AppHandle h : controller.apps()) {
            Tags app = Tags.of("app", h.name());
            FunctionCounter.builder("weft.app.events", h, AppHandle::handled).tags(app)
                    .description("events the app handled").register(registry);
            FunctionCounter.builder("weft.app.failures", h, AppHandle::failures).tags(app)
                    .description("events whose handler threw (counted as STOP)").register(registry);
        }
        FunctionCounter.builder("weft.stats.reads", traffic, TrafficPoller::reads)
                .description("reads of the hypervisors' flow statistics for traffic counts").register(registry);
        FunctionCounter.builder("weft.stats.read.failures", traffic, TrafficPoller::failures)
                .description("reads of flow statistics that failed or timed out").register(registry);
        Gauge.builder("weft.stats.read.duration", traffic, TrafficPoller::lastReadSeconds).baseUnit("seconds")
                .description("how long the last read of flow statistics took").register(registry);
        mobility.ifPresent(m -> FunctionCounter.builder("weft.migrations", m, Metrics::lastSequence)
                .description("migrations detected (numbered on across restarts)").register(registry));
        convergence = Timer.builder("weft.migration.convergence").serviceLevelObjectives(millis(1, 2, 5, 10, 20, 50,
                        100, 200, 500, 1000, 2000, 5000))
                .description("from the message that showed a VM's new place to the last barrier reply")
                .register(registry);
        migrationsSeen = mobility.map(Metrics::lastSequence).orElse(0.0).longValue();
    }

    /** Histogram buckets (Prometheus's le): few, so that a series per route stays small. */
    private static final Duration[] API_BUCKETS = millis(1, 5, 10, 25, 50, 100, 250, 500, 1000, 5000, 30000);

    private static Duration[] millis(long... ms) {
        Duration[] d = new Duration[ms.length];
        for (int i = 0; i < ms.length; i++) {
            d[i] = Duration.ofMillis(ms[i]);
        }
        return d;
    }

    private static double lastSequence(MobilityService m) {
        List<Migration> h = m.history();
        return h.isEmpty() ? 0 : h.get(h.size() - 1).sequence();
    }

    /** HTTP thread: an answer was sent. */
    void answered(String method, String route, int status, long nanos) {
        Timer.builder("weft.api.requests").tags("method", method, "route", route, "status", Integer.toString(status))
                .description("REST API requests, from arrival to the answer handed to the connection")
                .serviceLevelObjectives(API_BUCKETS).register(registry).record(nanos, TimeUnit.NANOSECONDS);
    }

    /** HTTP thread: the metrics as Prometheus reads them. */
    String scrape() {
        syncSwitches();
        syncPorts();
        syncMigrations();
        return registry.scrape();
    }

    private void syncSwitches() {
        NetworkConfig cfg = controller.tenants().config();
        Map<DatapathId, Reconciler.Stats> flows = controller.reconciler().stats();
        Map<DatapathId, Reconciler.PassTimes> passes = controller.reconciler().passTimes();
        for (SwitchTotals t : controller.switchTotals()) {
            SwitchCell c = switches.get(t.dpid());
            if (c == null) {
                c = new SwitchCell();
                switches.put(t.dpid(), c);
                Tags tags = Tags.of("dpid", t.dpid().toString(), "node",
                        cfg.node(t.dpid()).map(TransportNode::name).orElse(""));
                switchCounter("weft.switch.packet.ins", "PACKET_INs received", c, tags, SwitchTotals::packetIns);
                switchCounter("weft.switch.flow.mods", "FLOW_MODs sent (flow service and reactive apps)", c, tags,
                        SwitchTotals::flowMods);
                switchCounter("weft.switch.errors", "OpenFlow ERRORs received", c, tags, SwitchTotals::errors);
                switchCounter("weft.switch.connections", "handshakes completed", c, tags, SwitchTotals::connections);
                c.tags = tags;
                SwitchCell cell = c;
                Gauge.builder("weft.switch.connected", cell, x -> x.totals.connected() ? 1 : 0).tags(tags)
                        .description("1 while the switch is connected").register(registry);
                FunctionTimer.builder("weft.switch.handshake", cell, x -> x.totals.connections(),
                                x -> x.totals.handshakeNanos(), TimeUnit.NANOSECONDS).tags(tags)
                        .description("handshakes: TCP connection to the last BARRIER_REPLY").register(registry);
                Gauge.builder("weft.switch.handshake.last", cell, x -> x.totals.lastHandshakeNanos() / 1e9)
                        .baseUnit("seconds").tags(tags).description("the last handshake's duration").register(registry);
                Gauge.builder("weft.flows.desired", cell, x -> x.flows == null ? 0 : x.flows.desired()).tags(tags)
                        .description("flow entries the apps want on the switch").register(registry);
                Gauge.builder("weft.flows.installed", cell, x -> x.flows == null ? 0 : x.flows.installed()).tags(tags)
                        .description("flow entries the reconciler believes installed").register(registry);
                FunctionCounter.builder("weft.flows.repaired", cell, x -> x.flows == null ? 0 : x.flows.repaired())
                        .tags(tags).description("entries found wrong (drift) and repaired").register(registry);
                FunctionCounter.builder("weft.flows.rejected", cell, x -> x.flows == null ? 0 : x.flows.errors())
                        .tags(tags).description("flow-mods the switch refused").register(registry);
                FunctionTimer.builder("weft.flows.pass", cell, x -> x.passes == null ? 0 : x.passes.count(),
                                x -> x.passes == null ? 0 : x.passes.totalNanos(), TimeUnit.NANOSECONDS).tags(tags)
                        .description("reconciler passes: the switch's delta handed over until its barrier reply")
                        .register(registry);
                Gauge.builder("weft.flows.pass.last", cell, x -> x.passes == null ? 0 : x.passes.lastNanos() / 1e9)
                        .baseUnit("seconds").tags(tags).description("the last pass's time to the barrier reply")
                        .register(registry);
            }
            c.totals = t;
            c.flows = flows.get(t.dpid());
            c.passes = passes.get(t.dpid());
            for (Map.Entry<PeerFault, Long> f : t.peerFaults().entrySet()) {
                if (f.getValue() > 0 && c.faultKinds.add(f.getKey())) {
                    PeerFault kind = f.getKey();
                    FunctionCounter.builder("weft.switch.peer.faults", c, x -> x.totals.peerFaults().get(kind))
                            .tags(c.tags.and("kind", kind.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-')))
                            .description("what the switch sent that was wrong (counted, answered or dropped; "
                                    + "the connection stays unless the framing broke)")
                            .register(registry);
                }
            }
        }
    }

    private void switchCounter(String name, String what, SwitchCell c, Tags tags, ToDoubleFunction<SwitchTotals> f) {
        FunctionCounter.builder(name, c, x -> f.applyAsDouble(x.totals)).tags(tags).description(what)
                .register(registry);
    }

    private void syncPorts() {
        Traffic t = traffic.last();
        if (!t.available()) {
            return;
        }
        // A series appears once its value is known (a restarted controller does not show a
        // port's or tenant's counter as 0 before its hypervisor reported: Prometheus would take
        // the drop for a reset and count everything again).
        NetworkConfig cfg = controller.tenants().config();
        Map<String, String> wantPorts = new HashMap<>();
        for (LogicalPort p : cfg.ports()) {
            Traffic.Port tp = t.ports().get(p.name());
            if (tp != null && tp.known()) {
                wantPorts.put(p.name(), p.tenant() + "/" + p.network());
            }
        }
        sync(ports, wantPorts, (name, cell) -> {
            LogicalPort p = cfg.port(name).orElseThrow();
            return Tags.of("tenant", p.tenant(), "network", p.network(), "port", p.name());
        }, "weft.port", "logical port");
        ports.forEach((name, cell) -> {
            Traffic.Port p = t.ports().get(name);
            cell.counters = p == null ? PortCounters.ZERO : p.counters();
        });
        Map<String, String> wantTenants = new HashMap<>();
        cfg.tenants().stream().filter(x -> tenants.containsKey(x.name()) || t.tenants().containsKey(x.name())
                && t.tenants().get(x.name()).complete()).forEach(x -> wantTenants.put(x.name(), x.name()));
        sync(tenants, wantTenants, (name, cell) -> Tags.of("tenant", name), "weft.tenant", "tenant");
        tenants.forEach((name, cell) -> {
            Traffic.Sum s = t.tenants().get(name);
            if (s != null && s.complete()) {
                cell.counters = s.counters(); // else the last complete sum stays
            }
        });
    }

    /** Register the meters of new keys, remove those of keys gone (or whose identity changed). */
    private void sync(Map<String, PortCell> cells, Map<String, String> want,
                      java.util.function.BiFunction<String, PortCell, Tags> tagsOf, String prefix, String what) {
        for (var it = cells.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            if (!e.getValue().key.equals(want.get(e.getKey()))) {
                e.getValue().meters.forEach(registry::remove);
                it.remove();
            }
        }
        want.forEach((name, key) -> cells.computeIfAbsent(name, n -> {
            PortCell c = new PortCell();
            c.key = key;
            Tags tags = tagsOf.apply(n, c);
            c.meters.add(counter(prefix + ".tx.packets", "frames the " + what + " sent into its network", c, tags,
                    PortCounters::txPackets));
            c.meters.add(counter(prefix + ".tx.bytes", "bytes the " + what + " sent into its network", c, tags,
                    PortCounters::txBytes));
            c.meters.add(counter(prefix + ".security.drops", "frames the " + what + " sent that port security "
                    + "dropped (not its own MAC/IP)", c, tags, PortCounters::txDropped));
            c.meters.add(counter(prefix + ".rx.packets", "unicast frames delivered to the " + what, c, tags,
                    PortCounters::rxPackets));
            c.meters.add(counter(prefix + ".rx.bytes", "bytes of unicast frames delivered to the " + what, c, tags,
                    PortCounters::rxBytes));
            return c;
        }));
    }

    private Meter counter(String name, String what, PortCell c, Tags tags, ToDoubleFunction<PortCounters> f) {
        return FunctionCounter.builder(name, c, x -> f.applyAsDouble(x.counters)).tags(tags).description(what)
                .register(registry);
    }

    /** New migrations since the last scrape go into the convergence histogram. */
    private void syncMigrations() {
        if (mobility.isEmpty()) {
            return;
        }
        long newest = migrationsSeen;
        for (Migration m : mobility.get().history()) {
            if (m.sequence() > migrationsSeen) {
                m.convergence().ifPresent(convergence::record);
                newest = Math.max(newest, m.sequence());
            }
        }
        migrationsSeen = newest;
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
