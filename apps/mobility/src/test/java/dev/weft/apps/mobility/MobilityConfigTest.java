package dev.weft.apps.mobility;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MobilityConfigTest {
    @Test
    void defaultsAndLimits() {
        MobilityConfig d = MobilityConfig.defaults();
        assertEquals(4, d.flapMoves());
        assertEquals(Duration.ofSeconds(10), d.flapWindow());
        assertEquals(Duration.ofSeconds(30), d.flapHold());
        assertEquals(1000, d.history());
        assertEquals(0, new MobilityConfig(0, null, null, null).flapMoves(), "0 turns damping off");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new MobilityConfig(1, null, null, null))
                .getMessage().contains("flap-moves"));
        assertThrows(IllegalArgumentException.class, () -> new MobilityConfig(null, Duration.ZERO, null, null));
        assertThrows(IllegalArgumentException.class, () -> new MobilityConfig(null, null, Duration.ofSeconds(-1), null));
        assertThrows(IllegalArgumentException.class, () -> new MobilityConfig(null, null, null, 0));
    }
}
