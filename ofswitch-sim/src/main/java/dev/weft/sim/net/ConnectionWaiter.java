package dev.weft.sim.net;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * Lets callers of a {@link SimNetwork} wait until every switch is in a connection state (connected,
 * ready): switches signal each change with {@link #changed} from the sim-loop; callers wait on
 * their own thread, bounded by a deadline.
 */
final class ConnectionWaiter {
    private final Collection<SimSwitch> switches;
    private final Object lock = new Object();

    ConnectionWaiter(Collection<SimSwitch> switches) {
        this.switches = switches;
    }

    void changed() {
        synchronized (lock) {
            lock.notifyAll();
        }
    }

    /** Waits until {@code p} holds for every switch; the timeout names the switches it does not. */
    void awaitAll(Duration timeout, Predicate<SimSwitch> p, String what) throws TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            while (true) {
                List<String> missing = switches.stream().filter(p.negate()).map(SimSwitch::name).toList();
                if (missing.isEmpty()) {
                    return;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new TimeoutException("not " + what + " within " + timeout + ": " + missing);
                }
                try {
                    lock.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new TimeoutException("interrupted");
                }
            }
        }
    }
}
