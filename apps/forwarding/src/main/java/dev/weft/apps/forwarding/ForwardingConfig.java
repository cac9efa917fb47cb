package dev.weft.apps.forwarding;

import java.time.Duration;

/**
 * {@code apps: forwarding:} in the config file.
 *
 * @param idleTimeout how long an unused path entry stays in a switch (default 60s)
 * @param hardTimeout how long any path entry stays at most (default 0: no limit)
 * @param priority    priority of the path entries (default 100)
 * @param maxRoutes   paths remembered for rerouting; beyond it new paths are still installed but
 *                    not rerouted proactively when a link fails (their entries towards the dead
 *                    link are deleted and the next packet finds a new path) (default 100000)
 */
public record ForwardingConfig(Duration idleTimeout, Duration hardTimeout, Integer priority, Integer maxRoutes) {
    public ForwardingConfig {
        idleTimeout = idleTimeout == null ? Duration.ofSeconds(60) : idleTimeout;
        hardTimeout = hardTimeout == null ? Duration.ZERO : hardTimeout;
        priority = priority == null ? 100 : priority;
        maxRoutes = maxRoutes == null ? 100_000 : maxRoutes;
        if (idleTimeout.isNegative() || idleTimeout.toSeconds() > 65_535) {
            throw new IllegalArgumentException("idle-timeout must be 0..65535 seconds");
        }
        if (hardTimeout.isNegative() || hardTimeout.toSeconds() > 65_535) {
            throw new IllegalArgumentException("hard-timeout must be 0..65535 seconds");
        }
        if (priority < 1 || priority > 65_535) {
            throw new IllegalArgumentException("priority must be 1..65535");
        }
        if (maxRoutes < 0) {
            throw new IllegalArgumentException("max-routes must not be negative");
        }
    }

    public static ForwardingConfig defaults() {
        return new ForwardingConfig(null, null, null, null);
    }
}
