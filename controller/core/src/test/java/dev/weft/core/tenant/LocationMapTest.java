package dev.weft.core.tenant;

import dev.weft.api.tenant.PortLocation;
import org.junit.jupiter.api.Test;
import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.OFPort;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;

/** The sharded snapshot behaves like an immutable HashMap, whatever the sequence of changes. */
class LocationMapTest {
    @Test
    void randomChangesMatchAHashMapAndOldSnapshotsNeverChange() {
        Random r = new Random(7);
        Map<String, PortLocation> model = new HashMap<>();
        LocationMap m = LocationMap.EMPTY;
        for (int i = 0; i < 20_000; i++) {
            String name = "p" + r.nextInt(3_000);
            PortLocation at = r.nextInt(4) == 0 ? null : new PortLocation(DatapathId.of(r.nextInt(5) + 1),
                    OFPort.of(r.nextInt(50) + 1));
            LocationMap before = m;
            Map<String, PortLocation> snapshot = i % 100 == 0 ? new HashMap<>(before) : null;
            m = m.with(name, at);
            if (at == null) {
                model.remove(name);
            } else {
                model.put(name, at);
            }
            if (snapshot != null) {
                assertEquals(snapshot, before, "an older snapshot changed");
            }
            if (i % 997 == 0) {
                assertEquals(model, m);
                assertEquals(model.hashCode(), m.hashCode());
            }
            assertEquals(model.size(), m.size());
            assertEquals(model.get(name), m.get(name));
        }
        assertEquals(model, m);
        LocationMap fewer = m.without(n -> n.endsWith("7"));
        model.keySet().removeIf(n -> n.endsWith("7"));
        assertEquals(model, fewer);
        assertFalse(fewer.containsKey("p7"));
    }

    @Test
    void aChangeThatChangesNothingKeepsTheSnapshot() {
        PortLocation at = new PortLocation(DatapathId.of(1), OFPort.of(1));
        LocationMap m = LocationMap.EMPTY.with("a", at);
        assertSame(m, m.with("a", at));
        assertSame(m, m.with("b", null));
        assertEquals(0, LocationMap.EMPTY.size());
        assertEquals(Map.of(), LocationMap.EMPTY);
    }
}
