package dev.weft.core.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.core.ControllerSettings;
import dev.weft.core.config.ConfigException;
import dev.weft.core.config.ConfigLoader;
import dev.weft.core.hosts.HostSettings;
import org.junit.jupiter.api.Test;

import java.time.Duration;

/** The {@code topology:} section: defaults, every key, and strict errors. */
class TopologyConfigTest {

    private static TopologySettings parse(String yaml) {
        return ControllerSettings.builder().config(ConfigLoader.parse(yaml, "weft.yaml")).build().topology();
    }

    private static ConfigException fails(String yaml) {
        return assertThrows(ConfigException.class, () -> parse(yaml));
    }

    @Test
    void absentMeansDefaults() {
        assertEquals(TopologySettings.DEFAULTS, parse("controller:\n  apps: [forwarding]\n"));
        assertEquals(TopologySettings.DEFAULTS, parse(""));
        assertTrue(TopologySettings.DEFAULTS.discovery());
        assertEquals(Duration.ofSeconds(3), TopologySettings.DEFAULTS.probeInterval());
        assertEquals(Duration.ofSeconds(10), TopologySettings.DEFAULTS.linkTimeout());
        assertEquals(Duration.ofSeconds(1), TopologySettings.DEFAULTS.edgeGrace());
        assertEquals(HostSettings.DEFAULTS, TopologySettings.DEFAULTS.hosts());
    }

    @Test
    void everyKey() {
        TopologySettings t = parse("""
                topology:
                  discovery: true
                  probe-interval: 500ms
                  link-timeout: 2s
                  edge-grace: 250ms
                  hosts:
                    tracking: false
                    timeout: 10m
                    max: 5000
                    flap-moves: 6
                    flap-window: 20s
                    flap-hold: 1m
                """);
        assertEquals(new TopologySettings(true, Duration.ofMillis(500), Duration.ofSeconds(2), Duration.ofMillis(250),
                new HostSettings(false, Duration.ofMinutes(10), 5000, 6, Duration.ofSeconds(20), Duration.ofMinutes(1))),
                t);
        TopologySettings some = parse("topology:\n  hosts:\n    max: 7\n");
        assertEquals(7, some.hosts().max());
        assertEquals(HostSettings.DEFAULTS.timeout(), some.hosts().timeout());
        assertFalse(parse("topology:\n  discovery: false\n").discovery());
    }

    @Test
    void unknownKeysAreErrorsWithWhereAndWhatIsKnown() {
        ConfigException e = fails("topology:\n  probe-intervall: 1s\n");
        assertEquals(2, e.line(), e.getMessage());
        assertTrue(e.getMessage().contains("unknown key 'probe-intervall' in topology"), e.getMessage());
        assertTrue(e.getMessage().contains("probe-interval"), e.getMessage());
        ConfigException h = fails("topology:\n  hosts:\n    timeout: 5m\n    flap: 3\n");
        assertEquals(4, h.line(), h.getMessage());
        assertTrue(h.getMessage().contains("unknown key 'flap' in topology.hosts"), h.getMessage());
    }

    @Test
    void badValuesAreErrors() {
        ConfigException d = fails("topology:\n  link-timeout: soon\n");
        assertTrue(d.getMessage().contains("topology.link-timeout"), d.getMessage());
        ConfigException order = fails("topology:\n  probe-interval: 5s\n  link-timeout: 5s\n");
        assertTrue(order.getMessage().contains("topology: link-timeout (5000ms) must be longer than probe-interval"),
                order.getMessage());
        ConfigException flap = fails("topology:\n  hosts:\n    flap-moves: 1\n");
        assertTrue(flap.getMessage().contains("flap-moves must be at least 2"), flap.getMessage());
        ConfigException type = fails("topology:\n  discovery: yes please\n");
        assertTrue(type.getMessage().contains("topology.discovery"), type.getMessage());
    }
}
