package dev.weft.core.dispatch;

import io.netty.util.concurrent.FastThreadLocalThread;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** Threads named for what they do: {@code weft-dispatch-0}, {@code weft-dispatch-1}, ... (Netty-friendly). */
public final class NamedThreads implements ThreadFactory {
    private final String prefix;
    private final boolean numbered;
    private final AtomicInteger next = new AtomicInteger();

    private NamedThreads(String prefix, boolean numbered) {
        this.prefix = prefix;
        this.numbered = numbered;
    }

    /** {@code prefix-0}, {@code prefix-1}, ... */
    public static NamedThreads numbered(String prefix) {
        return new NamedThreads(prefix, true);
    }

    /** Exactly {@code name} (for a pool of one). */
    public static NamedThreads single(String name) {
        return new NamedThreads(name, false);
    }

    @Override
    public Thread newThread(Runnable r) {
        Thread t = new FastThreadLocalThread(r, numbered ? prefix + "-" + next.getAndIncrement() : prefix);
        t.setDaemon(true);
        return t;
    }
}
