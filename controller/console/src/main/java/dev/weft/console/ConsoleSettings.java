package dev.weft.console;

import dev.weft.core.config.ConfigException;
import dev.weft.core.config.ConsoleSection;
import dev.weft.core.config.Durations;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The console's settings ({@code console:} in the config file).
 *
 * @param statsInterval   how often the hypervisors' flow statistics are read (traffic per tenant
 *                        and logical port, the metrics and usage come from them): 1s..1h, default 10s
 * @param usageResolution the length of a usage record: usage can be asked for in ranges of whole
 *                        records; 1s..1d, default 5m
 * @param usageRetention  how long usage records are kept: at least the resolution, at most
 *                        10 years; default 400d
 */
public record ConsoleSettings(Duration statsInterval, Duration usageResolution, Duration usageRetention) {
    public static final ConsoleSettings DEFAULTS = new ConsoleSettings(Duration.ofSeconds(10), Duration.ofMinutes(5),
            Duration.ofDays(400));

    public ConsoleSettings {
        Objects.requireNonNull(statsInterval, "statsInterval");
        Objects.requireNonNull(usageResolution, "usageResolution");
        Objects.requireNonNull(usageRetention, "usageRetention");
        within("stats-interval", statsInterval, Duration.ofSeconds(1), Duration.ofHours(1));
        within("usage-resolution", usageResolution, Duration.ofSeconds(1), Duration.ofDays(1));
        within("usage-retention", usageRetention, usageResolution, Duration.ofDays(3653));
        if (usageResolution.toMillis() % 1000 != 0) {
            throw new IllegalArgumentException("usage-resolution must be whole seconds (was "
                    + Durations.format(usageResolution) + ")");
        }
    }

    private static void within(String key, Duration d, Duration min, Duration max) {
        if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
            throw new IllegalArgumentException(key + " must be " + Durations.format(min) + ".." + Durations.format(max)
                    + " (was " + Durations.format(d) + ")");
        }
    }

    /**
     * The settings a config file's {@code console:} section gives (defaults for what it leaves
     * out); empty when it says {@code enabled: false}. An invalid value is a {@link ConfigException}
     * that names the key.
     */
    public static Optional<ConsoleSettings> of(ConsoleSection c, String source) {
        if (c == null) {
            return Optional.of(DEFAULTS);
        }
        if (Boolean.FALSE.equals(c.enabled())) {
            return Optional.empty();
        }
        try {
            return Optional.of(new ConsoleSettings(
                    c.statsInterval() != null ? c.statsInterval() : DEFAULTS.statsInterval(),
                    c.usageResolution() != null ? c.usageResolution() : DEFAULTS.usageResolution(),
                    c.usageRetention() != null ? c.usageRetention() : DEFAULTS.usageRetention()));
        } catch (IllegalArgumentException e) {
            String key = e.getMessage().split(" ", 2)[0];
            throw dev.weft.core.config.ConfigLoader.error(source, "/console/" + key, "console: " + e.getMessage());
        }
    }
}
