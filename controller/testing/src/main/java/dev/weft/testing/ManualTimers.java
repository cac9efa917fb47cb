package dev.weft.testing;

import dev.weft.api.AppContext;
import dev.weft.core.dispatch.Timers;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Periodic tasks that run only when the test says so ({@link #runAll()}), on the test's thread. */
final class ManualTimers implements Timers {
    private final List<Runnable> tasks = new CopyOnWriteArrayList<>();

    @Override
    public AppContext.Cancellable every(Duration initialDelay, Duration period, Runnable task) {
        tasks.add(task);
        return () -> tasks.remove(task);
    }

    /** Run every task once, in the order they were scheduled. */
    void runAll() {
        for (Runnable r : tasks) {
            r.run();
        }
    }

    @Override
    public void close() {
        tasks.clear();
    }
}
