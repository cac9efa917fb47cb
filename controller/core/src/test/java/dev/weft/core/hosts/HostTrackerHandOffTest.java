package dev.weft.core.hosts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.api.Disposition;
import dev.weft.api.event.HostAdded;
import dev.weft.api.event.HostMoved;
import dev.weft.api.host.Host;
import dev.weft.api.topology.SwitchPort;
import dev.weft.core.dispatch.AppHandle;
import dev.weft.core.dispatch.EventBus;
import dev.weft.core.dispatch.Lane;
import dev.weft.core.dispatch.Timers;
import io.netty.channel.DefaultEventLoop;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.VlanVid;

/**
 * How host changes reach the control lane: in order, one lane task per burst, and not at all
 * for new hosts nobody subscribes to (a learning switch alone would otherwise wake the control
 * thread for every packet-in from a new MAC).
 */
class HostTrackerHandOffTest {
    private final DefaultEventLoop loop = new DefaultEventLoop();
    private final Lane control = new Lane(-2, loop);
    private final EventBus bus = new EventBus();
    private final Timers timers = Timers.thread("test-timer");
    private final HostTracker tracker = new HostTracker(HostSettings.DEFAULTS, null, control, bus, Clock.systemUTC(),
            timers);

    @AfterEach
    void tearDown() {
        timers.close();
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private static Host host(int i, SwitchPort at) {
        Instant t = Instant.EPOCH;
        return new Host(MacAddress.of(i), VlanVid.ZERO, at, Set.of(), t, t);
    }

    private CountDownLatch blockControlLane() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch blocked = new CountDownLatch(1);
        control.execute(() -> {
            blocked.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertTrue(blocked.await(10, TimeUnit.SECONDS));
        return release;
    }

    @Test
    void newHostsNobodySubscribesToCostTheControlLaneNothing() throws Exception {
        CountDownLatch release = blockControlLane();
        for (int i = 1; i <= 100; i++) {
            tracker.changed(new HostAdded(host(i, SwitchPort.of(1, 1))));
        }
        assertEquals(0, control.pendingTasks(), "no task queued for hosts nobody listens to");
        tracker.changed(new HostMoved(host(1, SwitchPort.of(1, 2)), SwitchPort.of(1, 1)));
        assertEquals(1, control.pendingTasks(), "a move is still handed over (it is logged, and observed)");
        release.countDown();
        control.awaitIdle();
    }

    @Test
    void subscribedHostEventsArriveInOrderWithOneTaskPerBurst() throws Exception {
        List<Object> seen = new ArrayList<>(); // control lane only
        bus.subscribe(new AppHandle("hosts", 1), HostAdded.class, e -> {
            seen.add(e.host().mac());
            return Disposition.CONTINUE;
        });
        bus.subscribe(new AppHandle("moves", 2), HostMoved.class, e -> {
            seen.add("moved " + e.host().mac());
            return Disposition.CONTINUE;
        });
        CountDownLatch release = blockControlLane();
        for (int i = 1; i <= 100; i++) {
            tracker.changed(new HostAdded(host(i, SwitchPort.of(1, 1))));
        }
        tracker.changed(new HostMoved(host(7, SwitchPort.of(1, 2)), SwitchPort.of(1, 1)));
        assertEquals(1, control.pendingTasks(), "101 changes, one control-lane task");
        release.countDown();
        control.awaitIdle();
        assertEquals(101, seen.size());
        for (int i = 1; i <= 100; i++) {
            assertEquals(MacAddress.of(i), seen.get(i - 1));
        }
        assertEquals("moved " + MacAddress.of(7), seen.get(100));
    }
}
