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
import io.netty.util.concurrent.DefaultThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
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
    private final ScheduledExecutorService timer;
    private final TopologyManager topology;
    private final HostTracker hosts;
    private final Map<Class<?>, Object> services = new HashMap<>();
    private final AppCatalog catalog;
    private final List<App> started = new ArrayList<>();
    private final List<AppHandle> handles = new ArrayList<>();
    private final OpenFlowServer server;
    private final List<InetSocketAddress> bound;
    private final Instant startedAt;

    private Controller(ControllerSettings s) {
        this.settings = s;
        this.startedAt = s.clock().instant();
        this.dispatcher = new Dispatcher(s.dispatchThreads());
        this.switches = new SwitchManager(dispatcher, bus, s.requestTimeout(), s.backpressureHighWater());
        this.timer = Executors.newSingleThreadScheduledExecutor(new DefaultThreadFactory("weft-timer", true));
        // Core services subscribe before any app, at negative places in the chain: discovery
        // consumes LLDP, host tracking learns from packet-ins, both before apps see them.
        this.topology = new TopologyManager(s.topology(), dispatcher.control(), bus, switches, s.clock(), timer,
                new LinkProbes());
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
            srv = new OpenFlowServer(new OpenFlowServer.Options(s.versions(), s.handshakeTimeout(), s.echoInterval(),
                    s.echoTimeout(), s.tableMissToController(), s.ioThreads()), switches, s.clock());
            this.bound = srv.bind(s.listen());
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
        log.info("Weft {} started: apps {} in this order, {} dispatch thread(s), {} I/O thread(s)", Version.get(),
                s.apps(), s.dispatchThreads(), s.ioThreads());
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
        for (int i = 0; i < selected.size(); i++) {
            App app = selected.get(i).app();
            AppHandle h = new AppHandle(app.name(), i);
            var ctx = new DefaultAppContext(h, bus, switches, settings.appConfig().get(app.name()),
                    settings.configSource(), cookies.get(app.name()), settings.clock(), timer, services);
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

    public SwitchService switches() {
        return switches;
    }

    /** A core service by type (switches, topology, hosts), as apps get it from their context. */
    public <S> Optional<S> service(Class<S> type) {
        return Optional.ofNullable(type.cast(services.get(type)));
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
