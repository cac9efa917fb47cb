package dev.weft.console;

import dev.weft.core.config.ConfigException;
import dev.weft.core.config.ConfigLoader;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ConsoleSettingsTest {
    private static Optional<ConsoleSettings> of(String yaml) {
        var cfg = ConfigLoader.parse(yaml, "weft.yaml");
        return ConsoleSettings.of(cfg.console(), cfg.source());
    }

    @Test
    void defaultsAndValues() {
        assertEquals(Optional.of(ConsoleSettings.DEFAULTS), of("tenants: []\n"));
        assertEquals(Optional.empty(), of("console: { enabled: false }\n"));
        assertEquals(Optional.of(new ConsoleSettings(Duration.ofSeconds(30), Duration.ofHours(1), Duration.ofDays(90))),
                of("console:\n  stats-interval: 30s\n  usage-resolution: 1h\n  usage-retention: 90d\n"));
    }

    @Test
    void badValuesAreOneSentenceNamingTheKey() {
        ConfigException e = assertThrows(ConfigException.class, () -> of("console: { stats-interval: 500ms }\n"));
        assertEquals("weft.yaml: console: stats-interval must be 1s..1h (was 500ms)", e.getMessage());
        e = assertThrows(ConfigException.class, () -> of("console: { usage-resolution: 1500ms }\n"));
        assertEquals("weft.yaml: console: usage-resolution must be whole seconds (was 1500ms)", e.getMessage());
        e = assertThrows(ConfigException.class, () -> of("console: { usage-resolution: 1h, usage-retention: 10m }\n"));
        assertEquals("weft.yaml: console: usage-retention must be 1h..3653d (was 10m)", e.getMessage());
        e = assertThrows(ConfigException.class, () -> of("console: { stats-intervall: 5s }\n"));
        assertEquals("weft.yaml:1:12: unknown key 'stats-intervall' in console; known keys: enabled, stats-interval, "
                + "usage-resolution, usage-retention", e.getMessage());
    }
}
