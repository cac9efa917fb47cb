package dev.weft.ovsdb;

import dev.weft.api.event.ConfigChanged;
import dev.weft.api.event.SwitchConnected;
import dev.weft.api.event.SwitchDisconnected;
import dev.weft.api.event.TransportNodeChanged;
import dev.weft.api.tenant.NetworkConfig;
import dev.weft.api.tenant.TransportNode;
import dev.weft.core.Controller;
import dev.weft.core.Extension;
import dev.weft.ovsdb.rpc.OvsdbAddress;
import dev.weft.ovsdb.rpc.OvsdbClient;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.projectfloodlight.openflow.types.OFPort;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Weft managing its hypervisors' Open vSwitch: for every transport node that names its OVSDB, a
 * {@link NodeKeeper} builds and keeps the integration bridge and reports its interfaces; for every
 * transport node, what OpenFlow shows is checked too (an expected tunnel port absent). Nodes join
 * and leave with the configuration. The alerts are in {@link #alerts()} (the REST API serves them).
 * Its own thread ({@code weft-ovsdb}) does all the work; the controller's lanes only hand it events.
 */
public final class OvsdbExtension implements Extension {
    private static final Logger log = LoggerFactory.getLogger(OvsdbExtension.class);

    private final OvsdbSettings settings;
    private final AlertBook alerts;
    private EventLoopGroup group;
    private EventLoop loop;
    private Controller controller;
    private final Map<String, NodeKeeper> keepers = new HashMap<>();
    private volatile boolean closed;
    private final List<InterfaceObserver> observers = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** Told of every interface of an integration bridge that an OVSDB reported (for measurements). */
    @FunctionalInterface
    public interface InterfaceObserver {
        /** On the extension's thread; {@code nanos} is when the monitor update arrived ({@link System#nanoTime()}). */
        void reported(String node, String name, Optional<String> ifaceId, int ofport, boolean present, long nanos);

        /** The interface's iface-id as soon as its row is in the database (before it has an OpenFlow port). */
        default void named(String node, String name, Optional<String> ifaceId, long nanos) {
        }
    }

    public void observeInterfaces(InterfaceObserver o) {
        observers.add(o);
    }

    public OvsdbExtension(OvsdbSettings settings) {
        this(settings, Clock.systemUTC());
    }

    public OvsdbExtension(OvsdbSettings settings, Clock clock) {
        this.settings = settings;
        this.alerts = new AlertBook(clock);
    }

    @Override
    public String name() {
        return "ovsdb";
    }

    public AlertBook alerts() {
        return alerts;
    }

    public OvsdbSettings settings() {
        return settings;
    }

    @Override
    public void start(Controller c) {
        this.controller = c;
        NetworkConfig cfg = c.tenants().config();
        if (settings.controllerTargets().isEmpty() && cfg.transportNodes().stream().anyMatch(n -> n.ovsdb().isPresent())) {
            throw new IllegalStateException("transport nodes name their OVSDB, but ovsdb.controller-targets is empty: "
                    + "say where the hypervisors reach Weft (e.g. ovsdb: { controller-targets: [tcp:10.0.0.1:6653] })");
        }
        // One thread: every keeper's connection and logic run on it, in order, without locks.
        group = OvsdbClient.newGroup(1, new DefaultThreadFactory("weft-ovsdb", true));
        loop = group.next();
        c.observe(ConfigChanged.class, e -> hop(this::sync));
        c.observe(TransportNodeChanged.class, e -> hop(this::checkOpenFlow));
        c.observe(SwitchConnected.class, e -> hop(this::checkOpenFlow));
        c.observe(SwitchDisconnected.class, e -> hop(this::checkOpenFlow));
        loop.execute(this::sync);
    }

    /** Onto the extension's thread; from a controller lane, which must never see an exception. */
    private void hop(Runnable r) {
        if (closed) {
            return;
        }
        try {
            loop.execute(r);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // stopping: nothing to check any more
        }
    }

    /** The keepers follow the configuration: new nodes get one, gone nodes lose theirs, the others a new wish. */
    private void sync() {
        if (closed) {
            return;
        }
        NetworkConfig cfg = controller.tenants().config();
        Map<String, TransportNode> wanted = new HashMap<>();
        for (TransportNode n : cfg.transportNodes()) {
            n.ovsdb().ifPresent(a -> wanted.put(n.name(), n));
        }
        for (String name : List.copyOf(keepers.keySet())) {
            TransportNode n = wanted.get(name);
            NodeKeeper k = keepers.get(name);
            if (n == null || !OvsdbAddress.parse(n.ovsdb().get()).equals(k.address())) {
                log.info("{}: no longer managed through OVSDB {}", name, k.address());
                k.close();
                keepers.remove(name);
            }
        }
        for (TransportNode n : wanted.values()) {
            Want w = new Want(n, cfg.transportNodes().stream().filter(o -> !o.name().equals(n.name())).toList(),
                    settings);
            NodeKeeper k = keepers.get(n.name());
            if (k == null) {
                OvsdbClient.Options o = OvsdbClient.Options.defaults();
                o = new OvsdbClient.Options(o.ssl(), o.connectTimeout(), o.requestTimeout(), settings.probeInterval(),
                        o.maxMessageBytes());
                if (settings.tls().isPresent()) {
                    o = o.withSsl(ClientTls.context(settings.tls().get()));
                }
                k = new NodeKeeper(group, loop, OvsdbAddress.parse(n.ovsdb().get()), o, w, alerts,
                        () -> controller.tenants().config(), sink, this::checkClaims);
                keepers.put(n.name(), k);
                log.info("{}: managing its Open vSwitch through OVSDB {}", n.name(), k.address());
                k.start();
            } else {
                k.want(w);
            }
        }
        checkOpenFlow();
        checkClaims();
    }

    /** Two hypervisors claiming one tunnel IP (from what their OVSDBs state, else the config). On the loop. */
    private void checkClaims() {
        if (closed) {
            return;
        }
        Map<String, String> claimed = new HashMap<>();
        keepers.forEach((name, k) -> k.claim().ifPresent(ip -> claimed.put(name, ip)));
        alerts.replace("tunnel-ips", TunnelClaims.check(controller.tenants().config().transportNodes(), claimed));
    }

    /** What the keepers see of the bridges' interfaces goes to the tenant service (and the observers). */
    private final NodeKeeper.InterfaceSink sink = new NodeKeeper.InterfaceSink() {
        @Override
        public void reported(Want w, String name, Optional<String> ifaceId, int ofport, boolean present, long nanos,
                             boolean few) {
            controller.tenants().interfaceReported(w.node().dpid(), name, ifaceId, OFPort.of(ofport), present,
                    Instant.now(), nanos, few);
            observers.forEach(o -> o.reported(w.node().name(), name, ifaceId, ofport, present, nanos));
        }

        @Override
        public void named(Want w, String name, Optional<String> ifaceId, long nanos, boolean few) {
            controller.tenants().interfaceNamed(w.node().dpid(), name, ifaceId, Instant.now(), nanos, few);
            observers.forEach(o -> o.named(w.node().name(), name, ifaceId, nanos));
        }
    };

    /** What OpenFlow shows of every transport node, OVSDB or not: a tunnel towards each other node. */
    private void checkOpenFlow() {
        if (closed) {
            return;
        }
        NetworkConfig cfg = controller.tenants().config();
        Map<String, List<Alert>> byNode = new HashMap<>();
        for (TransportNode n : cfg.transportNodes()) {
            List<Alert> a = new ArrayList<>();
            if (controller.switches().get(n.dpid()).isPresent()) {
                Map<String, OFPort> t = controller.tenants().tunnelPorts(n.dpid());
                for (TransportNode o : cfg.transportNodes()) {
                    if (!o.name().equals(n.name()) && !t.containsKey(o.name())) {
                        a.add(new Alert(n.name(), Alert.TUNNEL_ABSENT, o.name(), n.name() + " has no tunnel port "
                                + "towards " + o.name() + " (neither " + n.tunnelPortTo(o) + " nor "
                                + TransportNode.FLOW_TUNNEL_PORT + "): its VMs cannot reach " + o.name() + "'s", false));
                    }
                }
            }
            byNode.put(n.name(), a);
        }
        byNode.forEach((node, a) -> alerts.replace("openflow:" + node, a));
        // Nodes no longer configured: their OpenFlow alerts go.
        for (var e : alerts.active()) {
            if (cfg.node(e.alert().node()).isEmpty()) {
                alerts.replace("openflow:" + e.alert().node(), List.of());
            }
        }
    }

    /** For tests: transactions a node's keeper has sent. */
    public int transactions(String node) {
        java.util.concurrent.CompletableFuture<Integer> f = new java.util.concurrent.CompletableFuture<>();
        loop.execute(() -> f.complete(keepers.containsKey(node) ? keepers.get(node).transactions() : 0));
        return f.join();
    }

    @Override
    public void close() {
        closed = true;
        if (loop == null) {
            return;
        }
        loop.execute(() -> {
            keepers.values().forEach(NodeKeeper::close);
            keepers.clear();
        });
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
