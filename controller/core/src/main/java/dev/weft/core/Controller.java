package dev.weft.core;

import dev.weft.api.App;
import dev.weft.api.Disposition;
import dev.weft.api.event.Event;
import dev.weft.api.event.NetworkEvent;
import dev.weft.api.event.PacketIn;
import dev.weft.api.AppCookie;
import dev.weft.api.Switch;
import dev.weft.api.SwitchService;
import dev.weft.api.event.SwitchEvent;
import dev.weft.api.flow.FlowService;
import dev.weft.api.host.HostService;
import dev.weft.api.tenant.LocationControl;
import dev.weft.api.tenant.NetworkConfig;
import dev.weft.api.tenant.TenantService;
import dev.weft.api.topology.TopologyService;
import dev.weft.core.app.AppLoadException;
import dev.weft.core.app.DefaultAppContext;
import dev.weft.core.config.ConfigException;
import dev.weft.core.config.ConfigLoader;
import dev.weft.core.config.ReloadResult;
import dev.weft.core.config.WeftConfig;
import dev.weft.core.dispatch.AppHandle;
import dev.weft.core.dispatch.Dispatcher;
import dev.weft.core.dispatch.EventBus;
import dev.weft.core.dispatch.Lane;
import dev.weft.core.dispatch.Timers;
import dev.weft.core.flow.Reconciler;
import dev.weft.core.hosts.HostTracker;
import dev.weft.core.openflow.DatapathPins;
import dev.weft.core.openflow.OpenFlowServer;
import dev.weft.core.openflow.SwitchManager;
import dev.weft.api.state.StateStore;
import dev.weft.core.state.FileStateStore;
import dev.weft.core.state.MemoryStateStore;
import dev.weft.core.tenant.TenantManager;
import dev.weft.core.topology.LinkProbes;
import dev.weft.core.topology.TopologyManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The composition root, and the only one: the launcher, the benchmarks and the test harness all
 * build the controller here. It wires by constructor the dispatcher, the event bus, the switch
 * registry, the core services (tenants, flows, topology, hosts), the apps and the OpenFlow
 * listeners, then the {@link Extension}s (the REST API lives in its own module), and tears them
 * down in reverse. Apps start before the listeners open, so no switch can reach a half-started
 * controller.
 *
 * <p>Switches reach it over OpenFlow connections, or in process ({@link #attach(Switch)}): the
 * test harness and the migration bench use the very same services and apps with switches that
 * live in memory. The apps are run by {@link AppRunner}; a reload goes through {@link ConfigReloads} and
 * {@link NetworkChanges}.
 */
public final class Controller implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Controller.class);

    private final ControllerSettings settings;
    private final Instant startedAt;
    private final Dispatcher dispatcher;
    private final Timers timers;
    private final EventBus bus = new EventBus();
    private final SwitchManager switches;
    private final TenantManager tenants;
    private final Reconciler reconciler;
    private final TopologyManager topology;
    private final HostTracker hosts;
    private final StateStore state;
    private final Map<Class<?>, Object> services = new ConcurrentHashMap<>();
    private final AppRunner apps;
    private final ConfigReloads reloads;
    private final List<Extension> extensions = new ArrayList<>();
    /** Extensions' observers: first in every chain, before the core's own subscribers. */
    private final AppHandle observers = new AppHandle("observers", -1000);
    private OpenFlowServer server;
    private List<InetSocketAddress> bound = List.of();

    /** How to assemble a controller beyond its settings. */
    public static final class Builder {
        private final ControllerSettings settings;
        private final List<Extension> extensions = new ArrayList<>();
        private final Map<Class<?>, Object> overrides = new java.util.LinkedHashMap<>();
        private List<App> apps;
        private Timers timers;
        private String threadPrefix = "weft";
        private boolean listen = true;
        private boolean slaves;
        private Runnable beforeListening;
        private dev.weft.core.dispatch.Transport transport;

        private Builder(ControllerSettings settings) {
            this.settings = settings;
        }

        /** Start {@code e} after the apps and listeners, stop it before them. */
        public Builder extension(Extension e) {
            extensions.add(e);
            return this;
        }

        /** Periodic tasks run by these timers (default: a {@code weft-timer} thread). */
        public Builder timers(Timers t) {
            timers = t;
            return this;
        }

        /**
         * Run these app instances, in this chain order, instead of those the settings name (found
         * by name among the installed apps): how the test harness runs the app under test.
         */
        public Builder apps(List<App> instances) {
            apps = List.copyOf(instances);
            return this;
        }

        /**
         * Offer {@code impl} to the apps as the {@code type} service instead of the core's own (a
         * fixed topology in an app test, say). The core's service still runs.
         */
        public <S> Builder service(Class<S> type, S impl) {
            overrides.put(type, type.cast(impl));
            return this;
        }

        /**
         * Switch connections start as slaves on our side (no flow writes, no packet-ins given to the
         * apps) until an extension makes this instance master of a switch through {@link
         * Controller#roles()}: how an instance of a cluster starts.
         */
        public Builder switchesStartAsSlaves() {
            slaves = true;
            return this;
        }

        /**
         * Name this controller's threads {@code PREFIX-dispatch-N}, {@code PREFIX-control} and
         * {@code PREFIX-timer} (default {@code weft}): for a second controller in one process, whose
         * logs and profiles must not be mistaken for the first's.
         */
        public Builder threadNames(String prefix) {
            if (prefix == null || prefix.isBlank()) {
                throw new IllegalArgumentException("thread name prefix must not be blank");
            }
            threadPrefix = prefix;
            return this;
        }

        /**
         * Run {@code task} once the apps have started and the config is in force, on the starting
         * thread, just before the OpenFlow listeners open (so no switch can connect meanwhile): how
         * {@code weft controller} warms the switch path up first. A start that fails before it
         * (an unknown app, a bad config) fails without running it.
         */
        public Builder beforeListening(Runnable task) {
            beforeListening = task;
            return this;
        }

        /**
         * Do the switches' I/O with {@code t} (falling back to the next available when this machine
         * cannot) instead of the transport the system property {@value
         * dev.weft.core.dispatch.Transport#PROPERTY} or the default picks.
         */
        public Builder transport(dev.weft.core.dispatch.Transport t) {
            transport = dev.weft.core.dispatch.Transport.choose(t.label());
            return this;
        }

        /** Open no OpenFlow listener: switches are {@link Controller#attach attached} in process. */
        public Builder withoutListeners() {
            listen = false;
            return this;
        }

        /**
         * Start. Throws {@link AppLoadException}, {@link ConfigException} or
         * {@link IllegalStateException} (cannot listen) with a message fit for the user.
         */
        public Controller start() {
            return new Controller(this);
        }
    }

    public static Builder builder(ControllerSettings settings) {
        return new Builder(settings);
    }

    /** Start a controller with the settings' listeners and no extension. */
    public static Controller start(ControllerSettings settings) {
        return builder(settings).start();
    }

    private Controller(Builder b) {
        ControllerSettings s = b.settings;
        this.settings = s;
        this.startedAt = s.clock().instant();
        this.state = s.controllerSection().stateDir() == null ? new MemoryStateStore()
                : new FileStateStore(s.controllerSection().stateDir());
        this.dispatcher = new Dispatcher(s.dispatchThreads(), b.threadPrefix,
                b.transport != null ? b.transport : dev.weft.core.dispatch.Transport.fromSystemProperty());
        this.timers = b.timers != null ? b.timers : Timers.thread(b.threadPrefix + "-timer");
        this.switches = new SwitchManager(dispatcher, bus, s.requestTimeout(), s.takeoverProbe());
        this.tenants = new TenantManager(dispatcher.control(), bus, s.clock());
        this.reloads = new ConfigReloads(s.configFile(), () -> tenants.config(), new NetworkChanges(s, tenants)::apply);
        this.reconciler = new Reconciler(dispatcher.control(), bus, s.flowAuditInterval());
        tenants.subscribe();
        reconciler.start();
        reconciler.holdUntil(tenants.allNodesReported(), s.startupHold());
        if (b.slaves) {
            switches.startAsSlaves();
            // A new master reads the switch's flows and adopts them: what it computed while a slave never got there.
            switches.onChange((dpid, role) -> {
                if (role == dev.weft.core.openflow.SwitchRole.MASTER) {
                    reconciler.resync(dpid);
                }
            });
        }
        // Core services subscribe before any app, at negative places in the chain: discovery
        // consumes LLDP, host tracking learns from packet-ins, both before apps see them.
        this.topology = new TopologyManager(s.topology(), dispatcher.control(), bus, switches, s.clock(), timers,
                new LinkProbes());
        topology.skipProbing(dpid -> tenants.config().node(dpid).isPresent());
        topology.start();
        services.put(SwitchService.class, switches);
        services.put(StateStore.class, state);
        services.put(TopologyService.class, topology);
        services.put(TenantService.class, tenants);
        services.put(LocationControl.class, tenants.locationControl());
        services.put(FlowService.class, (DefaultAppContext.PerApp<FlowService>) reconciler::forApp);
        if (s.topology().hosts().tracking()) {
            this.hosts = new HostTracker(s.topology().hosts(), topology, dispatcher.control(), bus, s.clock(), timers);
            hosts.start();
            services.put(HostService.class, hosts);
        } else {
            this.hosts = null;
        }
        services.putAll(b.overrides);
        this.apps = new AppRunner(s, bus, switches, timers, services, dispatcher.control());
        try {
            apps.start(b.apps);
            tenants.apply(s.network());
            if (b.beforeListening != null) {
                b.beforeListening.run();
            }
            if (b.listen) {
                server = new OpenFlowServer(new OpenFlowServer.Options(s.versions(), s.handshakeTimeout(),
                        s.echoInterval(), s.echoTimeout(), s.tableMissToController(), switchTls(s),
                        new DatapathPins(s.pins())), switches, dispatcher, s.clock());
                bound = server.bindAll(s.listen());
            }
            // Last: an extension may serve requests at once, and sees a fully started controller.
            for (Extension e : b.extensions) {
                e.start(this);
                extensions.add(e);
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        log.info("Weft {} started: apps {} in this order, {} dispatch thread(s) ({}){}", Version.get(), s.apps(),
                s.dispatchThreads(), dispatcher.transport().label(),
                extensions.isEmpty() ? "" : ", with " + extensions.stream().map(Extension::name).toList());
    }

    private static Optional<io.netty.handler.ssl.SslContext> switchTls(ControllerSettings s) {
        try {
            return s.switchTls().map(dev.weft.core.tls.PemTls::serverContext);
        } catch (IllegalArgumentException e) {
            throw ConfigLoader.error(s.configSource(), "/controller/tls", "controller.tls: " + e.getMessage());
        }
    }

    /** The OpenFlow addresses actually bound (useful with port 0); empty without listeners. */
    public List<InetSocketAddress> openflowAddresses() {
        return bound;
    }

    /** An in-process switch joins (see {@link SwitchManager#attach}). */
    public void attach(Switch sw) {
        switches.attach(sw);
    }

    /** An in-process switch leaves. */
    public void detach(Switch sw, String reason) {
        switches.detach(sw, reason);
    }

    /**
     * Deliver an event of an in-process switch through the chain, on that switch's thread;
     * completes with the chain's disposition.
     */
    public CompletableFuture<Disposition> deliver(SwitchEvent event) {
        CompletableFuture<Disposition> done = new CompletableFuture<>();
        event.sw().execute(() -> done.complete(bus.dispatch(event)));
        return done;
    }

    /** Deliver a network event through the chain on the control lane, as the core's services do. */
    public CompletableFuture<Disposition> deliver(NetworkEvent event) {
        CompletableFuture<Disposition> done = new CompletableFuture<>();
        dispatcher.control().execute(() -> done.complete(bus.dispatch(event)));
        return done;
    }

    /**
     * Wait until the control lane has nothing left to do (what was queued, and what that queued
     * in turn). For in-process switches, whose tasks run inline, the controller is then at rest.
     */
    public void awaitControlLaneIdle() {
        dispatcher.control().awaitIdle();
    }

    /**
     * Be told of events of {@code type} (and its subtypes), before any app sees them, for as long
     * as the controller runs: how an extension (the console) follows what happens without being
     * an app. The observer runs on the thread that dispatches the event (a switch's lane or the
     * control lane), so it must return at once and never wait; it cannot stop the event. Not for
     * {@link PacketIn}: nothing outside the apps is added to the per-packet path.
     */
    public <E extends Event> void observe(Class<E> type, Consumer<? super E> observer) {
        if (type.isAssignableFrom(PacketIn.class)) {
            throw new IllegalArgumentException("PACKET_IN cannot be observed (the per-packet path stays the apps')");
        }
        bus.subscribe(observers, type, e -> {
            observer.accept(e);
            return Disposition.CONTINUE;
        });
    }

    /** The cookie of an app (its flow entries' owner), by name. */
    public Optional<AppCookie> cookie(String app) {
        return apps.cookie(app);
    }

    /**
     * Completes once everything queued on the control lane before this call has run: after
     * {@link #applyNetwork} or {@link #reload()}, the new configuration is in force (the tenant
     * service shows it; flows follow as the apps recompile).
     */
    public CompletableFuture<Void> controlLaneDone() {
        CompletableFuture<Void> f = new CompletableFuture<>();
        dispatcher.control().execute(() -> f.complete(null));
        return f;
    }

    /** The lane of events about the network as a whole (tenants, links, hosts). */
    public Lane controlLane() {
        return dispatcher.control();
    }

    /** How the dispatch threads do the switches' I/O (io_uring, epoll or nio), as the start's log line says. */
    public dev.weft.core.dispatch.Transport transport() {
        return dispatcher.transport();
    }

    /** For tests in this package: the dispatch threads. */
    Dispatcher dispatcher() {
        return dispatcher;
    }

    public SwitchService switches() {
        return switches;
    }

    /** This instance's OpenFlow roles on its switches (what a cluster extension changes). */
    public dev.weft.core.openflow.SwitchRoles roles() {
        return switches;
    }

    /** What every switch that connected since the start did (packet-ins, flow-mods, errors, handshakes). */
    public List<dev.weft.core.openflow.SwitchTotals> switchTotals() {
        return switches.totals();
    }

    public TenantManager tenants() {
        return tenants;
    }

    public Reconciler reconciler() {
        return reconciler;
    }

    /**
     * Re-read the config file and put its tenants and transport nodes in force. The new file is
     * validated first: if it is invalid, the error is logged and returned, and the running
     * networks are untouched. Only the logical networks that changed are recomputed. Controller
     * settings and app settings take effect at the next start (a change to them is logged). See
     * {@link ConfigReloads}: a file without a tenants: section does not remove every tenant, and a
     * slow file holds nobody else.
     */
    public ReloadResult reload() {
        return reloads.reload();
    }

    /**
     * From now on, reloads of the config file publish its shared sections to {@code shared} (a
     * cluster's ZooKeeper) instead of applying them here, and the API writes there: what the cluster
     * extension does when it starts (before the API's extension).
     */
    public void shareConfig(dev.weft.core.config.SharedConfig shared) {
        reloads.share(shared);
    }

    /** The cluster's shared tenant config, when this instance is one of a cluster. */
    public Optional<dev.weft.core.config.SharedConfig> sharedConfig() {
        return reloads.shared();
    }

    /** Put a (validated) network configuration in force; what {@link #reload()} does after reading the file. */
    public ReloadResult applyNetwork(NetworkConfig next, WeftConfig whole) {
        return reloads.applyNetwork(next, whole);
    }

    /** A service by type (switches, topology, hosts; those apps provide), as apps get it from their context. */
    public <S> Optional<S> service(Class<S> type) {
        Object s = services.get(type);
        return s instanceof DefaultAppContext.PerApp<?> ? Optional.empty() : Optional.ofNullable(type.cast(s));
    }

    /** An extension this controller was started with. */
    public <E extends Extension> Optional<E> extension(Class<E> type) {
        return extensions.stream().filter(type::isInstance).map(type::cast).findFirst();
    }

    public List<AppHandle> apps() {
        return apps.handles();
    }

    public ControllerSettings settings() {
        return settings;
    }

    public Instant startedAt() {
        return startedAt;
    }

    @Override
    public void close() {
        log.info("stopping");
        List<Extension> reverse = new ArrayList<>(extensions);
        Collections.reverse(reverse);
        for (Extension e : reverse) {
            try {
                e.close();
            } catch (RuntimeException ex) {
                log.warn("{} failed to stop cleanly", e.name(), ex);
            }
        }
        extensions.clear();
        if (server != null) {
            server.close();
        }
        apps.stop();
        topology.close();
        if (hosts != null) {
            hosts.close();
        }
        timers.close();
        dispatcher.close();
        apps.closeCatalog();
        if (state instanceof FileStateStore f) {
            f.close(); // last: what the apps wrote while stopping is written too
        }
    }
}
