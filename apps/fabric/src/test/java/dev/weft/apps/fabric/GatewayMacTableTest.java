package dev.weft.apps.fabric;

import org.junit.jupiter.api.Test;
import org.projectfloodlight.openflow.types.MacAddress;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The MACs behind an L2 gateway: at most so many, and forgotten when not seen for the age. */
class GatewayMacTableTest {
    static final Instant T0 = Instant.parse("2026-12-05T12:00:00Z");
    static final Duration AGE = Duration.ofSeconds(300);

    static MacAddress mac(int i) {
        return MacAddress.of(0x027600000000L + i);
    }

    @Test
    void aFullTableRefusesNewMacsSaysSoOnceAndLearnsAgainOnceRoomIsMade() {
        GatewayMacTable t = new GatewayMacTable(3, AGE);
        for (int i = 1; i <= 3; i++) {
            assertEquals(GatewayMacTable.Outcome.LEARNED, t.learn(mac(i), T0.plusSeconds(i)));
        }
        assertEquals(GatewayMacTable.Outcome.KNOWN, t.learn(mac(2), T0.plusSeconds(5)));
        assertTrue(t.full());
        assertEquals(GatewayMacTable.Outcome.FULL_NOW, t.learn(mac(4), T0.plusSeconds(6)), "the first refusal is said");
        assertEquals(GatewayMacTable.Outcome.FULL, t.learn(mac(5), T0.plusSeconds(7)), "then not again");
        assertEquals(GatewayMacTable.Outcome.FULL, t.learn(mac(4), T0.plusSeconds(8)));
        assertEquals(Set.of(mac(1), mac(2), mac(3)), t.macs(), "never more than the cap");
        assertEquals(3, t.refused());
        // mac(1) ages out: there is room, and a later refill is said again.
        assertEquals(List.of(mac(1)), t.expire(T0.plusSeconds(1).plus(AGE).plusMillis(1)));
        assertFalse(t.full());
        assertEquals(GatewayMacTable.Outcome.LEARNED, t.learn(mac(4), T0.plusSeconds(400)));
        assertEquals(GatewayMacTable.Outcome.FULL_NOW, t.learn(mac(5), T0.plusSeconds(401)));
    }

    @Test
    void aMacSeenByItsCountersStaysAndAnIdleOneIsForgotten() {
        GatewayMacTable t = new GatewayMacTable(10, AGE);
        t.learn(mac(1), T0);
        t.learn(mac(2), T0);
        // Every 75 s the counters are read: mac(1)'s entry keeps matching packets, mac(2)'s does not.
        for (int k = 1; k <= 8; k++) {
            Instant now = T0.plusSeconds(75L * k);
            t.counted(Map.of(mac(1), 10L * k, mac(2), 0L, mac(9), 5L), now);
            List<MacAddress> gone = t.expire(now);
            if (k < 5) {
                assertEquals(List.of(), gone, "at " + 75 * k + " s");
            } else if (k == 5) {
                assertEquals(List.of(mac(2)), gone, "idle since it was learned, 375 s ago");
            } else {
                assertEquals(List.of(), gone);
            }
        }
        assertEquals(Set.of(mac(1)), t.macs(), "a count for a MAC never learned learns nothing");
        GatewayMacTable.Entry e = t.entries().get(0);
        assertEquals(T0, e.learnedAt());
        assertEquals(T0.plusSeconds(600), e.lastSeen());
        // It goes quiet: the same count read again is no sighting.
        t.counted(Map.of(mac(1), 80L), T0.plusSeconds(700));
        assertEquals(List.of(), t.expire(T0.plusSeconds(900)));
        assertEquals(List.of(mac(1)), t.expire(T0.plusSeconds(901)));
        assertEquals(GatewayMacTable.Outcome.LEARNED, t.learn(mac(1), T0.plusSeconds(950)), "speaking again relearns it");
    }

    @Test
    void settingsHaveDefaultsAndRefuseNonsense() {
        VlanGatewaySettings d = new VlanGatewaySettings(null, null);
        assertEquals(1024, d.maxMacs());
        assertEquals(Duration.ofSeconds(300), d.macAge());
        assertEquals(Duration.ofSeconds(60), d.readEvery());
        assertEquals(Duration.ofSeconds(1), new VlanGatewaySettings(1, Duration.ofSeconds(2)).readEvery());
        assertEquals(Duration.ofSeconds(15), new VlanGatewaySettings(1, Duration.ofSeconds(60)).readEvery());
        assertThrows(IllegalArgumentException.class, () -> new VlanGatewaySettings(0, null));
        assertThrows(IllegalArgumentException.class, () -> new VlanGatewaySettings(null, Duration.ofMillis(500)));
    }
}
