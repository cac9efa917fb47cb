package dev.weft.core.config;

import java.time.Duration;

/**
 * The {@code topology:} section of the config file: link discovery and host tracking. Every key
 * is optional. See {@link dev.weft.core.topology.TopologySettings} for the meaning and defaults.
 */
public record TopologySection(Boolean discovery, Duration probeInterval, Duration linkTimeout, Duration edgeGrace,
                              Hosts hosts) {

    /** {@code topology: hosts:}. */
    public record Hosts(Boolean tracking, Duration timeout, Integer max, Integer flapMoves, Duration flapWindow,
                        Duration flapHold) {
    }
}
