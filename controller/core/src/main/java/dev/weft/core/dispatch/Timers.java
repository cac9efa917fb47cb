package dev.weft.core.dispatch;

import dev.weft.api.AppContext;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Periodic tasks of the core services and the apps ({@code weft-timer}). An interface so that
 * the test harness can run them by hand ({@code AppHarness.runTimers()}) with the same assembly.
 */
public interface Timers extends AutoCloseable {

    /** Run {@code task} every {@code period}, first after {@code initialDelay}. */
    AppContext.Cancellable every(Duration initialDelay, Duration period, Runnable task);

    @Override
    void close();

    /** Timers on one daemon thread of their own. */
    static Timers thread(String name) {
        ScheduledExecutorService ex = Executors.newSingleThreadScheduledExecutor(NamedThreads.single(name));
        return new Timers() {
            @Override
            public AppContext.Cancellable every(Duration initialDelay, Duration period, Runnable task) {
                var f = ex.scheduleAtFixedRate(task, initialDelay.toNanos(), period.toNanos(), TimeUnit.NANOSECONDS);
                return () -> f.cancel(false);
            }

            @Override
            public void close() {
                ex.shutdownNow();
            }
        };
    }
}
