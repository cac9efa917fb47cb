package dev.weft.apps.mobility;

import java.time.Duration;

/**
 * {@code apps: mobility:} in the config file.
 *
 * @param flapMoves  this many moves of one logical port within {@code flapWindow} make it
 *                   flapping: that move is not made and the port's location is frozen for
 *                   {@code flapHold} (default 4; 0 turns damping off)
 * @param flapWindow see {@code flapMoves} (default 10s)
 * @param flapHold   how long a flapping port's location stays frozen (default 30s)
 * @param history    migrations kept for the API, the most recent ones (default 1000)
 */
public record MobilityConfig(Integer flapMoves, Duration flapWindow, Duration flapHold, Integer history) {
    public MobilityConfig {
        flapMoves = flapMoves == null ? 4 : flapMoves;
        flapWindow = flapWindow == null ? Duration.ofSeconds(10) : flapWindow;
        flapHold = flapHold == null ? Duration.ofSeconds(30) : flapHold;
        history = history == null ? 1000 : history;
        if (flapMoves < 0 || flapMoves == 1) {
            throw new IllegalArgumentException("flap-moves must be 0 (no damping) or at least 2, was " + flapMoves);
        }
        if (flapWindow.isNegative() || flapWindow.isZero()) {
            throw new IllegalArgumentException("flap-window must be positive");
        }
        if (flapHold.isNegative() || flapHold.isZero()) {
            throw new IllegalArgumentException("flap-hold must be positive");
        }
        if (history < 1 || history > 1_000_000) {
            throw new IllegalArgumentException("history must be 1..1000000, was " + history);
        }
    }

    public static MobilityConfig defaults() {
        return new MobilityConfig(null, null, null, null);
    }
}
