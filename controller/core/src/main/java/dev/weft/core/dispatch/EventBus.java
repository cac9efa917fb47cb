package dev.weft.core.dispatch;

import dev.weft.api.Disposition;
import dev.weft.api.EventHandler;
import dev.weft.api.event.Event;
import dev.weft.api.event.SwitchEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The NOX-style handler chain. Handlers of an event run in the order of the enabled apps (and,
 * within an app, of subscription); a handler may subscribe to a supertype such as
 * {@link SwitchEvent}. A handler that returns STOP ends the chain; one that throws counts as
 * STOP (fail closed), is logged with its app's name and counted.
 */
public final class EventBus {
    private static final Logger log = LoggerFactory.getLogger(EventBus.class);
    private static final Subscription[] NONE = new Subscription[0];

    private record Subscription(AppHandle app, Class<? extends Event> type, EventHandler<Event> handler, long seq) {
    }

    private final AtomicLong seq = new AtomicLong();
    private volatile List<Subscription> subscriptions = List.of();
    // Replaced (not cleared) on subscribe, so a chain computed from old subscriptions can never
    // land in the new cache.
    private volatile Map<Class<?>, Subscription[]> chains = new ConcurrentHashMap<>();

    @SuppressWarnings("unchecked")
    public synchronized <E extends Event> void subscribe(AppHandle app, Class<E> type, EventHandler<? super E> handler) {
        var list = new ArrayList<>(subscriptions);
        list.add(new Subscription(app, type, (EventHandler<Event>) handler, seq.incrementAndGet()));
        list.sort(Comparator.comparingInt((Subscription s) -> s.app().order()).thenComparingLong(Subscription::seq));
        subscriptions = List.copyOf(list);
        chains = new ConcurrentHashMap<>();
    }

    /** Whether any app handles events of this class (lets the core skip work nobody wants). */
    public boolean hasSubscribers(Class<? extends Event> type) {
        return chain(type).length > 0;
    }

    /** Run the chain for {@code event} on the calling thread; the disposition of the last handler run. */
    public Disposition dispatch(Event event) {
        Subscription[] chain = chain(event.getClass());
        for (Subscription s : chain) {
            Disposition d;
            try {
                d = s.handler().handle(event);
                s.app().countHandled();
            } catch (VirtualMachineError e) {
                throw e;
            } catch (Throwable t) {
                failed(s.app(), event, t);
                return Disposition.STOP;
            }
            if (d == Disposition.STOP) {
                return Disposition.STOP;
            }
        }
        return Disposition.CONTINUE;
    }

    private void failed(AppHandle app, Event event, Throwable t) {
        if (app.countFailure(System.nanoTime())) {
            long suppressed = app.takeSuppressed();
            String where = event instanceof SwitchEvent se ? se.sw().id() + " " : "";
            log.warn("{}app '{}' failed handling {}; treated as STOP{}", where, app.name(),
                    event.getClass().getSimpleName(),
                    suppressed > 0 ? " (" + suppressed + " similar failures not logged)" : "", t);
        }
    }

    private Subscription[] chain(Class<?> type) {
        Map<Class<?>, Subscription[]> cache = chains;
        Subscription[] c = cache.get(type);
        if (c == null) {
            c = subscriptions.stream().filter(s -> s.type().isAssignableFrom(type)).toArray(Subscription[]::new);
            if (c.length == 0) {
                c = NONE;
            }
            cache.put(type, c);
        }
        return c;
    }

    @Override
    public String toString() {
        return "EventBus" + Arrays.toString(subscriptions.toArray());
    }
}
