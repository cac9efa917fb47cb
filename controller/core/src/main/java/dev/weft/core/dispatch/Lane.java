package dev.weft.core.dispatch;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One dispatch thread, which is also the Netty event loop of the switches it owns: a switch's
 * bytes are read, decoded, handed to the apps, answered, encoded and flushed on this one thread
 * (per-switch run-to-completion, no hand-off between threads). Events of one switch are
 * therefore handled in order, and apps' per-switch state needs no locks.
 *
 * <p>Output produced while a batch runs is collected per switch and flushed once when the
 * batch ends: at the end of a read for switch input, at the end of a task for
 * {@link #execute(Runnable)}.
 */
public final class Lane {
    private static final Logger log = LoggerFactory.getLogger(Lane.class);

    /** Something holding output that must be written when the current batch ends. */
    public interface Flushable {
        void flush();
    }

    private final int index;
    private final EventLoop loop;
    // Touched only on the lane's thread.
    private final List<Flushable> dirty = new ArrayList<>();

    public Lane(int index, EventLoop loop) {
        this.index = index;
        this.loop = loop;
    }

    public int index() {
        return index;
    }

    public boolean inLane() {
        return loop.inEventLoop();
    }

    public EventLoop loop() {
        return loop;
    }

    /** Tasks queued and not yet started (not counting those scheduled for later). */
    public int pendingTasks() {
        return loop instanceof io.netty.util.concurrent.SingleThreadEventExecutor s ? s.pendingTasks() : 0;
    }

    /**
     * Waits until the lane has nothing left to do (what was queued, and what that queued in turn).
     * Call it from another thread.
     */
    public void awaitIdle() {
        java.util.concurrent.CompletableFuture<Void> idle = new java.util.concurrent.CompletableFuture<>();
        // Checked on the lane itself: when this task runs nothing else does, so an empty queue
        // then means rest (checked from outside, a task just taken off the queue would be missed).
        Runnable check = new Runnable() {
            @Override
            public void run() {
                if (pendingTasks() > 0) {
                    execute(this);
                } else {
                    idle.complete(null);
                }
            }
        };
        execute(check);
        idle.join();
    }

    /** Run a task on this lane; output it produces is flushed when it returns. */
    public void execute(Runnable task) {
        loop.execute(() -> run(task));
    }

    public ScheduledFuture<?> schedule(Runnable task, long delay, TimeUnit unit) {
        return loop.schedule(() -> run(task), delay, unit);
    }

    /** Register output to flush at the end of the current batch. Lane thread only. */
    public void markDirty(Flushable f) {
        dirty.add(f);
    }

    private void run(Runnable task) {
        try {
            task.run();
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable t) {
            log.error("dispatch task failed on lane {}", index, t);
        } finally {
            flushDirty();
        }
    }

    /** Write everything produced in this batch. Lane thread only. */
    public void flushDirty() {
        // Indexed loop: a flush never adds to the list, but stay safe if it does.
        for (int i = 0; i < dirty.size(); i++) {
            try {
                dirty.get(i).flush();
            } catch (RuntimeException e) {
                log.error("flush failed on lane {}", index, e);
            }
        }
        dirty.clear();
    }
}
