package dev.weft.core.hosts;

import java.time.Duration;
import java.util.Objects;

/**
 * Host tracking settings ({@code topology: hosts:} in the config file).
 *
 * @param tracking   learn hosts from packet-ins (and offer the host service to apps)
 * @param timeout    a host not seen for this long is forgotten
 * @param max        hosts remembered at most; beyond it new hosts are ignored (and logged)
 * @param flapMoves  this many moves within {@code flapWindow} make a host flapping
 * @param flapWindow see {@code flapMoves}
 * @param flapHold   how long a flapping host's location stays frozen
 */
public record HostSettings(boolean tracking, Duration timeout, int max, int flapMoves, Duration flapWindow,
                           Duration flapHold) {
    public static final HostSettings DEFAULTS = new HostSettings(true, Duration.ofMinutes(5), 100_000, 4,
            Duration.ofSeconds(10), Duration.ofSeconds(30));

    public HostSettings {
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(flapWindow, "flapWindow");
        Objects.requireNonNull(flapHold, "flapHold");
        if (timeout.toMillis() < 1_000) {
            throw new IllegalArgumentException("hosts: timeout must be at least 1s");
        }
        if (max < 1) {
            throw new IllegalArgumentException("hosts: max must be at least 1 (was " + max + ")");
        }
        if (flapMoves < 2) {
            throw new IllegalArgumentException("hosts: flap-moves must be at least 2 (was " + flapMoves + ")");
        }
        if (flapWindow.isNegative() || flapWindow.isZero()) {
            throw new IllegalArgumentException("hosts: flap-window must be positive");
        }
        if (flapHold.isNegative()) {
            throw new IllegalArgumentException("hosts: flap-hold must not be negative");
        }
    }

    public HostSettings withTracking(boolean t) {
        return new HostSettings(t, timeout, max, flapMoves, flapWindow, flapHold);
    }

    public HostSettings withTimeout(Duration d) {
        return new HostSettings(tracking, d, max, flapMoves, flapWindow, flapHold);
    }

    public HostSettings withMax(int n) {
        return new HostSettings(tracking, timeout, n, flapMoves, flapWindow, flapHold);
    }

    public HostSettings withFlapping(int moves, Duration window, Duration hold) {
        return new HostSettings(tracking, timeout, max, moves, window, hold);
    }
}
