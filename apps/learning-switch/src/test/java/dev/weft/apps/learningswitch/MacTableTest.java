package dev.weft.apps.learningswitch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;

/**
 * The array-backed table behaves exactly like a bounded, access-ordered {@code LinkedHashMap}
 * (what it replaced): every answer of a long random sequence of learns, lookups and port
 * removals is compared with that model, including which MAC is forgotten first when full.
 */
class MacTableTest {

    /** The reference: what MacTable was before. */
    private static final class Model {
        final LinkedHashMap<MacAddress, OFPort> macs;

        Model(int max) {
            macs = new LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<MacAddress, OFPort> eldest) {
                    return size() > max;
                }
            };
        }

        OFPort learn(MacAddress mac, OFPort port) {
            OFPort old = macs.put(mac, port);
            return old == null || old.equals(port) ? null : old;
        }

        int forgetPort(OFPort port) {
            int before = macs.size();
            macs.values().removeIf(port::equals);
            return before - macs.size();
        }
    }

    private static void compare(int max, int distinctMacs, int ports, int steps, long seed) {
        Random r = new Random(seed);
        MacTable t = new MacTable(max);
        Model m = new Model(max);
        for (int step = 0; step < steps; step++) {
            int op = r.nextInt(100);
            // Counting MACs laid out as the bench's (index in the middle bytes): clustered in Loxi's hash.
            MacAddress mac = MacAddress.of(((long) r.nextInt(distinctMacs) << 8) | 0x07);
            OFPort port = OFPort.of(1 + r.nextInt(ports));
            String at = "step " + step + " (max " + max + ", seed " + seed + ")";
            if (op < 60) {
                assertEquals(m.learn(mac, port), t.learn(mac, port), at + ": learn " + mac);
            } else if (op < 98) {
                assertEquals(m.macs.get(mac), t.lookup(mac), at + ": lookup " + mac);
            } else {
                assertEquals(m.forgetPort(port), t.forgetPort(port), at + ": forget port " + port);
            }
            assertEquals(m.macs.size(), t.size(), at + ": size");
        }
        // Same contents, same order: forgetting from the full table goes eldest first in both.
        for (Map.Entry<MacAddress, OFPort> e : new LinkedHashMap<>(m.macs).entrySet()) {
            assertEquals(e.getValue(), t.lookup(e.getKey()));
        }
    }

    @Test
    void behavesLikeABoundedAccessOrderedMap() {
        compare(50, 200, 4, 200_000, 1);
        compare(1, 5, 2, 10_000, 2);
        compare(1000, 1500, 8, 200_000, 3);
        compare(4096, 3000, 3, 100_000, 4); // never full: growth and port removal only
    }

    @Test
    void theLeastRecentlySeenGoesFirst() {
        MacTable t = new MacTable(2);
        MacAddress a = MacAddress.of(1);
        MacAddress b = MacAddress.of(2);
        t.learn(a, OFPort.of(1));
        t.learn(b, OFPort.of(2));
        t.lookup(a); // a seen again: b is now the eldest
        t.learn(MacAddress.of(3), OFPort.of(3));
        assertNull(t.lookup(b));
        assertSame(OFPort.of(1), t.lookup(a));
        assertEquals(OFPort.of(1), t.learn(a, OFPort.of(4)), "a move returns the previous port");
    }

    @Test
    void aFullTableOfCountingMacsKeepsItsSizeAndForgetsTheEldest() {
        int max = 65_536;
        MacTable t = new MacTable(max);
        for (int i = 0; i < 100_000; i++) {
            t.learn(MacAddress.of(((long) i << 8) | 1), OFPort.of(1));
        }
        assertEquals(max, t.size());
        assertNull(t.lookup(MacAddress.of(((long) (100_000 - max - 1) << 8) | 1)));
        assertSame(OFPort.of(1), t.lookup(MacAddress.of(((long) (100_000 - max) << 8) | 1)));
    }
}
