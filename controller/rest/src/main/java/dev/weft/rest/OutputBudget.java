package dev.weft.rest;

import io.netty.buffer.ByteBuf;

/**
 * The bytes of answers the server holds for sending, across all connections, and their limit
 * ({@code rest: limits: max-output-bytes}). An answer is counted once however many connections
 * send it ({@link Body}). When a new answer would go over the limit, the cached answers nobody is
 * sending are dropped first; if that is not enough the answer is refused (the caller says 503).
 */
final class OutputBudget {
    private final long max;
    private long used;
    private long peak;
    private Runnable dropIdle = () -> { };

    OutputBudget(long max) {
        this.max = max;
    }

    long max() {
        return max;
    }

    /** What to call to drop the answers only a cache holds (they come back later, encoded anew). */
    void onShortage(Runnable dropIdle) {
        this.dropIdle = dropIdle;
    }

    /**
     * {@code bytes} (whose ownership passes here) as a body held once by the caller, or null
     * when holding them would take the server over its limit (then they are released).
     */
    Body admit(ByteBuf bytes, String contentType) {
        long n = bytes.readableBytes();
        if (!take(n)) {
            dropIdle.run(); // outside the lock: it releases bodies, which takes it
            if (!take(n)) {
                bytes.release();
                return null;
            }
        }
        return new Body(bytes, contentType, this);
    }

    private synchronized boolean take(long n) {
        if (used + n > max) {
            return false;
        }
        used += n;
        peak = Math.max(peak, used);
        return true;
    }

    synchronized void giveBack(long n) {
        used -= n;
    }

    /** The bytes held now. */
    synchronized long used() {
        return used;
    }

    /** The most bytes ever held at once. */
    synchronized long peak() {
        return peak;
    }
}
