package dev.weft.core.openflow;

import dev.weft.core.dispatch.Lane;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * One lane's switches that ended their handshake and wait to be announced to the apps, announced in
 * slices between the lane's turns of reads. A slice lasts about as long as the lane spent on other
 * work since the previous slice (at least {@link #MIN_SLICE_NANOS}), so while a burst of switches
 * joins, the switches already active keep a read every turn and the lane's time is shared about
 * evenly between them and the newcomers.
 *
 * <p>Why: on a cold JVM announcing a switch (its "connected" line, the {@code SwitchConnected}
 * chain) costs 0.2-2 ms, and when the read that ended a handshake also announced the switch, a
 * turn over a thousand switches did hundreds of announcements before it came to the switches that
 * were active already: in {@code weft bench}'s first second hundreds of them got no answer. Queued
 * as ordinary lane tasks the announcements would not help enough: Netty runs a turn's tasks for
 * as long as its reads took but looks at the clock only every 64 tasks. So a slice runs in one
 * task, and the next is scheduled (not queued): Netty takes scheduled tasks in only at the start of
 * a turn's tasks, after that turn's reads.
 *
 * <p>Lane thread only.
 */
final class Admissions {
    private static final Logger log = LoggerFactory.getLogger(Admissions.class);
    /** The least a slice lasts (then at least one announcement, whatever it costs). */
    static final long MIN_SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(2);

    private final Lane lane;
    private final LongSupplier nanoClock;
    private final ArrayDeque<Runnable> waiting = new ArrayDeque<>();
    private final Runnable slice = this::slice;
    /** A slice is queued or scheduled and will look at {@link #waiting}. */
    private boolean pending;
    /** When the pending slice was queued: the lane's other work since then sets its length. */
    private long pendingSince;

    Admissions(Lane lane) {
        this(lane, System::nanoTime);
    }

    Admissions(Lane lane, LongSupplier nanoClock) {
        this.lane = lane;
        this.nanoClock = nanoClock;
    }

    /** Lane: run {@code announcement} in a slice, after those offered before it. */
    void offer(Runnable announcement) {
        waiting.add(announcement);
        if (!pending) {
            pending = true;
            pendingSince = nanoClock.getAsLong();
            lane.execute(slice); // this turn's reads end first: we are in one of them
        }
    }

    private void slice() {
        long start = nanoClock.getAsLong();
        long otherWork = start - pendingSince;
        long budget = Math.max(MIN_SLICE_NANOS, otherWork);
        pending = false;
        int announced = 0;
        Runnable next;
        while ((next = waiting.poll()) != null) {
            try {
                next.run();
            } catch (RuntimeException e) {
                log.error("announcing a switch failed on lane {}", lane.index(), e);
            }
            announced++;
            if (nanoClock.getAsLong() - start >= budget) {
                break;
            }
        }
        if (log.isDebugEnabled()) {
            log.debug("lane {}: {} switches announced in {} us (after {} us of other work), {} waiting", lane.index(),
                    announced, (nanoClock.getAsLong() - start) / 1000, otherWork / 1000, waiting.size());
        }
        if (!waiting.isEmpty()) {
            pending = true;
            pendingSince = nanoClock.getAsLong();
            try {
                lane.schedule(slice, 0, TimeUnit.NANOSECONDS); // after the next turn's reads
            } catch (RejectedExecutionException e) {
                // stopping: the connections close with the lane
            }
        }
    }
}
