package dev.weft.core.openflow;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.projectfloodlight.openflow.types.DatapathId;

/**
 * Which "connected" (or "disconnected") lines to write one by one: at most {@link #PER_SECOND} in
 * any one-second window; the switches beyond that are counted and summarised in one line (the
 * caller writes it {@link #SUMMARY_DELAY_NANOS} after the first switch held back, from
 * {@link #takeSummary}). Any thread.
 *
 * <p>Why: a switch's lane writes its line as it activates the switch, and when a thousand
 * switches connect at once (a controller restarting, {@code weft bench -s 1000}) on a JVM
 * that is still cold, writing the line was about half of what an activation cost the lane
 * (0.3-0.5 ms of CPU a line, measured), while the switches already active waited for their
 * first read behind those activations.
 */
final class BurstLog {
    /** Lines written one by one within any one-second window. */
    static final int PER_SECOND = 10;
    static final long WINDOW_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** When the summary of a burst is due after its first switch held back. */
    static final long SUMMARY_DELAY_NANOS = WINDOW_NANOS;

    /** What {@link #admit} says to do with one switch's line. */
    enum Verdict {
        /** Write the line. */
        LOG,
        /** Held back; the first of a burst: schedule {@link #takeSummary} after {@link #SUMMARY_DELAY_NANOS}. */
        HOLD_FIRST,
        /** Held back; a summary is already due. */
        HOLD
    }

    /** The switches held back since the last summary: how many, the first and the last of them. */
    record Summary(long count, DatapathId first, DatapathId last) {
    }

    private final LongSupplier nanoClock;
    private boolean windowOpen;
    private long windowStart;
    private int written;
    private long held;
    private DatapathId firstHeld;
    private DatapathId lastHeld;

    BurstLog(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
    }

    synchronized Verdict admit(DatapathId dpid) {
        long now = nanoClock.getAsLong();
        if (!windowOpen || now - windowStart >= WINDOW_NANOS) {
            windowOpen = true;
            windowStart = now;
            written = 0;
        }
        if (written < PER_SECOND) {
            written++;
            return Verdict.LOG;
        }
        lastHeld = dpid;
        if (held++ == 0) {
            firstHeld = dpid;
            return Verdict.HOLD_FIRST;
        }
        return Verdict.HOLD;
    }

    /** The switches held back since the last summary (count 0: none); the next one held starts a new burst. */
    synchronized Summary takeSummary() {
        Summary s = new Summary(held, firstHeld, lastHeld);
        held = 0;
        firstHeld = null;
        lastHeld = null;
        return s;
    }
}
