package dev.weft.sim.channel;

import java.time.Duration;

/**
 * How a simulated switch keeps its controller connection, like Open vSwitch's
 * {@code max_backoff} and {@code inactivity_probe}.
 *
 * @param initialBackoff first delay before reconnecting after a failure
 * @param maxBackoff     the delay doubles up to this
 * @param echoInterval   send ECHO_REQUEST after this much silence from the controller and drop
 *                       the connection after as much again without an answer; zero disables
 */
public record ConnectionConfig(Duration initialBackoff, Duration maxBackoff, Duration echoInterval) {
    public static final ConnectionConfig DEFAULT =
            new ConnectionConfig(Duration.ofMillis(100), Duration.ofSeconds(2), Duration.ofSeconds(5));

    public ConnectionConfig {
        if (initialBackoff.isNegative() || initialBackoff.isZero() || maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("need 0 < initialBackoff <= maxBackoff");
        }
        if (echoInterval.isNegative()) {
            throw new IllegalArgumentException("echoInterval must not be negative");
        }
    }
}
