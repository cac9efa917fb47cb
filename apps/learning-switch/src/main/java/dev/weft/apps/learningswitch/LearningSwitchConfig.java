package dev.weft.apps.learningswitch;

import java.time.Duration;

/**
 * {@code apps: learning-switch:} in the config file.
 *
 * @param idleTimeout  how long an unused flow entry stays in the switch (default 60s)
 * @param hardTimeout  how long any flow entry stays at most (default 0: no limit)
 * @param priority     priority of the learned entries (default 100)
 * @param maxMacs      MAC addresses remembered per switch; beyond it the least recently seen are
 *                     forgotten, so a host that spews random source MACs cannot exhaust memory
 *                     (default 65536)
 */
public record LearningSwitchConfig(Duration idleTimeout, Duration hardTimeout, Integer priority, Integer maxMacs) {
    public LearningSwitchConfig {
        idleTimeout = idleTimeout == null ? Duration.ofSeconds(60) : idleTimeout;
        hardTimeout = hardTimeout == null ? Duration.ZERO : hardTimeout;
        priority = priority == null ? 100 : priority;
        maxMacs = maxMacs == null ? 65_536 : maxMacs;
        if (idleTimeout.isNegative() || idleTimeout.toSeconds() > 65_535) {
            throw new IllegalArgumentException("idle-timeout must be 0..65535 seconds");
        }
        if (hardTimeout.isNegative() || hardTimeout.toSeconds() > 65_535) {
            throw new IllegalArgumentException("hard-timeout must be 0..65535 seconds");
        }
        if (priority < 1 || priority > 65_535) {
            throw new IllegalArgumentException("priority must be 1..65535");
        }
        if (maxMacs < 1) {
            throw new IllegalArgumentException("max-macs must be at least 1");
        }
    }

    public static LearningSwitchConfig defaults() {
        return new LearningSwitchConfig(null, null, null, null);
    }
}
