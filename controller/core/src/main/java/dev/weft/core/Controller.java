package dev.weft.core;

import dev.weft.api.App;
import dev.weft.api.AppCookie;
import dev.weft.api.SwitchService;
import dev.weft.core.app.AppCatalog;
import dev.weft.core.app.AppCookies;
import dev.weft.core.app.AppLoadException;
import dev.weft.core.app.DefaultAppContext;
import dev.weft.core.dispatch.AppHandle;
import dev.weft.core.dispatch.Dispatcher;
import dev.weft.core.dispatch.EventBus;
import dev.weft.core.openflow.OpenFlowServer;
import dev.weft.core.openflow.SwitchManager;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
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
        this.switches = new SwitchManager(dispatcher, bus, s.requestTimeout());
        this.tenants = new dev.weft.core.tenant.TenantManager(dispatcher.control(), bus);
        this.reconciler = new dev.weft.core.flow.Reconciler(dispatcher.control(), bus, s.flowAuditInterval());
        tenants.subscribe();
        reconciler.start();
        this.timer = Executors.newSingleThreadScheduledExecutor(new DefaultThreadFactory("weft-timer", true));
        OpenFlowServer srv = null;
        AppCatalog cat = null;
        try {
            cat = AppCatalog.discover(Controller.class.getClassLoader(), s.plugins());
            startApps(cat);
            tenants.apply(s.network());
            srv = new OpenFlowServer(new OpenFlowServer.Options(s.versions(), s.handshakeTimeout(), s.echoInterval(),
                    s.echoTimeout(), s.tableMissToController()), switches, dispatcher, s.clock());
            this.bound = srv.bind(s.listen());
        } catch (RuntimeException e) {
            if (srv != null) {
                srv.close();
            }
            stopApps();
            if (cat != null) {
                cat.close();
            }
            timer.shutdownNow();
            dispatcher.close();
            throw e;
        }
        this.catalog = cat;
        this.server = srv;
        log.info("Weft {} started: apps {} in this order, {} dispatch thread(s) ({})", Version.get(),
                s.apps(), s.dispatchThreads(), dispatcher.epoll() ? "epoll" : "nio");
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
        Map<Class<?>, Object> services = Map.of(SwitchService.class, switches,
                dev.weft.api.tenant.TenantService.class, tenants,
                dev.weft.api.flow.FlowService.class,
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

    public SwitchService switches() {
        return switches;
    }

    public dev.weft.core.tenant.TenantManager tenants() {
        return tenants;
    }

    public dev.weft.core.flow.Reconciler reconciler() {
        return reconciler;
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
        timer.shutdownNow();
        dispatcher.close();
        catalog.close();
    }
}
