package dev.weft.sim.net;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single thread ({@code sim-loop}) on which a network's whole datapath runs: every switch,
 * link and host. Processing is deterministic and needs no locks; other threads hand work in.
 */
final class SimLoop implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SimLoop.class);
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);

    private final ScheduledThreadPoolExecutor exec;
    private volatile Thread thread;

    SimLoop(String threadName) {
        exec = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            thread = t;
            return t;
        });
        exec.setRemoveOnCancelPolicy(true);
        exec.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }

    boolean inLoop() {
        return Thread.currentThread() == thread;
    }

    void execute(Runnable r) {
        if (exec.isShutdown()) {
            return;
        }
        exec.execute(() -> safely(r));
    }

    ScheduledFuture<?> every(Duration period, Runnable r) {
        return exec.scheduleAtFixedRate(() -> safely(r), period.toNanos(), period.toNanos(), TimeUnit.NANOSECONDS);
    }

    ScheduledFuture<?> after(Duration delay, Runnable r) {
        return exec.schedule(() -> safely(r), delay.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Runs {@code c} on the loop and returns its result (directly when already on the loop). */
    <T> T call(Callable<T> c) {
        if (inLoop()) {
            try {
                return c.call();
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        Future<T> f = exec.submit(c);
        try {
            return f.get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for sim-loop", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("sim-loop did not answer within " + CALL_TIMEOUT, e);
        }
    }

    void run(Runnable r) {
        call(() -> {
            r.run();
            return null;
        });
    }

    private static void safely(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            log.error("sim-loop task failed", e);
        }
    }

    @Override
    public void close() {
        exec.shutdownNow();
        try {
            if (!exec.awaitTermination(5, TimeUnit.SECONDS)) {
                log.warn("sim-loop did not stop within 5 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
