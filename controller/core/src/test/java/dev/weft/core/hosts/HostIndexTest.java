package dev.weft.core.hosts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.api.host.Host;
import dev.weft.api.topology.SwitchPort;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.VlanVid;

/** The host table's open-addressing index: what a lookup finds after adds, removals and resizes. */
class HostIndexTest {
    private static HostTable.Entry entry(long mac, int vlan) {
        Host h = new Host(MacAddress.of(mac), VlanVid.ofVlan(vlan), SwitchPort.of(1, 1), Set.of(), Instant.EPOCH,
                Instant.EPOCH);
        return new HostTable.Entry(h, 0);
    }

    /** The bench's sources, 16 switches of 1,000: {@code 00:ii:ii:ii:ii:dd}. */
    private static long benchSource(long dpid, long index) {
        return (index << 8) | dpid;
    }

    @Test
    void findsWhatWasPutAcrossResizesAndNothingElse() {
        HostIndex index = new HostIndex();
        List<HostTable.Entry> all = new ArrayList<>();
        for (long dpid = 1; dpid <= 16; dpid++) {
            for (long i = 0; i < 1_000; i++) {
                HostTable.Entry e = entry(benchSource(dpid, i), 0);
                index.put(e);
                all.add(e);
            }
        }
        assertEquals(16_000, index.size());
        for (HostTable.Entry e : all) {
            assertSame(e, index.get(e.mac, 0));
        }
        assertNull(index.get(benchSource(17, 0), 0));
        assertNull(index.get(benchSource(1, 0), 10), "another VLAN is another host");
        assertNull(index.get(benchSource(1, 1_000), 0));
    }

    @Test
    void benchSourcesAreFoundInAFewProbes() {
        HostIndex index = new HostIndex();
        for (long dpid = 1; dpid <= 16; dpid++) {
            for (long i = 0; i < 1_000; i++) {
                index.put(entry(benchSource(dpid, i), 0));
            }
        }
        long total = 0;
        int max = 0;
        for (long dpid = 1; dpid <= 16; dpid++) {
            for (long i = 0; i < 1_000; i++) {
                int p = index.probes(benchSource(dpid, i), 0);
                total += p;
                max = Math.max(max, p);
            }
        }
        // Linear probing with random keys, at most half full: about 1.5 probes a lookup.
        assertTrue(total / 16_000.0 < 2.0, "average probes " + total / 16_000.0);
        assertTrue(max < 32, "longest probe " + max);
    }

    @Test
    void removedEntriesAreGoneAndTheirKeysCanComeBack() {
        HostIndex index = new HostIndex();
        List<HostTable.Entry> all = new ArrayList<>();
        for (long m = 1; m <= 5_000; m++) {
            HostTable.Entry e = entry(m, (int) (m % 3));
            index.put(e);
            all.add(e);
        }
        List<HostTable.Entry> removed = new ArrayList<>();
        index.removeIf(e -> e.mac % 2 == 0, removed::add);
        assertEquals(2_500, removed.size());
        assertEquals(2_500, index.size());
        for (HostTable.Entry e : all) {
            if (e.mac % 2 == 0) {
                assertNull(index.get(e.mac, e.vlan), "removed " + e.mac);
            } else {
                assertSame(e, index.get(e.mac, e.vlan), "kept " + e.mac);
            }
        }
        // Removing and adding many times over reuses the removed slots and resizes: every key
        // is still found once, in a few probes.
        for (int round = 0; round < 20; round++) {
            for (long m = 2; m <= 5_000; m += 2) {
                index.put(entry(m, (int) (m % 3)));
            }
            assertEquals(5_000, index.size());
            index.removeIf(e -> e.mac % 2 == 0, e -> { });
            assertEquals(2_500, index.size());
        }
        Set<Long> seen = new HashSet<>();
        index.forEach(e -> assertTrue(seen.add(e.mac), "seen twice: " + e.mac));
        assertEquals(2_500, seen.size());
        for (long m = 1; m <= 5_000; m += 2) {
            assertTrue(index.probes(m, (int) (m % 3)) < 32);
        }
    }

    @Test
    void aReaderFindsEveryOldEntryWhileANewOneIsAddedAndTheIndexResizes() throws Exception {
        HostIndex index = new HostIndex();
        for (long m = 1; m <= 100; m++) {
            index.put(entry(m, 0));
        }
        AtomicReference<String> failure = new AtomicReference<>();
        CountDownLatch started = new CountDownLatch(1);
        Thread writer = new Thread(() -> {
            started.countDown();
            for (long m = 101; m <= 200_000; m++) {
                synchronized (index) {
                    index.put(entry(m, 0));
                }
            }
        });
        writer.start();
        started.await();
        while (writer.isAlive()) {
            for (long m = 1; m <= 100 && failure.get() == null; m++) {
                HostTable.Entry e = index.get(m, 0);
                if (e == null || e.mac != m) {
                    failure.set("entry " + m + " not found while the index grew");
                }
            }
        }
        writer.join();
        assertNull(failure.get());
        assertEquals(200_000, index.size());
    }
}
