package dev.weft.core;

import dev.weft.api.App;
import dev.weft.api.AppCookie;
import dev.weft.core.app.AppCatalog;
import dev.weft.core.app.AppCookies;
import dev.weft.core.app.AppLoadException;
import dev.weft.core.app.DefaultAppContext;
import dev.weft.core.config.ConfigException;
import dev.weft.core.config.ConfigLoader;
import dev.weft.core.dispatch.AppHandle;
import dev.weft.core.dispatch.EventBus;
import dev.weft.core.dispatch.Lane;
import dev.weft.core.dispatch.Timers;
import dev.weft.core.openflow.SwitchManager;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Controller}'s apps: the installed ones the settings name (their config checked against
 * what exists), or instances given by the test harness; started in chain order, each with its
 * context and flow cookie; stopped in reverse.
 */
final class AppRunner {
    private static final Logger log = LoggerFactory.getLogger(AppRunner.class);

    private final ControllerSettings settings;
    private final EventBus bus;
    private final SwitchManager switches;
    private final Timers timers;
    private final Map<Class<?>, Object> services;
    private final Lane control;
    private final List<App> started = new ArrayList<>();
    private final List<AppHandle> handles = new ArrayList<>();
    private final Map<String, AppCookie> cookies = new ConcurrentHashMap<>();
    private AppCatalog catalog;

    AppRunner(ControllerSettings settings, EventBus bus, SwitchManager switches, Timers timers,
              Map<Class<?>, Object> services, Lane control) {
        this.settings = settings;
        this.bus = bus;
        this.switches = switches;
        this.timers = timers;
        this.services = services;
        this.control = control;
    }

    /** Starts {@code given} in this order, or (null) the installed apps the settings name. */
    void start(List<App> given) {
        if (given != null) {
            start(given.stream().map(a -> new AppCatalog.Entry(a, "given")).toList(),
                    given.stream().map(App::name).toList());
        } else {
            catalog = AppCatalog.discover(Controller.class.getClassLoader(), settings.plugins());
            checkAppConfig(catalog);
            start(catalog.select(settings.apps()), settings.apps());
        }
    }

    private void checkAppConfig(AppCatalog cat) {
        for (String configured : settings.appConfig().keySet()) {
            if (!settings.apps().contains(configured) && cat.get(configured).isEmpty()) {
                throw ConfigLoader.error(settings.configSource(), "/apps/" + configured, "apps." + configured
                        + " configures an app that does not exist; available: " + String.join(", ", cat.names()));
            }
        }
    }

    private void start(List<AppCatalog.Entry> selected, List<String> names) {
        cookies.putAll(AppCookies.assign(names));
        for (int i = 0; i < selected.size(); i++) {
            App app = selected.get(i).app();
            AppHandle h = new AppHandle(app.name(), i);
            var ctx = new DefaultAppContext(h, bus, switches, settings.appConfig().get(app.name()),
                    settings.configSource(), cookies.get(app.name()), settings.clock(), timers, services, control);
            try {
                app.start(ctx);
            } catch (AppLoadException | ConfigException e) {
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

    Optional<AppCookie> cookie(String app) {
        return Optional.ofNullable(cookies.get(app));
    }

    List<AppHandle> handles() {
        return List.copyOf(handles);
    }

    /** Stops the started apps, last first. */
    void stop() {
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

    /** Closes the plugin class loaders (after everything that may use their classes stopped). */
    void closeCatalog() {
        if (catalog != null) {
            catalog.close();
        }
    }
}
