package dev.weft.core.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.DefaultEventLoop;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Items reach the lane in order, with one lane task per burst, and a long burst does not hold up the lane. */
class LaneHandOffTest {
    private final DefaultEventLoop loop = new DefaultEventLoop();
    private final Lane lane = new Lane(0, loop);
    private final List<Integer> delivered = new ArrayList<>(); // lane thread only
    private final List<Boolean> onLane = new ArrayList<>();

    @AfterEach
    void tearDown() {
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private LaneHandOff<Integer> handOff() {
        return new LaneHandOff<>(lane, i -> {
            delivered.add(i);
            onLane.add(lane.inLane());
        });
    }

    /** Blocks the lane until the returned latch is counted down; returns once the lane is blocked. */
    private CountDownLatch blockLane() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch blocked = new CountDownLatch(1);
        lane.execute(() -> {
            blocked.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertTrue(blocked.await(10, TimeUnit.SECONDS));
        return release;
    }

    @Test
    void aBurstIsOneLaneTaskAndKeepsItsOrder() throws Exception {
        LaneHandOff<Integer> h = handOff();
        CountDownLatch release = blockLane();
        for (int i = 0; i < 200; i++) {
            h.offer(i);
        }
        assertEquals(1, lane.pendingTasks(), "200 items offered while the lane was busy: one task queued, not 200");
        release.countDown();
        lane.awaitIdle();
        assertEquals(200, delivered.size());
        for (int i = 0; i < 200; i++) {
            assertEquals(i, delivered.get(i), "in the order offered");
        }
        assertTrue(onLane.stream().allMatch(b -> b), "delivered on the lane's thread");
    }

    @Test
    void aLongBurstLetsOtherLaneWorkRunInBetween() throws Exception {
        LaneHandOff<Integer> h = handOff();
        CountDownLatch release = blockLane();
        int n = LaneHandOff.MAX_PER_TASK * 3 + 5;
        for (int i = 0; i < n; i++) {
            h.offer(i);
        }
        CompletableFuture<Integer> seenByOtherTask = new CompletableFuture<>();
        lane.execute(() -> seenByOtherTask.complete(delivered.size()));
        release.countDown();
        lane.awaitIdle();
        assertEquals(LaneHandOff.MAX_PER_TASK, seenByOtherTask.get(),
                "a task queued behind the burst ran after its first part, not after all of it");
        assertEquals(n, delivered.size());
        for (int i = 0; i < n; i++) {
            assertEquals(i, delivered.get(i));
        }
    }

    @Test
    void itemsOfferedWhileDrainingAreNotLost() throws Exception {
        LaneHandOff<Integer> h = handOff();
        int perThread = 20_000;
        Thread[] producers = new Thread[2];
        for (int t = 0; t < producers.length; t++) {
            int base = t * perThread;
            producers[t] = new Thread(() -> {
                for (int i = 0; i < perThread; i++) {
                    h.offer(base + i);
                }
            });
            producers[t].start();
        }
        for (Thread p : producers) {
            p.join();
        }
        lane.awaitIdle();
        assertEquals(2 * perThread, delivered.size(), "every item delivered exactly once");
        int[] next = {0, perThread};
        for (int v : delivered) {
            int t = v / perThread;
            assertEquals(next[t]++, v, "each producer's items in its order");
        }
    }
}
