package dev.weft.core.dispatch;

import dev.weft.api.Disposition;
import dev.weft.api.event.Event;
import dev.weft.api.event.SwitchConnected;
import dev.weft.api.event.SwitchDisconnected;
import dev.weft.api.event.SwitchEvent;
import dev.weft.fakes.FakeSwitch;
import org.junit.jupiter.api.Test;
import org.projectfloodlight.openflow.protocol.OFVersion;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EventBusTest {
    private final EventBus bus = new EventBus();
    private final List<String> calls = new ArrayList<>();
    private final SwitchConnected event = new SwitchConnected(FakeSwitch.withPorts(1, OFVersion.OF_13, 2));

    private AppHandle app(String name, int order) {
        return new AppHandle(name, order);
    }

    private void record(AppHandle a, String tag, Disposition d) {
        bus.subscribe(a, SwitchConnected.class, e -> {
            calls.add(tag);
            return d;
        });
    }

    @Test
    void chainFollowsTheOrderOfEnabledAppsNotOfSubscription() {
        AppHandle first = app("first", 0);
        AppHandle second = app("second", 1);
        AppHandle third = app("third", 2);
        record(third, "third", Disposition.CONTINUE);
        record(first, "first-a", Disposition.CONTINUE);
        record(second, "second", Disposition.CONTINUE);
        record(first, "first-b", Disposition.CONTINUE);
        assertEquals(Disposition.CONTINUE, bus.dispatch(event));
        assertEquals(List.of("first-a", "first-b", "second", "third"), calls);
    }

    @Test
    void stopEndsTheChain() {
        record(app("a", 0), "a", Disposition.CONTINUE);
        record(app("b", 1), "b", Disposition.STOP);
        record(app("c", 2), "c", Disposition.CONTINUE);
        assertEquals(Disposition.STOP, bus.dispatch(event));
        assertEquals(List.of("a", "b"), calls);
    }

    @Test
    void throwingHandlerCountsAsStopIsCountedAndDoesNotBreakLaterEvents() {
        AppHandle bad = app("isolation", 0);
        AppHandle later = app("forwarding", 1);
        bus.subscribe(bad, SwitchConnected.class, e -> {
            calls.add("bad");
            throw new IllegalStateException("boom");
        });
        record(later, "later", Disposition.CONTINUE);
        assertEquals(Disposition.STOP, bus.dispatch(event), "fail closed");
        assertEquals(Disposition.STOP, bus.dispatch(event));
        assertEquals(List.of("bad", "bad"), calls, "the app after a failing one never sees the event");
        assertEquals(2, bad.failures());
        assertEquals(0, later.handled());
    }

    @Test
    void subscribingToASupertypeSeesEverySubtype() {
        List<Event> seen = new ArrayList<>();
        bus.subscribe(app("all", 0), SwitchEvent.class, e -> {
            seen.add(e);
            return Disposition.CONTINUE;
        });
        bus.dispatch(event);
        bus.dispatch(new SwitchDisconnected(event.sw(), "test"));
        assertEquals(2, seen.size());
        assertTrue(bus.hasSubscribers(SwitchDisconnected.class));
    }

    @Test
    void eventsNobodyWantsAreCheap() {
        assertFalse(bus.hasSubscribers(SwitchConnected.class));
        assertEquals(Disposition.CONTINUE, bus.dispatch(event));
    }

    @Test
    void subscriptionAfterDispatchIsSeen() {
        record(app("a", 0), "a", Disposition.CONTINUE);
        bus.dispatch(event);
        record(app("b", 1), "b", Disposition.CONTINUE);
        bus.dispatch(event);
        assertEquals(List.of("a", "a", "b"), calls);
    }
}
