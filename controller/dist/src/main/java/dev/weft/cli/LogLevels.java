package dev.weft.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;

import java.util.Locale;
import java.util.Set;

/** Sets the root log level from {@code --log-level}. */
public final class LogLevels {
    private static final Set<String> NAMES = Set.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF");

    private LogLevels() {
    }

    public static void set(String level) {
        String l = level.toUpperCase(Locale.ROOT);
        if (!NAMES.contains(l)) {
            throw new UsageException("--log-level must be one of trace, debug, info, warn, error, off (was '" + level + "')");
        }
        if (LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME) instanceof Logger root) {
            root.setLevel(Level.toLevel(l));
        }
    }

    public static void check(String level) {
        if (!NAMES.contains(level.toUpperCase(Locale.ROOT))) {
            throw new UsageException("--log-level must be one of trace, debug, info, warn, error, off (was '" + level + "')");
        }
    }
}
