package dev.weft.core.dispatch;

import java.util.concurrent.atomic.LongAdder;

/** An enabled app as the dispatcher sees it: its position in the chain and its counters. */
public final class AppHandle {
    private final String name;
    private final int order;
    private final LongAdder handled = new LongAdder();
    private final LongAdder failures = new LongAdder();
    private volatile long lastFailureLogNanos;
    private final LongAdder suppressedLogs = new LongAdder();

    public AppHandle(String name, int order) {
        this.name = name;
        this.order = order;
    }

    public String name() {
        return name;
    }

    /** Position in the chain: the index of the app in the enabled-apps list. */
    public int order() {
        return order;
    }

    public long handled() {
        return handled.sum();
    }

    /** Handler invocations that threw (each counted as STOP). */
    public long failures() {
        return failures.sum();
    }

    void countHandled() {
        handled.increment();
    }

    /** Count a failure; true when it should be logged (at most one log line per second per app). */
    boolean countFailure(long nowNanos) {
        failures.increment();
        if (nowNanos - lastFailureLogNanos >= 1_000_000_000L) {
            lastFailureLogNanos = nowNanos;
            return true;
        }
        suppressedLogs.increment();
        return false;
    }

    long takeSuppressed() {
        return suppressedLogs.sumThenReset();
    }

    @Override
    public String toString() {
        return name;
    }
}
