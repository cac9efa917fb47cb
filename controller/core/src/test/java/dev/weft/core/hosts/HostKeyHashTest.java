package dev.weft.core.hosts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.VlanVid;

/**
 * The host table's keys spread over a {@code ConcurrentHashMap}'s buckets as random keys do,
 * also for MACs that count upwards in their middle bytes (cbench's and the bench's sources:
 * {@code 00:ii:ii:ii:ii:dd}). With Loxi's {@code MacAddress.hashCode} the 16,000 sources of a
 * 16-switch bench fell into 2,048 of 32,768 buckets, 8 per bucket (the map's threshold for
 * turning a bucket into a tree): every packet-in searched a tree.
 */
class HostKeyHashTest {
    /** {@code ConcurrentHashMap}'s own TREEIFY_THRESHOLD. */
    private static final int TREEIFY_THRESHOLD = 8;

    @Test
    void benchSourcesSpreadOverTheMapsBuckets() {
        int buckets = 32_768; // the table size for 16,000 entries
        int[] count = new int[buckets];
        int used = 0;
        int max = 0;
        for (long dpid = 1; dpid <= 16; dpid++) {
            for (long index = 0; index < 1_000; index++) {
                MacAddress mac = MacAddress.of((index << 8) | dpid);
                int b = bucket(HostTable.Key.of(mac, VlanVid.ZERO).hashCode(), buckets);
                if (count[b]++ == 0) {
                    used++;
                }
                max = Math.max(max, count[b]);
            }
        }
        assertTrue(max < TREEIFY_THRESHOLD - 1, "at most " + max + " keys in a bucket");
        // 16,000 random keys in 32,768 buckets use about 12,600 of them
        assertTrue(used > 12_000, used + " buckets used");
    }

    @Test
    void vlansOfOneMacSpreadToo() {
        int buckets = 4_096;
        int[] count = new int[buckets];
        int max = 0;
        MacAddress mac = MacAddress.of("00:00:00:00:01:01");
        for (int vlan = 0; vlan < 4_095; vlan++) {
            max = Math.max(max, ++count[bucket(HostTable.Key.of(mac, VlanVid.ofVlan(vlan)).hashCode(), buckets)]);
        }
        assertTrue(max < TREEIFY_THRESHOLD - 1, "at most " + max + " keys in a bucket");
    }

    @Test
    void keysAreEqualExactlyWhenMacAndVlanAre() {
        MacAddress a = MacAddress.of("02:00:00:00:00:01");
        assertEquals(HostTable.Key.of(a, VlanVid.ZERO), HostTable.Key.of(MacAddress.of(a.getLong()), VlanVid.ZERO));
        assertEquals(HostTable.Key.of(a, VlanVid.ZERO).hashCode(),
                HostTable.Key.of(MacAddress.of(a.getLong()), VlanVid.ZERO).hashCode());
        assertNotEquals(HostTable.Key.of(a, VlanVid.ZERO), HostTable.Key.of(a, VlanVid.ofVlan(10)));
        assertNotEquals(HostTable.Key.of(a, VlanVid.ZERO), HostTable.Key.of(MacAddress.of("02:00:00:00:00:02"), VlanVid.ZERO));
    }

    /** The bucket {@code ConcurrentHashMap} puts a hash in (its spread, then the table mask). */
    private static int bucket(int hash, int buckets) {
        return ((hash ^ (hash >>> 16)) & 0x7fff_ffff) & (buckets - 1);
    }
}
