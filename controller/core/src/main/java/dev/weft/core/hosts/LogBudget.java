package dev.weft.core.hosts;

/**
 * At most {@code lines} log lines per {@code windowMillis}; what is over is counted and said in
 * the first line of the next window. Hosts' moves are what the hosts send (a flood of frames
 * from one MAC on many switches moves it thousands of times a second), so their log must not
 * grow with them. One thread only (the control lane).
 */
final class LogBudget {
    private final int lines;
    private final long windowMillis;
    private long windowStart = Long.MIN_VALUE;
    private int used;
    private long skipped;

    LogBudget(int lines, long windowMillis) {
        this.lines = lines;
        this.windowMillis = windowMillis;
    }

    /**
     * Whether a line may be written now. When it may, {@link #skippedBefore()} says how many were
     * not written since the last one.
     */
    boolean take(long nowMillis) {
        if (windowStart == Long.MIN_VALUE || nowMillis - windowStart >= windowMillis) {
            windowStart = nowMillis;
            used = 0;
        }
        if (used < lines) {
            used++;
            return true;
        }
        skipped++;
        return false;
    }

    /** Lines left out since the last one written; reading it starts the count again. */
    long skippedBefore() {
        long s = skipped;
        skipped = 0;
        return s;
    }
}
