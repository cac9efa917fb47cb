package dev.weft.core;

import dev.weft.api.App;
import dev.weft.api.AppCookie;
import dev.weft.api.SwitchService;
import dev.weft.api.host.HostService;
import dev.weft.api.topology.TopologyService;
import dev.weft.core.app.AppCatalog;
import dev.weft.core.app.AppCookies;
import dev.weft.core.app.AppLoadException;
import dev.weft.core.app.DefaultAppContext;
import dev.weft.core.dispatch.AppHandle;
import dev.weft.core.dispatch.Dispatcher;
import dev.weft.core.dispatch.EventBus;
import dev.weft.core.hosts.HostTracker;
import dev.weft.core.openflow.OpenFlowServer;
import dev.weft.core.openflow.SwitchManager;
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
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The composition root: builds the dispatcher, the switch registry, the apps and the OpenFlow
 * listeners, wired by constructor, and tears them down in reverse. Apps are started before the
 * listeners open, so no switch can connect to a half-started controller.
 */
public final class Controller implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Controller.class);

    private final ControllerSettings settings;
    private final Dispatcher dispatcher;
    private final EventBus bus = new EventBus();
    private final SwitchManager switches;
    private final dev.weft.core.tenant.TenantManager tenants;
    private final dev.weft.core.flow.Reconciler reconciler;
    private final ScheduledExecutorService timer;
    private final TopologyManager topology;
    private final HostTracker hosts;
    private final Map<Class<?>, Object> services = new java.util.concurrent.ConcurrentHashMap<>();
    private final AppCatalog catalog;
    private final List<App> started = new ArrayList<>();
    private final List<AppHandle> handles = new ArrayList<>();
    private final OpenFlowServer server;
    private final List<InetSocketAddress> bound;
    private final Instant startedAt;
    private final dev.weft.core.config.ControllerSection loadedController;
    private final dev.weft.core.rest.RestServer rest;

    private Controller(ControllerSettings s) {
        this.settings = s;
        this.startedAt = s.clock().instant();
        this.loadedController = s.configFile().map(f -> {
            try {
                return dev.weft.core.config.ConfigLoader.load(f).controller();
            } catch (RuntimeException e) {
                return null;
            }
        }).orElse(null);
        this.dispatcher = new Dispatcher(s.dispatchThreads());
        this.switches = new SwitchManager(dispatcher, bus, s.requestTimeout(), s.takeoverProbe());
        this.tenants = new dev.weft.core.tenant.TenantManager(dispatcher.control(), bus, s.clock());
        this.reconciler = new dev.weft.core.flow.Reconciler(dispatcher.control(), bus, s.flowAuditInterval());
        tenants.subscribe();
        reconciler.start();
        reconciler.holdUntil(tenants.allNodesReported(), s.startupHold());
        this.timer = Executors.newSingleThreadScheduledExecutor(dev.weft.core.dispatch.NamedThreads.single("weft-timer"));
        // Core services subscribe before any app, at negative places in the chain: discovery
        // consumes LLDP, host tracking learns from packet-ins, both before apps see them.
        this.topology = new TopologyManager(s.topology(), dispatcher.control(), bus, switches, s.clock(), timer,
                new LinkProbes());
        topology.skipProbing(dpid -> tenants.config().node(dpid).isPresent());
        topology.start();
        services.put(SwitchService.class, switches);
        services.put(TopologyService.class, topology);
        if (s.topology().hosts().tracking()) {
            this.hosts = new HostTracker(s.topology().hosts(), topology, dispatcher.control(), bus, s.clock(), timer);
            hosts.start();
            services.put(HostService.class, hosts);
        } else {
            this.hosts = null;
        }
        OpenFlowServer srv = null;
        AppCatalog cat = null;
        try {
            cat = AppCatalog.discover(Controller.class.getClassLoader(), s.plugins());
            startApps(cat);
            tenants.apply(s.network());
            srv = new OpenFlowServer(new OpenFlowServer.Options(s.versions(), s.handshakeTimeout(), s.echoInterval(),
                    s.echoTimeout(), s.tableMissToController(), switchTls(s),
                    new dev.weft.core.openflow.DatapathPins(s.pins())), switches, dispatcher, s.clock());
            this.bound = srv.bindAll(s.listen());
        } catch (RuntimeException e) {
            if (srv != null) {
                srv.close();
            }
            stopApps();
            if (cat != null) {
                cat.close();
            }
            topology.close();
            if (hosts != null) {
                hosts.close();
            }
            timer.shutdownNow();
            dispatcher.close();
            throw e;
        }
        this.catalog = cat;
        this.server = srv;
        // Last: a request may come at once, and sees a fully started controller.
        try {
            this.rest = s.rest().map(r -> {
                java.util.concurrent.ExecutorService writer = dev.weft.core.rest.RestServer.newWriter();
                return new dev.weft.core.rest.RestServer(r,
                        new dev.weft.core.rest.RestApi(this, this::service, writer).routes(), writer);
            }).orElse(null);
        } catch (RuntimeException e) {
            closeAll();
            throw e;
        }
        log.info("Weft {} started: apps {} in this order, {} dispatch thread(s) ({})", Version.get(),
                s.apps(), s.dispatchThreads(), dispatcher.epoll() ? "epoll" : "nio");
    }

    private static Optional<io.netty.handler.ssl.SslContext> switchTls(ControllerSettings s) {
        try {
            return s.switchTls().map(dev.weft.core.tls.PemTls::serverContext);
        } catch (IllegalArgumentException e) {
            throw new dev.weft.core.config.ConfigException(s.configSource(), "controller.tls: " + e.getMessage());
        }
    }

    /** Start a controller; throws {@link AppLoadException}, {@link dev.weft.core.config.ConfigException} or
     * {@link IllegalStateException} (cannot listen) with a message fit for the user. */
    public static Controller start(ControllerSettings settings) {
        return new Controller(settings);
    }

    private void startApps(AppCatalog cat) {
        List<AppCatalog.Entry> selected = cat.select(settings.apps());
        for (String configured : settings.appConfig().keySet()) {
            if (!settings.apps().contains(configured) && cat.get(configured).isEmpty()) {
                throw new dev.weft.core.config.ConfigException(settings.configSource(), "apps." + configured
                        + " configures an app that does not exist; available: " + String.join(", ", cat.names()));
            }
        }
        Map<String, AppCookie> cookies = AppCookies.assign(settings.apps());
        services.put(dev.weft.api.tenant.TenantService.class, tenants);
        services.put(dev.weft.api.tenant.LocationControl.class, tenants.locationControl());
        services.put(dev.weft.api.flow.FlowService.class,
                (DefaultAppContext.PerApp<dev.weft.api.flow.FlowService>) reconciler::forApp);
        for (int i = 0; i < selected.size(); i++) {
            App app = selected.get(i).app();
            AppHandle h = new AppHandle(app.name(), i);
            var ctx = new DefaultAppContext(h, bus, switches, settings.appConfig().get(app.name()),
                    settings.configSource(), cookies.get(app.name()), settings.clock(), timer, services,
                    dispatcher.control());
            try {
                app.start(ctx);
            } catch (AppLoadException | dev.weft.core.config.ConfigException e) {
                throw e;
            } catch (Exception e) {
                throw new AppLoadException("app '" + app.name() + "' failed to start: " + e.getMessage(), e);
            }
            started.add(app);
            handles.add(h);
            log.info("app '{}' started ({}, cookie id {})", app.name(), selected.get(i).source(),
                    cookies.get(app.name()).appId());
        }
    }

    private void stopApps() {
        List<App> reverse = new ArrayList<>(started);
        Collections.reverse(reverse);
        for (App a : reverse) {
            try {
                a.stop();
            } catch (RuntimeException e) {
                log.warn("app '{}' failed to stop cleanly", a.name(), e);
            }
        }
        started.clear();
    }

    /** The addresses actually bound (useful with port 0). */
    public List<InetSocketAddress> openflowAddresses() {
        return bound;
    }

    /**
     * Completes once everything queued on the control lane before this call has run: after
     * {@link #applyNetwork} or {@link #reload()}, the new configuration is in force (the tenant
     * service shows it; flows follow as the apps recompile).
     */
    public java.util.concurrent.CompletableFuture<Void> controlLaneDone() {
        java.util.concurrent.CompletableFuture<Void> f = new java.util.concurrent.CompletableFuture<>();
        dispatcher.control().execute(() -> f.complete(null));
        return f;
    }

    /** Where the REST API listens (empty: it is off). */
    public Optional<InetSocketAddress> restAddress() {
        return Optional.ofNullable(rest).map(dev.weft.core.rest.RestServer::address);
    }

    public SwitchService switches() {
        return switches;
    }

    public dev.weft.core.tenant.TenantManager tenants() {
        return tenants;
    }

    public dev.weft.core.flow.Reconciler reconciler() {
        return reconciler;
    }

    /**
     * Re-read the config file and put its tenants and transport nodes in force. The new file is
     * validated first: if it is invalid, the error is logged and returned, and the running
     * networks are untouched. Only the logical networks that changed are recomputed. Controller
     * settings and app settings take effect at the next start (a change to them is logged).
     */
    public synchronized dev.weft.core.config.ReloadResult reload() {
        java.nio.file.Path file = settings.configFile().orElse(null);
        if (file == null) {
            return new dev.weft.core.config.ReloadResult(dev.weft.core.config.ReloadResult.Outcome.REJECTED,
                    "no config file to reload (start with --config FILE)", java.util.Set.of());
        }
        dev.weft.core.config.WeftConfig next;
        try {
            next = dev.weft.core.config.ConfigLoader.load(file);
        } catch (dev.weft.core.config.ConfigException e) {
            log.error("config reload rejected, the running configuration stays: {}", e.getMessage());
            return new dev.weft.core.config.ReloadResult(dev.weft.core.config.ReloadResult.Outcome.REJECTED,
                    e.getMessage(), java.util.Set.of());
        }
        return applyNetwork(next.network(), next);
    }

    /** Put a (validated) network configuration in force; what {@link #reload()} does after reading the file. */
    public synchronized dev.weft.core.config.ReloadResult applyNetwork(dev.weft.api.tenant.NetworkConfig next,
                                                                       dev.weft.core.config.WeftConfig whole) {
        dev.weft.api.tenant.NetworkConfig current = tenants.config();
        java.util.Set<Integer> changed = dev.weft.core.tenant.ConfigDiff.changedSegments(current, next);
        boolean nodes = !current.transportNodes().equals(next.transportNodes());
        if (whole != null && (!whole.controller().equals(loadedController) || !whole.apps().equals(settings.appConfig()))) {
            log.warn("controller or app settings in {} changed; they take effect at the next start", whole.source());
        }
        if (changed.isEmpty() && !nodes) {
            log.info("config reloaded: no change to tenants or transport nodes");
            return new dev.weft.core.config.ReloadResult(dev.weft.core.config.ReloadResult.Outcome.UNCHANGED,
                    "no change", java.util.Set.of());
        }
        tenants.apply(next);
        String msg = changed.size() + " logical network(s) changed" + (nodes ? ", transport nodes changed" : "");
        log.info("config reloaded: {}", msg);
        return new dev.weft.core.config.ReloadResult(dev.weft.core.config.ReloadResult.Outcome.APPLIED, msg, changed);
    }

    /** A service by type (switches, topology, hosts; those apps provide), as apps get it from their context. */
    public <S> Optional<S> service(Class<S> type) {
        Object s = services.get(type);
        return s instanceof DefaultAppContext.PerApp<?> ? Optional.empty() : Optional.ofNullable(type.cast(s));
    }

    public List<AppHandle> apps() {
        return List.copyOf(handles);
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
        if (rest != null) {
            rest.close();
        }
        closeAll();
    }

    private void closeAll() {
        server.close();
        stopApps();
        topology.close();
        if (hosts != null) {
            hosts.close();
        }
        timer.shutdownNow();
        dispatcher.close();
        catalog.close();
    }
}
