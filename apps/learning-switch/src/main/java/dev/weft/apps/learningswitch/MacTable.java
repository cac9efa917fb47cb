package dev.weft.apps.learningswitch;

import org.projectfloodlight.openflow.protocol.action.OFAction;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One switch's learned MAC → port table, bounded (least recently seen entries go first). Used
 * only on the switch's dispatch thread, so it needs no locks.
 *
 * <p>Kept in arrays, not a {@code LinkedHashMap}: a packet-in from a new MAC (every packet-in of
 * a cbench-style benchmark, and of a host spewing random MACs) learned one entry object and
 * evicted another, and with tens of thousands of entries per switch that churn was what the
 * garbage collector copied, in pauses of up to 300 ms. Here entries are slots of parallel arrays,
 * found by open addressing on a mixed hash of the MAC's 48 bits (Loxi's own hash folds the
 * bytes of MACs that count upwards in their middle bytes into a few buckets), and ordered by
 * an index-linked list. Learning allocates nothing once the table has grown.
 */
final class MacTable {
    private static final int NIL = -1;
    private static final int MIN_CAPACITY = 16;

    private final int max;
    // Entries 0..size-1, dense.
    private long[] macs;
    private OFPort[] ports;
    /** Least recently seen first: head is the next to go. */
    private int[] older;
    private int[] newer;
    private int head = NIL;
    private int tail = NIL;
    private int size;
    /** Open-addressing index: entry + 1, 0 for free; at most half full. */
    private int[] slots;
    private int mask;
    /** Output action lists are immutable and the same for every flow to a port: build them once. */
    private final Map<OFPort, List<OFAction>> outputs = new HashMap<>();

    MacTable(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("max must be at least 1");
        }
        this.max = max;
        allocate(Math.min(max, MIN_CAPACITY));
    }

    private void allocate(int capacity) {
        macs = macs == null ? new long[capacity] : Arrays.copyOf(macs, capacity);
        ports = ports == null ? new OFPort[capacity] : Arrays.copyOf(ports, capacity);
        older = older == null ? new int[capacity] : Arrays.copyOf(older, capacity);
        newer = newer == null ? new int[capacity] : Arrays.copyOf(newer, capacity);
        // A power of two at least twice the capacity (so the index is at most half full).
        int tableSize = Integer.highestOneBit((int) Math.min(1 << 29, Math.max(2, capacity) * 2L - 1)) * 2;
        slots = new int[tableSize];
        mask = tableSize - 1;
        for (int e = 0; e < size; e++) {
            slots[freeSlot(macs[e])] = e + 1;
        }
    }

    /** Learn where {@code mac} is; returns the port it was on before, if different. */
    OFPort learn(MacAddress mac, OFPort port) {
        long key = mac.getLong();
        int slot = find(key);
        if (slot >= 0) {
            int e = slots[slot] - 1;
            OFPort old = ports[e];
            ports[e] = port;
            touch(e);
            return old.equals(port) ? null : old;
        }
        int e;
        if (size == max) {
            e = head; // the least recently seen makes room
            unlink(e);
            clearSlot(find(macs[e]));
        } else {
            if (size == macs.length) {
                allocate((int) Math.min(max, 2L * macs.length));
            }
            e = size++;
        }
        macs[e] = key;
        ports[e] = port;
        slots[freeSlot(key)] = e + 1;
        append(e);
        return null;
    }

    OFPort lookup(MacAddress mac) {
        int slot = find(mac.getLong());
        if (slot < 0) {
            return null;
        }
        int e = slots[slot] - 1;
        touch(e);
        return ports[e];
    }

    /** Forget every MAC learned on {@code port}; returns how many. */
    int forgetPort(OFPort port) {
        int before = size;
        for (int e = size - 1; e >= 0; e--) { // downwards: the entry moved into e was already looked at
            if (ports[e].equals(port)) {
                remove(e);
            }
        }
        return before - size;
    }

    int size() {
        return size;
    }

    List<OFAction> outputTo(OFPort port, java.util.function.Function<OFPort, List<OFAction>> build) {
        return outputs.computeIfAbsent(port, build);
    }

    // ---- the index ------------------------------------------------------------------------------

    /** A well-mixed hash of the 48 bits (murmur3's finaliser). */
    private static int hash(long key) {
        key ^= key >>> 33;
        key *= 0xff51afd7ed558ccdL;
        key ^= key >>> 33;
        key *= 0xc4ceb9fe1a85ec53L;
        key ^= key >>> 33;
        return (int) key;
    }

    /** The slot holding {@code key}, or -1. */
    private int find(long key) {
        for (int i = hash(key) & mask; ; i = (i + 1) & mask) {
            int s = slots[i];
            if (s == 0) {
                return -1;
            }
            if (macs[s - 1] == key) {
                return i;
            }
        }
    }

    /** The free slot where {@code key} (not present) goes. */
    private int freeSlot(long key) {
        int i = hash(key) & mask;
        while (slots[i] != 0) {
            i = (i + 1) & mask;
        }
        return i;
    }

    /** Frees slot {@code i}, moving later entries of its probe run back so that every entry stays findable. */
    private void clearSlot(int i) {
        int j = i;
        while (true) {
            j = (j + 1) & mask;
            int s = slots[j];
            if (s == 0) {
                break;
            }
            int home = hash(macs[s - 1]) & mask;
            // The entry at j may move to i unless its home lies cyclically in (i, j].
            boolean stays = i <= j ? (i < home && home <= j) : (i < home || home <= j);
            if (!stays) {
                slots[i] = s;
                i = j;
            }
        }
        slots[i] = 0;
    }

    // ---- entries and their order ------------------------------------------------------------------

    private void remove(int e) {
        unlink(e);
        clearSlot(find(macs[e]));
        int last = --size;
        if (e != last) { // keep entries dense: the last one takes e's place
            int slot = find(macs[last]);
            macs[e] = macs[last];
            ports[e] = ports[last];
            older[e] = older[last];
            newer[e] = newer[last];
            if (older[e] != NIL) {
                newer[older[e]] = e;
            } else {
                head = e;
            }
            if (newer[e] != NIL) {
                older[newer[e]] = e;
            } else {
                tail = e;
            }
            slots[slot] = e + 1;
        }
        ports[last] = null;
    }

    private void touch(int e) {
        if (e != tail) {
            unlink(e);
            append(e);
        }
    }

    private void unlink(int e) {
        int o = older[e];
        int n = newer[e];
        if (o != NIL) {
            newer[o] = n;
        } else {
            head = n;
        }
        if (n != NIL) {
            older[n] = o;
        } else {
            tail = o;
        }
    }

    private void append(int e) {
        older[e] = tail;
        newer[e] = NIL;
        if (tail != NIL) {
            newer[tail] = e;
        } else {
            head = e;
        }
        tail = e;
    }
}
