package dev.weft.core.dispatch;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One dispatch thread, which is also the Netty event loop of the switches it owns: a switch's
 * bytes are read, decoded, handed to the apps, answered, encoded and flushed on this one thread
 * (per-switch run-to-completion, no hand-off between threads). Events of one switch are
 * therefore handled in order, and apps' per-switch state needs no locks.
 *
 * <p>Output produced while a batch runs is collected per switch and flushed once when the
 * batch ends: at the end of a read for switch input, at the end of a task for
 * {@link #execute(Runnable)}.
 *
 * <p>A lane made with {@link #strand} (the control lane) may also be <em>borrowed</em>: its work
 * is serialised by a lock rather than by its thread, and {@link #runHere} runs a task on the
 * calling thread when the lane is idle, with whatever that task queues on the lane, instead of
 * waking the lane's thread. A report that moves a VM is then decided, compiled and written on
 * the thread that read it: on a busy machine each hand-over to another thread is a wait for a
 * CPU (measured on the testbed: 8-92 ms on a slow move).
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
    /** Serialises the lane's work when it may be borrowed (null otherwise). */
    private final ReentrantLock strand;
    /** Tasks handed to the lane's thread and not started (a borrow waits for none). */
    private final AtomicInteger queued = new AtomicInteger();
    /** While a thread borrows the lane: what its work queued on the lane (guarded by the strand). */
    private ArrayDeque<Runnable> borrowed;
    private volatile long borrows;

    /**
     * Longest a borrower runs the follow-up tasks before handing the rest to the lane's thread (a
     * move's recompilation and writes take well under 1 ms warm; a reload of many networks is
     * not held on a switch's lane).
     */
    static final long BORROW_NANOS = 20_000_000;

    public Lane(int index, EventLoop loop) {
        this(index, loop, false);
    }

    private Lane(int index, EventLoop loop, boolean strand) {
        this.index = index;
        this.loop = loop;
        this.strand = strand ? new ReentrantLock() : null;
    }

    /** A lane whose work other threads may run when it is idle ({@link #runHere}). */
    public static Lane strand(int index, EventLoop loop) {
        return new Lane(index, loop, true);
    }

    public int index() {
        return index;
    }

    /** On the lane's thread, or borrowing the lane. */
    public boolean inLane() {
        return loop.inEventLoop() || strand != null && strand.isHeldByCurrentThread();
    }

    /** How many times another thread ran this lane's work ({@link #runHere}). */
    public long borrows() {
        return borrows;
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
        if (strand == null) {
            loop.execute(() -> run(task));
        } else if (strand.isHeldByCurrentThread() && borrowed != null) {
            borrowed.add(task); // run by the borrower before it lets go
        } else {
            queued.incrementAndGet();
            loop.execute(() -> runLocked(task));
        }
    }

    public ScheduledFuture<?> schedule(Runnable task, long delay, TimeUnit unit) {
        if (strand == null) {
            return loop.schedule(() -> run(task), delay, unit);
        }
        return loop.schedule(() -> {
            queued.incrementAndGet();
            runLocked(task);
        }, delay, unit);
    }

    /**
     * Run {@code task} as this lane's work on the calling thread if the lane is idle (nothing
     * queued, nothing running), with the tasks it queues on the lane in turn (for at most
     * {@link #BORROW_NANOS} after it; the rest go to the lane's thread, in order); else queue it as
     * {@link #execute} does. Tasks queued earlier always run first: a borrow waits for none.
     * For short reports whose consequences are urgent (a VM's port appeared); never call it
     * where the task may be long.
     */
    public void runHere(Runnable task) {
        if (strand == null || inLane() || queued.get() != 0 || !strand.tryLock()) {
            execute(task);
            return;
        }
        if (queued.get() != 0) { // queued between the check and the lock: it runs first
            strand.unlock();
            execute(task);
            return;
        }
        borrows++;
        ArrayDeque<Runnable> mine = new ArrayDeque<>();
        borrowed = mine;
        try {
            run(task);
            long deadline = System.nanoTime() + BORROW_NANOS;
            Runnable next;
            while (System.nanoTime() - deadline < 0 && (next = mine.poll()) != null) {
                run(next);
            }
        } finally {
            borrowed = null;
            for (Runnable r : mine) { // over time: the lane's thread goes on with them, in order
                queued.incrementAndGet();
                loop.execute(() -> runLocked(r));
            }
            strand.unlock();
        }
    }

    private void runLocked(Runnable task) {
        strand.lock();
        queued.decrementAndGet(); // started: a borrower now waits for the lock, not for the queue
        try {
            run(task);
        } finally {
            strand.unlock();
        }
    }

    /** Nothing queued and nothing running: {@link #runHere} would run its task on the caller. */
    public boolean idle() {
        return strand != null && queued.get() == 0 && !strand.isLocked();
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
