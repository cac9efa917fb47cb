package dev.weft.core.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.api.Switch;
import dev.weft.api.SwitchService;
import dev.weft.api.event.SwitchConnected;
import dev.weft.core.dispatch.EventBus;
import dev.weft.core.dispatch.Lane;
import dev.weft.core.dispatch.Timers;
import dev.weft.fakes.FakeSwitch;
import io.netty.channel.DefaultEventLoop;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.DatapathId;

/**
 * Switches that connect one after another (as a thousand do when a controller starts, or as
 * {@code weft bench} connects them) do not cost a topology rebuild each: the control lane
 * rebuilds the snapshot once per batch, and a batch waits until the previous one is
 * {@link TopologyManager#BATCH_SPACING} times its duration past. Counted, not timed: the clock
 * the manager measures batches with is a fake on which every batch lasts 20 ms, so a batch waits
 * the longest wait (200 ms of real time) for the next connects, and even a slow machine connects
 * the thousand switches in far fewer than a hundred such waits; a manager that rebuilt per switch
 * would rebuild once per connect here (each connect waits for the lane to be idle again).
 */
class TopologyBurstTest {
    private static final int SWITCHES = 1000;

    private final DefaultEventLoop loop = new DefaultEventLoop();
    private final Lane control = new Lane(0, loop);
    private final EventBus bus = new EventBus();
    private final Map<DatapathId, Switch> connected = new ConcurrentHashMap<>();
    private final Timers timers = Timers.thread("topology-burst-test-timer");
    /** Every reading moves it on by 20 ms: a batch (two readings) lasts 20 ms. */
    private final AtomicLong nanos = new AtomicLong();
    private final TopologyManager topology = new TopologyManager(
            TopologySettings.DEFAULTS.withLinkTimeout(Duration.ofHours(2)).withProbeInterval(Duration.ofHours(1)), control, bus, new SwitchService() {
                @Override
                public Collection<Switch> all() {
                    return List.copyOf(connected.values());
                }

                @Override
                public Optional<Switch> get(DatapathId id) {
                    return Optional.ofNullable(connected.get(id));
                }
            }, Clock.systemUTC(), timers, new LinkProbes(),
            () -> nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(20)));

    @AfterEach
    void tearDown() {
        topology.close();
        timers.close();
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private void connect(long dpid) {
        FakeSwitch sw = FakeSwitch.withPorts(dpid, OFVersion.OF_13, 4);
        connected.put(sw.id(), sw);
        bus.dispatch(new SwitchConnected(sw));
    }

    private void awaitSwitches(int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (topology.current().switches().size() < n && System.nanoTime() < deadline) {
            control.awaitIdle();
            Thread.sleep(5); // a batch may be scheduled for up to 200 ms from now
        }
        assertEquals(n, topology.current().switches().size(), "every switch is in the snapshot");
    }

    @Test
    void switchesConnectingOneByOneAreRebuiltInBatchesNotPerSwitch() throws Exception {
        topology.start();
        for (int i = 1; i <= SWITCHES; i++) {
            connect(i);
            control.awaitIdle(); // the lane is idle again before the next connect
        }
        awaitSwitches(SWITCHES);
        long rebuilds = topology.snapshotRebuilds();
        assertTrue(rebuilds <= SWITCHES / 10,
                SWITCHES + " switches connected one by one: " + rebuilds + " snapshot rebuilds, expected at most "
                        + SWITCHES / 10 + " (one per batch, not one per switch)");
        for (int i = 1; i <= SWITCHES; i++) {
            assertEquals(4, topology.current().ports(DatapathId.of(i)).size(), "switch " + i + "'s ports");
        }
    }

    @Test
    void aChangeAfterAQuietSpellIsPublishedAtOnce() throws Exception {
        topology.start();
        connect(1);
        awaitSwitches(1);
        nanos.addAndGet(TimeUnit.SECONDS.toNanos(1)); // long after the last batch
        long before = topology.snapshotRebuilds();
        connect(2);
        control.awaitIdle();
        assertTrue(topology.current().contains(DatapathId.of(2)),
                "a connect long after the previous batch is in the snapshot as soon as the lane is idle");
        assertEquals(before + 1, topology.snapshotRebuilds());
    }
}
