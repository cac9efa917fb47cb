package dev.weft.topology;

import dev.weft.api.App;
import dev.weft.api.AppContext;
import dev.weft.api.Disposition;
import dev.weft.api.event.NetworkEvent;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * A test app ({@code event-log}) that records every network event with the time it was
 * delivered, and the thread it was delivered on. Enable it first in the chain.
 */
public final class EventLog implements App {
    /** The instance most recently started (tests run one controller at a time). */
    private static volatile EventLog last;

    /** {@code nanos}: System.nanoTime(); {@code at}: wall clock, comparable with a switch's connectedSince. */
    public record Entry(NetworkEvent event, long nanos, java.time.Instant at, String thread) {
    }

    private final List<Entry> entries = new CopyOnWriteArrayList<>();

    public static EventLog last() {
        return last;
    }

    @Override
    public String name() {
        return "event-log";
    }

    @Override
    public void start(AppContext ctx) {
        ctx.on(NetworkEvent.class, e -> {
            entries.add(new Entry(e, System.nanoTime(), java.time.Instant.now(), Thread.currentThread().getName()));
            return Disposition.CONTINUE;
        });
        last = this;
    }

    public List<Entry> entries() {
        return List.copyOf(entries);
    }

    /** When the last LinkAdded so far was delivered. */
    public java.time.Instant lastLinkAdded() {
        return entries.stream().filter(e -> e.event() instanceof dev.weft.api.event.LinkAdded).map(Entry::at)
                .max(java.util.Comparator.naturalOrder()).orElseThrow();
    }

    public <E extends NetworkEvent> List<E> events(Class<E> type) {
        return entries.stream().map(Entry::event).filter(type::isInstance).map(type::cast).toList();
    }

    /** Wait (bounded) for an event matching {@code p} delivered at or after {@code sinceNanos}. */
    public <E extends NetworkEvent> Optional<Entry> await(Class<E> type, Predicate<E> p, long sinceNanos,
                                                         Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            for (Entry e : entries) {
                if (e.nanos() >= sinceNanos && type.isInstance(e.event()) && p.test(type.cast(e.event()))) {
                    return Optional.of(e);
                }
            }
            if (System.nanoTime() > deadline) {
                return Optional.empty();
            }
            Thread.sleep(2);
        }
    }
}
