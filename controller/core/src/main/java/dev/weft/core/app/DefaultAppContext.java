package dev.weft.core.app;

import com.fasterxml.jackson.databind.JsonNode;
import dev.weft.api.AppContext;
import dev.weft.api.AppCookie;
import dev.weft.api.EventHandler;
import dev.weft.api.SwitchService;
import dev.weft.api.event.Event;
import dev.weft.core.config.ConfigLoader;
import dev.weft.core.dispatch.AppHandle;
import dev.weft.core.dispatch.EventBus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** What one app sees of the controller. */
public final class DefaultAppContext implements AppContext {
    private static final Logger log = LoggerFactory.getLogger(DefaultAppContext.class);

    private final AppHandle handle;
    private final EventBus bus;
    private final SwitchService switches;
    private final JsonNode configNode;
    private final String configSource;
    private final AppCookie cookie;
    private final Clock clock;
    private final dev.weft.core.dispatch.Timers timer;
    private final Map<Class<?>, Object> services;
    private final dev.weft.core.dispatch.Lane control;

    public DefaultAppContext(AppHandle handle, EventBus bus, SwitchService switches, JsonNode configNode,
                             String configSource, AppCookie cookie, Clock clock, dev.weft.core.dispatch.Timers timer,
                             Map<Class<?>, Object> services, dev.weft.core.dispatch.Lane control) {
        this.handle = handle;
        this.bus = bus;
        this.switches = switches;
        this.configNode = configNode;
        this.configSource = configSource;
        this.cookie = cookie;
        this.clock = clock;
        this.timer = timer;
        // Shared, not copied: a service an app provides is seen by every app and the controller.
        this.services = services;
        this.control = control;
    }

    @Override
    public void publish(dev.weft.api.event.NetworkEvent event) {
        java.util.Objects.requireNonNull(event, "event");
        control.execute(() -> bus.dispatch(event));
    }

    @Override
    public <S> void provide(Class<S> type, S service) {
        if (!type.isInstance(service)) {
            throw new IllegalArgumentException(service + " is not a " + type.getName());
        }
        if (services.putIfAbsent(type, service) != null) {
            throw new IllegalStateException("app '" + handle.name() + "' cannot provide " + type.getSimpleName()
                    + ": the controller already has one");
        }
        log.debug("app '{}' provides {}", handle.name(), type.getSimpleName());
    }

    @Override
    public void defer(Runnable task) {
        control.execute(() -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                log.warn("app '{}' deferred task failed", handle.name(), e);
            }
        });
    }

    @Override
    public String appName() {
        return handle.name();
    }

    @Override
    public <E extends Event> void on(Class<E> type, EventHandler<? super E> handler) {
        bus.subscribe(handle, type, handler);
    }

    @Override
    public SwitchService switches() {
        return switches;
    }

    @Override
    public <T> T config(Class<T> type) {
        return ConfigLoader.bind(configSource, "apps." + handle.name(), configNode, type);
    }

    @Override
    public AppCookie cookie() {
        return cookie;
    }

    @Override
    public Clock clock() {
        return clock;
    }

    @Override
    public Cancellable schedule(Duration initialDelay, Duration period, Runnable task) {
        Runnable guarded = () -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                log.warn("app '{}' timer task failed", handle.name(), e);
            }
        };
        return timer.every(initialDelay, period, guarded);
    }

    @Override
    public <S> Optional<S> service(Class<S> type) {
        Object s = services.get(type);
        if (s instanceof PerApp<?> p) {
            s = p.forApp(cookie);
        }
        return Optional.ofNullable(type.cast(s));
    }

    /** A service whose instance is bound to the app asking for it (e.g. the flow service). */
    @FunctionalInterface
    public interface PerApp<S> {
        S forApp(AppCookie app);
    }
}
