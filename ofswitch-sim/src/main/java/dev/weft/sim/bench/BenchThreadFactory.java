package dev.weft.sim.bench;

import io.netty.util.concurrent.FastThreadLocalThread;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** Names the bench's event-loop threads {@code bench-io-0}, {@code bench-io-1}, ... */
final class BenchThreadFactory implements ThreadFactory {

    static final String PREFIX = "bench-io-";

    private final AtomicInteger next = new AtomicInteger();

    @Override
    public Thread newThread(Runnable task) {
        Thread thread = new FastThreadLocalThread(task, PREFIX + next.getAndIncrement());
        // Daemon so that a bench that failed to shut down can never keep the JVM alive.
        thread.setDaemon(true);
        return thread;
    }
}
