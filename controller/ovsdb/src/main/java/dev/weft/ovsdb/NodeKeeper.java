package dev.weft.ovsdb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.weft.api.tenant.NetworkConfig;
import dev.weft.ovsdb.rpc.OvsdbAddress;
import dev.weft.ovsdb.rpc.OvsdbClient;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Keeps one hypervisor's integration bridge as it must be, through its OVSDB: connects (and
 * reconnects, backing off to 10 s), monitors the tables of {@link Replica}, and after every change
 * checks ({@link Checks}, into the {@link AlertBook}), reports the bridge's interfaces (name,
 * OpenFlow port, iface-id) to the tenant service, and repairs what Weft owns with one transaction
 * ({@link BridgePlan}). Everything runs on one event loop: no locks.
 */
final class NodeKeeper {
    private static final Logger log = LoggerFactory.getLogger(NodeKeeper.class);
    private static final long MAX_BACKOFF_MS = 10_000;

    /** Where the bridge's interfaces are told (the tenant service, in the controller). */
    interface InterfaceSink {
        /**
         * {@code few}: this update changed few interfaces (a VM plugged or unplugged, not a bridge
         * read whole): what it shows may be acted on at once, on the reading thread.
         */
        void reported(Want want, String name, Optional<String> ifaceId, int ofport, boolean present, long nanos,
                      boolean few);

        /**
         * The interface {@code name} has iface-id {@code ifaceId} (empty: no longer, or gone), told as soon as
         * the row is in the database: before vswitchd gives it an OpenFlow port and sends PORT_STATUS.
         */
        void named(Want want, String name, Optional<String> ifaceId, long nanos, boolean few);
    }

    /**
     * How long after an update of ports and interfaces only (what a VM's plug or unplug brings, in
     * a burst of several) the bridge is checked and repaired. A check took 0.2-0.8 ms, 2-22 ms on a
     * busy machine (the testbed, 2026-12-07), after every update of every hypervisor: on the
     * keepers' one thread, it held up the next update's report, a VM's new place among them.
     * Checked once per burst, after it; an update of the bridge, its controllers or the root row is
     * checked at once.
     */
    static final long CHECK_DELAY_MS = 50;

    /** At most this many interface changes in one update count as few. */
    static final int FEW_CHANGES = 4;

    /** An interface of the integration bridge as last reported. */
    private record Iface(int ofport, Optional<String> ifaceId) {
    }

    private final EventLoopGroup group;
    private final EventLoop loop;
    private final OvsdbAddress address;
    private final OvsdbClient.Options options;
    private final AlertBook alerts;
    private final Supplier<NetworkConfig> config;
    private final InterfaceSink sink;
    private final Runnable claimChanged;
    private final String scope;
    private Want want;
    private final Replica db = new Replica();
    private Map<String, Iface> reported = new HashMap<>();
    /** The bridge's interfaces that have an iface-id, as last told: name → iface-id. */
    private Map<String, String> named = new HashMap<>();
    private OvsdbClient client;
    private boolean closed;
    private boolean inFlight;
    private boolean dirty;
    /** A {@link #check} is scheduled. */
    private boolean checkQueued;
    private String lastPlan = "";
    private long backoff = 250;
    private ScheduledFuture<?> retry;
    private List<Alert> extra = List.of();
    private int transactions;
    /** The tunnel IP this hypervisor's OVSDB states ({@link TunnelClaims#KEY}), as last seen. */
    private Optional<String> claim = Optional.empty();

    NodeKeeper(EventLoopGroup group, EventLoop loop, OvsdbAddress address, OvsdbClient.Options options, Want want,
               AlertBook alerts, Supplier<NetworkConfig> config, InterfaceSink sink, Runnable claimChanged) {
        this.group = group;
        this.loop = loop;
        this.address = address;
        this.options = options;
        this.want = want;
        this.alerts = alerts;
        this.config = config;
        this.sink = sink;
        this.claimChanged = claimChanged;
        this.scope = "ovsdb:" + want.node().name();
    }

    String node() {
        return want.node().name();
    }

    OvsdbAddress address() {
        return address;
    }

    void start() {
        loop.execute(this::connect);
    }

    /** The wish changed (other nodes joined or left): repair accordingly. On the loop. */
    void want(Want w) {
        loop.execute(() -> {
            want = w;
            converge();
        });
    }

    /** The tunnel IP this hypervisor's OVSDB states, if it states one (kept while it is unreachable). On the loop. */
    Optional<String> claim() {
        return claim;
    }

    /** Transactions sent so far (for tests and the log). */
    int transactions() {
        return transactions;
    }

    private void connect() {
        if (closed) {
            return;
        }
        OvsdbClient.connect(address, options, group).whenCompleteAsync((c, e) -> {
            if (closed) {
                if (c != null) {
                    c.close();
                }
                return;
            }
            if (e != null) {
                unreachable(rootMessage(e));
                return;
            }
            client = c;
            c.closed().whenCompleteAsync((why, x) -> lost(c, why), loop);
            c.monitor("Open_vSwitch", "weft", Replica.monitorRequest(), this::update).whenCompleteAsync((initial, x) -> {
                if (x != null) {
                    log.warn("{}: OVSDB {}: cannot monitor: {}", node(), address, rootMessage(x));
                    c.close();
                    return;
                }
                backoff = 250;
                log.info("{}: OVSDB {} connected", node(), address);
                db.clear();
                db.apply(initial);
                extra = List.of();
                converge();
            }, loop);
        }, loop);
    }

    /** A monitor update: on the connection's event loop, which is {@link #loop} (one-thread group). */
    private void update(JsonNode tableUpdates) {
        if (!loop.inEventLoop()) {
            loop.execute(() -> update(tableUpdates));
            return;
        }
        db.apply(tableUpdates);
        if (client == null || closed) {
            return;
        }
        boolean portsOnly = true;
        for (var t = tableUpdates.fieldNames(); t.hasNext(); ) {
            String table = t.next();
            portsOnly &= table.equals("Interface") || table.equals("Port");
        }
        if (portsOnly) {
            // Ports and interfaces only (a VM plugged or unplugged brings several such updates):
            // report at once, check once the burst is over.
            reportInterfaces(System.nanoTime());
            checkSoon();
        } else {
            converge();
        }
    }

    private void lost(OvsdbClient c, String why) {
        if (c != client) {
            return;
        }
        client = null;
        inFlight = false;
        if (!closed) {
            unreachable(why);
        }
    }

    private void unreachable(String why) {
        alerts.replace(scope, List.of(new Alert(node(), Alert.OVSDB_UNREACHABLE, address.toString(), "cannot reach "
                + "the OVSDB at " + address + " (" + why + "); the bridge is neither checked nor repaired; retrying",
                false)));
        log.warn("{}: OVSDB {} unreachable ({}); retrying in {} ms", node(), address, why, backoff);
        retry = loop.schedule(this::connect, backoff, TimeUnit.MILLISECONDS);
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
    }

    /** Report interfaces (first: a VM's new place is what a migration waits for), check, repair. */
    private void converge() {
        if (client == null || closed) {
            return;
        }
        reportInterfaces(System.nanoTime());
        check();
    }

    /** Check and repair {@link #CHECK_DELAY_MS} from now, once for however many ask meanwhile. */
    private void checkSoon() {
        if (client == null || closed || checkQueued) {
            return;
        }
        checkQueued = true;
        loop.schedule(() -> {
            checkQueued = false;
            check();
        }, CHECK_DELAY_MS, TimeUnit.MILLISECONDS);
    }

    /** Check (alerts, the tunnel IP claimed) and repair. */
    private void check() {
        if (client == null || closed) {
            return;
        }
        List<Alert> found = new ArrayList<>(Checks.check(db, want, config.get()));
        found.addAll(extra);
        alerts.replace(scope, found);
        Optional<String> said = TunnelClaims.parse(db.rootExternalIds());
        if (!said.equals(claim)) {
            claim = said;
            claimChanged.run();
        }
        if (inFlight) {
            dirty = true;
            return;
        }
        BridgePlan.Plan plan = BridgePlan.plan(db, want);
        if (plan.empty()) {
            lastPlan = "";
            return;
        }
        String text = plan.ops().toString();
        if (text.equals(lastPlan)) {
            // The same repair again right after it was applied: someone undoes it; do not spin.
            inFlight = true;
            loop.schedule(() -> {
                inFlight = false;
                lastPlan = "";
                converge();
            }, 1, TimeUnit.SECONDS);
            return;
        }
        lastPlan = text;
        log.info("{}: repairing {}: {}", node(), want.settings().bridge(), String.join("; ", plan.changes()));
        inFlight = true;
        transactions++;
        OvsdbClient c = client;
        List<ObjectNode> ops = new ArrayList<>(plan.ops());
        ops.add(dev.weft.ovsdb.rpc.Ops.comment("weft: " + String.join("; ", plan.changes())));
        c.transact("Open_vSwitch", ops).whenCompleteAsync((r, e) -> {
            inFlight = false;
            if (e != null && c == client) {
                extra = List.of(new Alert(node(), Alert.TRANSACTION_FAILED, want.settings().bridge(),
                        "the repair of " + want.settings().bridge() + " failed: " + rootMessage(e) + "; retrying", false));
                log.warn("{}: OVSDB transaction failed: {}", node(), rootMessage(e));
                loop.schedule(() -> {
                    lastPlan = "";
                    converge();
                }, 2, TimeUnit.SECONDS);
                alerts.replace(scope, withExtra());
                return;
            }
            if (!extra.isEmpty()) {
                extra = List.of();
                alerts.replace(scope, withExtra());
            }
            if (dirty) {
                dirty = false;
                converge();
            }
        }, loop);
    }

    private List<Alert> withExtra() {
        List<Alert> a = new ArrayList<>(Checks.check(db, want, config.get()));
        a.addAll(extra);
        return a;
    }

    /**
     * Tell the tenant service what changed among the bridge's interfaces (VMs' ports; not tunnels):
     * new iface-ids first (a row just inserted has none of vswitchd's columns yet, and its
     * PORT_STATUS may come before vswitchd writes its {@code ofport} back), then OpenFlow ports,
     * then iface-ids that went.
     */
    private void reportInterfaces(long nanos) {
        Map<String, Iface> now = new HashMap<>();
        Map<String, String> ids = new HashMap<>();
        db.bridge(want.settings().bridge()).ifPresent(b -> db.ports(b.getValue()).forEach((name, p) -> {
            if (name.startsWith("vx-") || name.equals(want.settings().bridge())) {
                return;
            }
            String id = p.externalIds().get("iface-id");
            if (id != null) {
                ids.put(name, id);
            }
            Optional<Integer> of = p.ofport();
            if (of.isPresent() && of.get() > 0) {
                now.put(name, new Iface(of.get(), Optional.ofNullable(id)));
            }
        }));
        List<Runnable> tell = new ArrayList<>();
        for (var e : ids.entrySet()) {
            if (!e.getValue().equals(named.get(e.getKey()))) {
                tell.add(() -> sink.named(want, e.getKey(), Optional.of(e.getValue()), nanos, tell.size() <= FEW_CHANGES));
            }
        }
        for (var e : reported.entrySet()) {
            Iface n = now.get(e.getKey());
            if (!e.getValue().equals(n)) {
                tell.add(() -> sink.reported(want, e.getKey(), e.getValue().ifaceId(), e.getValue().ofport(), false,
                        nanos, tell.size() <= FEW_CHANGES));
            }
        }
        for (var e : now.entrySet()) {
            if (!e.getValue().equals(reported.get(e.getKey()))) {
                tell.add(() -> sink.reported(want, e.getKey(), e.getValue().ifaceId(), e.getValue().ofport(), true,
                        nanos, tell.size() <= FEW_CHANGES));
            }
        }
        for (String name : named.keySet()) {
            if (!ids.containsKey(name)) {
                tell.add(() -> sink.named(want, name, Optional.empty(), nanos, tell.size() <= FEW_CHANGES));
            }
        }
        tell.forEach(Runnable::run);
        reported = now;
        named = ids;
    }

    /** Stop: close the connection, withdraw this node's alerts. */
    void close() {
        loop.execute(() -> {
            closed = true;
            if (retry != null) {
                retry.cancel(false);
            }
            if (client != null) {
                client.close();
                client = null;
            }
            alerts.replace(scope, List.of());
        });
    }

    static String rootMessage(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
    }
}
