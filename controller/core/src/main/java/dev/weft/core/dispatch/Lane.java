package dev.weft.core.dispatch;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
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
 * <p>A lane made with {@link #strand} (the control lane) may also be <em>borrowed</em>: its tasks
 * wait in one queue, in the order they were queued, and are run under a lock by whichever thread
 * holds it: the lane's own thread, or a thread that called {@link #runHere} when no other held
 * it. That thread runs what was queued before its task, its task, and what those queue in turn,
 * instead of waking the lane's thread and waiting for it. A report that moves a VM is then
 * decided, compiled and written on the thread that read it: on a busy machine each hand-over to
 * another thread is a wait for a CPU (measured on the testbed: 8-92 ms on a slow move).
 */
public final class Lane {
    private static final Logger log = LoggerFactory.getLogger(Lane.class);

    /** Something holding output that must be written when the current batch ends. */
    public interface Flushable {
        void flush();
    }

    /**
     * Longest a borrower goes on running queued tasks after its own (a move's recompilation and
     * writes take well under 1 ms warm); the rest is left to the lane's thread, in order.
     */
    static final long BORROW_NANOS = 20_000_000;
    /** Tasks the lane's thread runs in one go before letting its loop's other work in. */
    static final int MAX_PER_DRAIN = 256;

    private final int index;
    private final EventLoop loop;
    // Touched only by whoever runs the lane's work.
    private final List<Flushable> dirty = new ArrayList<>();
    /** Serialises the lane's work when it may be borrowed (null otherwise). */
    private final ReentrantLock strand;
    /** A strand's tasks, in the order they were queued. */
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    /** True while a drain is queued on the lane's thread and will look at {@link #tasks} again. */
    private final AtomicBoolean drainQueued = new AtomicBoolean();
    private final Runnable drain = this::drainOnLoop;
    private volatile long borrows;
    private final AtomicLong foundBusy = new AtomicLong();

    public Lane(int index, EventLoop loop) {
        this(index, loop, false);
    }

    private Lane(int index, EventLoop loop, boolean strand) {
        this.index = index;
        this.loop = loop;
        this.strand = strand ? new ReentrantLock() : null;
    }

    /** A lane whose work other threads may run ({@link #runHere}). */
    public static Lane strand(int index, EventLoop loop) {
        return new Lane(index, loop, true);
    }

    public int index() {
        return index;
    }

    /** On the lane's thread, or running the lane's work. */
    public boolean inLane() {
        return strand != null ? strand.isHeldByCurrentThread() || loop.inEventLoop() : loop.inEventLoop();
    }

    /** A strand whose work the calling thread is running now (its own thread's or borrowed). */
    public boolean heldHere() {
        return strand != null && strand.isHeldByCurrentThread();
    }

    /** How many times another thread ran this lane's work ({@link #runHere}). */
    public long borrows() {
        return borrows;
    }

    public EventLoop loop() {
        return loop;
    }

    /**
     * How many times {@link #runHere} found the lane's work running on another thread and left
     * its task queued for that thread (the control lane was busy with a timer's work, say).
     */
    public long foundBusy() {
        return foundBusy.get();
    }

    /** Tasks queued and not yet started (not counting those scheduled for later). */
    public int pendingTasks() {
        int onLoop = loop instanceof io.netty.util.concurrent.SingleThreadEventExecutor s ? s.pendingTasks() : 0;
        return strand == null ? onLoop : onLoop + tasks.size();
    }

    /** Nothing queued and nothing running: {@link #runHere} would run its task on the caller at once. */
    public boolean idle() {
        return strand != null && tasks.isEmpty() && !strand.isLocked();
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
        } else {
            tasks.add(task);
            if (!strand.isHeldByCurrentThread()) { // else the holder runs it before letting go
                queueDrain();
            }
        }
    }

    public ScheduledFuture<?> schedule(Runnable task, long delay, TimeUnit unit) {
        if (strand == null) {
            return loop.schedule(() -> run(task), delay, unit);
        }
        return loop.schedule(() -> execute(task), delay, unit);
    }

    /**
     * Run {@code task} as this lane's work on the calling thread if no other thread runs the lane's
     * work now: first what was queued before it, then it, then what they queue in turn for at most
     * {@link #BORROW_NANOS} more (the rest is left to the lane's thread, in order). Else it is
     * queued as {@link #execute} does, and whoever runs the lane's work runs it. For short reports
     * whose consequences are urgent (a VM's port appeared), read on a switch's lane or the OVSDB
     * client's thread.
     */
    public void runHere(Runnable task) {
        if (strand == null || strand.isHeldByCurrentThread()) {
            execute(task);
            return;
        }
        tasks.add(task);
        if (!strand.tryLock()) {
            foundBusy.incrementAndGet();
            queueDrain(); // the holder may be letting go right now
            return;
        }
        borrows++;
        try {
            boolean mine = false;
            long deadline = 0;
            Runnable next;
            while ((!mine || System.nanoTime() - deadline < 0) && (next = tasks.poll()) != null) {
                run(next);
                if (next == task) {
                    mine = true;
                    deadline = System.nanoTime() + BORROW_NANOS;
                }
            }
        } finally {
            strand.unlock();
        }
        if (!tasks.isEmpty()) {
            queueDrain();
        }
    }

    private void queueDrain() {
        if (drainQueued.compareAndSet(false, true)) {
            loop.execute(drain);
        }
    }

    /** The lane's thread runs queued tasks (a bounded number, then its loop's other work). */
    private void drainOnLoop() {
        drainQueued.set(false); // cleared first: a task queued from now on is polled below or queues a drain
        strand.lock();
        try {
            for (int n = 0; n < MAX_PER_DRAIN; n++) {
                Runnable next = tasks.poll();
                if (next == null) {
                    break;
                }
                run(next);
            }
        } finally {
            strand.unlock();
        }
        if (!tasks.isEmpty()) {
            queueDrain();
        }
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
