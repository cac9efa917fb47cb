package dev.weft.core.hosts;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The host table's entries by MAC and VLAN: open addressing with linear probing over the entries
 * themselves, which carry their key. A lookup (every packet-in from a host port) reads one slot
 * and the entry it holds: a {@code ConcurrentHashMap} read the slot, its node, the key object
 * and then the entry, four dependent loads, each a cache miss among the 16,000 hosts of the
 * latency bench (the lookup was the dispatch thread's largest Java frame in a perf profile).
 *
 * <p>Threads: {@link #get} and {@link #forEach} from any thread without a lock; {@link #put} and
 * {@link #removeIf} only under the owner's lock (one writer at a time). A slot goes from empty to
 * an entry, and from an entry to {@link #GONE} (removed) and back to an entry; it never becomes
 * empty again, so a probe that meets an empty slot may stop. The slots are published with
 * release stores (and a new array, after a resize, through a volatile field), read with acquire
 * loads: a reader sees whole entries. A reader still probing an array replaced by a resize sees
 * the table as it was a moment ago, as a reader of the map did.
 */
final class HostIndex {
    /** A removed entry's slot: probes go past it; an insertion may reuse it. */
    private static final Object TOMBSTONE = new Object();
    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(Object[].class);
    private static final int MIN_CAPACITY = 64;

    /** Power of two; entries and tombstones fill at most half of it. */
    private volatile Object[] slots = new Object[MIN_CAPACITY];
    /** Writer only (under the owner's lock). */
    private int live;
    private int tombstones;

    /** The entry for this MAC and VLAN (as {@link HostTable.Entry#mac}, {@link HostTable.Entry#vlan}), or null. */
    HostTable.Entry get(long mac, int vlan) {
        Object[] t = slots;
        int mask = t.length - 1;
        for (int i = HostTable.Key.hash(mac, vlan) & mask; ; i = (i + 1) & mask) {
            Object o = SLOT.getAcquire(t, i);
            if (o == null) {
                return null;
            }
            if (o != TOMBSTONE) {
                HostTable.Entry e = (HostTable.Entry) o;
                if (e.mac == mac && e.vlan == vlan) {
                    return e;
                }
            }
        }
    }

    /** Writer: add an entry whose key is not in the index. */
    void put(HostTable.Entry e) {
        if ((live + tombstones + 1) * 2 > slots.length) {
            resize();
        }
        Object[] t = slots;
        int mask = t.length - 1;
        for (int i = HostTable.Key.hash(e.mac, e.vlan) & mask; ; i = (i + 1) & mask) {
            Object o = t[i];
            if (o == null || o == TOMBSTONE) {
                if (o == TOMBSTONE) {
                    tombstones--;
                }
                SLOT.setRelease(t, i, e);
                live++;
                return;
            }
        }
    }

    /** Writer: remove the entries {@code which} accepts; {@code removed} is told each one. */
    void removeIf(Predicate<HostTable.Entry> which, Consumer<HostTable.Entry> removed) {
        Object[] t = slots;
        for (int i = 0; i < t.length; i++) {
            Object o = t[i];
            if (o != null && o != TOMBSTONE && which.test((HostTable.Entry) o)) {
                SLOT.setRelease(t, i, TOMBSTONE);
                live--;
                tombstones++;
                removed.accept((HostTable.Entry) o);
            }
        }
    }

    /** Every entry, read without a lock. */
    void forEach(Consumer<HostTable.Entry> each) {
        Object[] t = slots;
        for (int i = 0; i < t.length; i++) {
            Object o = SLOT.getAcquire(t, i);
            if (o != null && o != TOMBSTONE) {
                each.accept((HostTable.Entry) o);
            }
        }
    }

    /** Writer: entries in the index. */
    int size() {
        return live;
    }

    /** For tests: the slots a lookup of this key reads (1 when it is in its home slot). */
    int probes(long mac, int vlan) {
        Object[] t = slots;
        int mask = t.length - 1;
        int n = 1;
        for (int i = HostTable.Key.hash(mac, vlan) & mask; ; i = (i + 1) & mask, n++) {
            Object o = t[i];
            if (o == null || (o != TOMBSTONE && ((HostTable.Entry) o).mac == mac && ((HostTable.Entry) o).vlan == vlan)) {
                return n;
            }
        }
    }

    /**
     * Writer: a new array, at most a quarter full with the live entries (tombstones dropped),
     * filled before it is published.
     */
    private void resize() {
        Object[] old = slots;
        int capacity = MIN_CAPACITY;
        while (capacity < (live + 1) * 4) {
            capacity <<= 1;
        }
        Object[] t = new Object[capacity];
        int mask = capacity - 1;
        for (Object o : old) {
            if (o != null && o != TOMBSTONE) {
                HostTable.Entry e = (HostTable.Entry) o;
                int i = HostTable.Key.hash(e.mac, e.vlan) & mask;
                while (t[i] != null) {
                    i = (i + 1) & mask;
                }
                t[i] = e;
            }
        }
        tombstones = 0;
        slots = t; // volatile: the filled array is published whole
    }
}
