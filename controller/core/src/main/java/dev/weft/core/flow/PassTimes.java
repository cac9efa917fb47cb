package dev.weft.core.flow;

import java.util.concurrent.atomic.AtomicLong;

/**
 * How long passes took on one switch: from handing the flow-mods over to the barrier reply
 * (for the metrics). Written where barrier replies complete, read from anywhere.
 */
public final class PassTimes {
    private final AtomicLong count = new AtomicLong();
    private final AtomicLong totalNanos = new AtomicLong();
    private volatile long lastNanos;

    void add(long nanos) {
        totalNanos.addAndGet(nanos);
        count.incrementAndGet();
        lastNanos = nanos;
    }

    public long count() {
        return count.get();
    }

    public long totalNanos() {
        return totalNanos.get();
    }

    public long lastNanos() {
        return lastNanos;
    }
}
