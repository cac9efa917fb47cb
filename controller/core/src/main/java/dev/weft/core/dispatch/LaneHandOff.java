package dev.weft.core.dispatch;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Hands items from any thread to one lane, in the order they were offered, with one lane task per
 * burst instead of one per item. A task per item cost a wake-up of the lane's thread (a futex
 * call on each side) per packet-in while hosts were being learned: more system calls than the
 * packet-ins' own reads and writes. A task delivers at most {@link #MAX_PER_TASK} items and then
 * queues itself again, so other work on the lane is not held up by a long burst.
 *
 * <p>Items offered concurrently come out in the order of their {@link #offer} calls; a caller
 * that needs a stricter order (changes made under a lock) offers while holding that lock.
 */
public final class LaneHandOff<T> {
    static final int MAX_PER_TASK = 256;

    private final Lane lane;
    private final Consumer<T> deliver;
    private final Queue<T> queue = new ConcurrentLinkedQueue<>();
    /** True while a drain task is queued or running and will look at the queue again. */
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final Runnable drain = this::drain;

    public LaneHandOff(Lane lane, Consumer<T> deliver) {
        this.lane = lane;
        this.deliver = deliver;
    }

    /** Any thread: {@code item} is delivered on the lane, after every item offered before it. */
    public void offer(T item) {
        queue.add(item);
        if (scheduled.compareAndSet(false, true)) {
            lane.execute(drain);
        }
    }

    private void drain() {
        // Cleared first: an item offered from now on either is polled below or schedules a drain.
        scheduled.set(false);
        for (int n = 0; n < MAX_PER_TASK; n++) {
            T item = queue.poll();
            if (item == null) {
                return;
            }
            try {
                deliver.accept(item);
            } catch (RuntimeException e) {
                org.slf4j.LoggerFactory.getLogger(LaneHandOff.class).error("delivery failed on lane {}", lane.index(), e);
            }
        }
        if (!queue.isEmpty() && scheduled.compareAndSet(false, true)) {
            lane.execute(drain); // more: after what else is queued on the lane
        }
    }
}
