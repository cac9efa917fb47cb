package dev.weft.core.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.DefaultEventLoop;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A strand lane (the control lane) runs a task on the calling thread when it is idle, with what
 * that task queues, and never ahead of work queued before it; its work never runs on two threads
 * at once.
 */
class LaneBorrowTest {
    private final DefaultEventLoop loop = new DefaultEventLoop();
    private final Lane lane = Lane.strand(-2, loop);
    private final List<String> ran = new CopyOnWriteArrayList<>();

    @AfterEach
    void tearDown() {
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** Waits until the lane's thread has let go of its last task. */
    private void awaitIdle() {
        lane.awaitIdle();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!lane.idle() && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertTrue(lane.idle());
    }

    private Thread laneThread() throws Exception {
        CompletableFuture<Thread> t = new CompletableFuture<>();
        lane.execute(() -> t.complete(Thread.currentThread()));
        return t.get(5, TimeUnit.SECONDS);
    }

    @Test
    void anIdleLaneRunsTheTaskAndWhatItQueuesOnTheCallingThread() throws Exception {
        Thread laneThread = laneThread();
        awaitIdle();
        Thread me = Thread.currentThread();
        lane.runHere(() -> {
            ran.add("report on " + (Thread.currentThread() == me ? "caller" : "other") + ", in lane " + lane.inLane());
            lane.execute(() -> {
                ran.add("follow-up on " + (Thread.currentThread() == me ? "caller" : "other"));
                lane.execute(() -> ran.add("its follow-up on " + (Thread.currentThread() == me ? "caller" : "other")));
            });
            ran.add("report done");
        });
        // Everything ran before runHere returned, in order, on this thread.
        assertEquals(List.of("report on caller, in lane true", "report done", "follow-up on caller",
                "its follow-up on caller"), ran);
        assertEquals(1, lane.borrows());
        assertFalse(lane.inLane(), "the lane is let go");
        // The lane's own thread still works afterwards.
        assertEquals(laneThread, laneThread());
    }

    @Test
    void aBusyLaneGetsTheTaskQueuedBehindItsWork() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch running = new CountDownLatch(1);
        lane.execute(() -> {
            running.countDown();
            try {
                release.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ran.add("earlier");
        });
        assertTrue(running.await(5, TimeUnit.SECONDS));
        Thread me = Thread.currentThread();
        lane.runHere(() -> ran.add("report on " + (Thread.currentThread() == me ? "caller" : "lane")));
        assertEquals(List.of(), ran, "not run by the caller while the lane works");
        release.countDown();
        lane.awaitIdle();
        assertEquals(List.of("earlier", "report on lane"), ran);
        assertEquals(0, lane.borrows());
        assertEquals(1, lane.foundBusy(), "counted as found busy");
    }

    @Test
    void workQueuedEarlierRunsFirstOnTheCallerInsteadOfWaitingForTheLaneThread() throws Exception {
        // The lane's thread is kept busy by other work of its loop, so what is queued on the lane waits.
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch running = new CountDownLatch(1);
        loop.execute(() -> {
            running.countDown();
            try {
                release.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertTrue(running.await(5, TimeUnit.SECONDS));
        Thread me = Thread.currentThread();
        lane.execute(() -> ran.add("queued first on " + (Thread.currentThread() == me ? "caller" : "lane")));
        lane.runHere(() -> ran.add("report on " + (Thread.currentThread() == me ? "caller" : "lane")));
        // Not overtaken, and not left waiting for the lane's thread either.
        assertEquals(List.of("queued first on caller", "report on caller"), ran);
        release.countDown();
        lane.awaitIdle();
        assertEquals(2, ran.size());
    }

    @Test
    void theLaneThreadWaitsWhileTheLaneIsBorrowed() throws Exception {
        Thread laneThread = laneThread();
        awaitIdle();
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch letGo = new CountDownLatch(1);
        Thread borrower = new Thread(() -> lane.runHere(() -> {
            ran.add("borrowed start");
            inside.countDown();
            try {
                letGo.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ran.add("borrowed end");
        }), "borrower");
        borrower.start();
        assertTrue(inside.await(5, TimeUnit.SECONDS));
        lane.execute(() -> ran.add("lane task"));
        // The lane's thread took the task and waits for the borrower to let go.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (laneThread.getState() != Thread.State.WAITING && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertEquals(Thread.State.WAITING, laneThread.getState());
        assertEquals(List.of("borrowed start"), ran);
        letGo.countDown();
        borrower.join(5_000);
        lane.awaitIdle();
        assertEquals(List.of("borrowed start", "borrowed end", "lane task"), ran);
    }

    @Test
    void followUpsOverTheTimeBudgetGoToTheLaneThreadInOrder() throws Exception {
        Thread laneThread = laneThread();
        awaitIdle();
        List<Thread> on = new CopyOnWriteArrayList<>();
        lane.runHere(() -> {
            lane.execute(() -> {
                long until = System.nanoTime() + Lane.BORROW_NANOS + 1_000_000;
                while (System.nanoTime() < until) {
                    Thread.onSpinWait();
                }
                on.add(Thread.currentThread());
            });
            for (int i = 0; i < 3; i++) {
                lane.execute(() -> on.add(Thread.currentThread()));
            }
        });
        lane.awaitIdle();
        assertEquals(4, on.size());
        assertEquals(Thread.currentThread(), on.get(0), "the first follow-up ran on the caller");
        assertEquals(List.of(laneThread, laneThread, laneThread), on.subList(1, 4), "the rest on the lane's thread");
    }
}
