package dev.weft.core.openflow;

import dev.weft.api.Disposition;
import dev.weft.api.event.Event;
import dev.weft.core.dispatch.AppHandle;
import dev.weft.core.dispatch.EventBus;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** An event bus with one app that records every event it sees. */
final class RecordingBus {
    final EventBus bus = new EventBus();
    final BlockingQueue<Event> events = new LinkedBlockingQueue<>();

    RecordingBus() {
        bus.subscribe(new AppHandle("recorder", 0), Event.class, e -> {
            events.add(e);
            return Disposition.CONTINUE;
        });
    }

    <E extends Event> E next(Class<E> type) throws InterruptedException {
        Event e = events.poll(5, TimeUnit.SECONDS);
        if (e == null) {
            throw new AssertionError("no event within 5 s; expected " + type.getSimpleName());
        }
        if (!type.isInstance(e)) {
            throw new AssertionError("expected " + type.getSimpleName() + " but got " + e);
        }
        return type.cast(e);
    }

    List<Event> drain() {
        List<Event> l = new ArrayList<>();
        events.drainTo(l);
        return l;
    }
}
