package dev.weft.core.hosts;

import com.google.common.collect.ImmutableSortedSet;
import dev.weft.api.event.HostAdded;
import dev.weft.api.event.HostFlapping;
import dev.weft.api.event.HostMoved;
import dev.weft.api.event.HostRemoved;
import dev.weft.api.event.NetworkEvent;
import dev.weft.api.host.Host;
import dev.weft.api.topology.SwitchPort;
import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.VlanVid;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * The hosts seen so far and the rules for learning them: new host, same place (only the time
 * moves), a move (with the previous location), flapping (too many moves in a window: the
 * location freezes for a while and the flapping is reported once), aging.
 *
 * <p>Threads: {@link #observe} is called for every packet-in from a host port, on any switch's
 * lane. When nothing changes (the common case) it is lock-free and allocates nothing: a lookup
 * in the {@link HostIndex} (a slot and the entry it holds), a few compares, at most one volatile write of the time. Changes take the table's lock
 * and hand their events to the sink while holding it, so events come out in the order the
 * changes were made. Readers ({@link #get}, {@link #all}) never lock.
 */
final class HostTable {
    static final int MAX_IPS = 16;
    /** lastSeen is only written when it moved on by at least this much. */
    private static final long TOUCH_MILLIS = 1_000;

    /**
     * A host's key: its MAC's 48 bits and its VLAN, hashed with a mixing function. Loxi's
     * {@code MacAddress.hashCode} folds the two halves of the address with a XOR, so MACs that
     * count upwards in their middle bytes (cbench's, and any host spewing made-up sources) fell
     * into a few buckets of the map, which turned them into trees: a tree search with
     * {@code compareTo} on every packet-in (about a tenth of a dispatch thread's time in the
     * latency bench, JFR). Mixed, they spread as random keys do ({@code HostKeyHashTest}). The
     * {@link HostIndex} probes from this hash.
     */
    record Key(long mac, int vlan) {
        @Override
        public int hashCode() {
            return hash(mac, vlan);
        }

        static int hash(long mac, int vlan) {
            // murmur3's 64-bit finaliser over the MAC and the VLAN id
            long h = mac ^ ((long) vlan << 48);
            h ^= h >>> 33;
            h *= 0xff51afd7ed558ccdL;
            h ^= h >>> 33;
            h *= 0xc4ceb9fe1a85ec53L;
            h ^= h >>> 33;
            return (int) h;
        }

        static Key of(MacAddress mac, VlanVid vlan) {
            return new Key(mac.getLong(), vlan.getVlan());
        }
    }

    static final class Entry {
        /** The key: the MAC's 48 bits and the VLAN id ({@link HostIndex}). */
        final long mac;
        final int vlan;
        volatile Host host;
        volatile long lastSeen;
        volatile long dampedUntil;
        /** Times of recent moves; guarded by the table's lock. */
        final ArrayDeque<Long> moves = new ArrayDeque<>(4);
        /**
         * An address known to be among the host's (an entry's addresses only grow), as its 32 bits;
         * 0 (never a host's address) for none: the common packet-in carries the same sender address
         * as the last one, and comparing two ints is cheaper than a search of the sorted set through
         * its comparator, or than loading an address object (a cache miss per packet-in among
         * 16,000 hosts in the latency bench, JFR).
         */
        volatile int knownIp;
        /**
         * The host's location as numbers, read on every packet-in instead of following
         * host → location → port and dpid (four dependent loads); written with {@link #host}. A
         * reader that sees them change halfway takes the locked path, which decides again.
         */
        private volatile long atDpid;
        private volatile int atPort;

        Entry(Host host, long lastSeen) {
            this.mac = host.mac().getLong();
            this.vlan = host.vlan().getVlan();
            this.lastSeen = lastSeen;
            setHost(host);
        }

        void setHost(Host h) {
            host = h;
            atDpid = h.location().dpid().getLong();
            atPort = h.location().port().getPortNumber();
        }

        Host snapshot() {
            Host h = host;
            return h.withLastSeen(Instant.ofEpochMilli(lastSeen));
        }

        /** Whether {@code ip} (an address's 32 bits, not 0) is one of the host's addresses. */
        boolean knows(int ip) {
            if (ip == knownIp) {
                return true;
            }
            if (host.ips().contains(IPv4Address.of(ip))) {
                knownIp = ip;
                return true;
            }
            return false;
        }

        boolean at(DatapathId dpid, OFPort port) {
            return atPort == port.getPortNumber() && atDpid == dpid.getLong();
        }
    }

    private final HostSettings settings;
    private final Consumer<NetworkEvent> sink;
    private final LongSupplier clock;
    /** Written under this table's lock, read without it. */
    private final HostIndex hosts = new HostIndex();
    private volatile int size;
    private final java.util.concurrent.atomic.LongAdder ignoredFull = new java.util.concurrent.atomic.LongAdder();
    /** When "table full" was last logged; 0: never (a time 0 is treated as never too: logged then). */
    private final java.util.concurrent.atomic.AtomicLong lastFullLog = new java.util.concurrent.atomic.AtomicLong();

    /** {@code clock}: the time in ms for changes (the hot path is given a coarser time by its caller). */
    HostTable(HostSettings settings, Consumer<NetworkEvent> sink, LongSupplier clock) {
        this.settings = settings;
        this.sink = sink;
        this.clock = clock;
    }

    private Entry entry(MacAddress mac, VlanVid vlan) {
        return hosts.get(mac.getLong(), vlan.getVlan());
    }

    /**
     * A frame from {@code mac} came in on an edge (or pending) port. {@code ip}: the sender's
     * IPv4 address when the frame shows one (ARP sender, IPv4 source), else null. {@code now}
     * may be coarse (reading the clock for every packet costs more than the rest of this
     * method); changes read the clock themselves.
     */
    void observe(MacAddress mac, VlanVid vlan, DatapathId dpid, OFPort port, IPv4Address ip, long now) {
        observe(mac, vlan, dpid, port, ip == null ? 0 : ip.getInt(), now);
    }

    /** As {@link #observe(MacAddress, VlanVid, DatapathId, OFPort, IPv4Address, long)}; {@code ip} 0 for none. */
    void observe(MacAddress mac, VlanVid vlan, DatapathId dpid, OFPort port, int ip, long now) {
        Entry e = entry(mac, vlan);
        if (e != null) {
            boolean here = e.at(dpid, port);
            if (here && (ip == 0 || e.knows(ip))) {
                if (now - e.lastSeen >= TOUCH_MILLIS) {
                    e.lastSeen = now;
                }
                return;
            }
            if (!here && now < e.dampedUntil) {
                return; // flapping: frozen where it is
            }
        } else if (size >= settings.max()) {
            // Full: a new host is ignored without taking the lock (every packet-in from unknown
            // MACs would otherwise queue on it, from every switch's lane).
            ignoreNew(now);
            return;
        }
        change(mac, vlan, new SwitchPort(dpid, port), ip == 0 ? null : IPv4Address.of(ip));
    }

    private synchronized void change(MacAddress mac, VlanVid vlan, SwitchPort at, IPv4Address ip) {
        long now = clock.getAsLong();
        Entry e = entry(mac, vlan);
        Instant t = Instant.ofEpochMilli(now);
        if (e == null) {
            if (size >= settings.max()) {
                ignoreNew(now);
                return;
            }
            Host h = new Host(mac, vlan, at, ip == null ? java.util.Set.of() : java.util.Set.of(ip), t, t);
            e = new Entry(h, now);
            hosts.put(e);
            size++;
            sink.accept(new HostAdded(h));
            return;
        }
        e.lastSeen = Math.max(e.lastSeen, now);
        Host h = e.host;
        if (ip != null && !h.ips().contains(ip) && h.ips().size() < MAX_IPS) {
            h = new Host(h.mac(), h.vlan(), h.location(), ImmutableSortedSet.<IPv4Address>naturalOrder()
                    .addAll(h.ips()).add(ip).build(), h.firstSeen(), h.lastSeen());
            e.setHost(h);
        }
        if (h.location().equals(at)) {
            return;
        }
        if (now < e.dampedUntil) {
            return;
        }
        while (!e.moves.isEmpty() && now - e.moves.peekFirst() >= settings.flapWindow().toMillis()) {
            e.moves.pollFirst();
        }
        if (e.moves.size() + 1 >= settings.flapMoves()) {
            e.moves.clear();
            e.dampedUntil = now + settings.flapHold().toMillis();
            sink.accept(new HostFlapping(e.snapshot(), at, Instant.ofEpochMilli(e.dampedUntil)));
            return;
        }
        e.moves.addLast(now);
        SwitchPort previous = h.location();
        e.setHost(h.withLocation(at));
        sink.accept(new HostMoved(e.snapshot(), previous));
    }

    /** A new host while the table is full: counted, and logged at most once a minute. */
    private void ignoreNew(long now) {
        ignoredFull.increment();
        long last = lastFullLog.get();
        if ((last == 0 || now - last >= 60_000) && lastFullLog.compareAndSet(last, now == 0 ? 1 : now)) {
            org.slf4j.LoggerFactory.getLogger(HostTable.class).warn(
                    "host table full ({} hosts, topology: hosts: max); {} new hosts ignored so far",
                    size, ignoredFull.sum());
        }
    }

    /** New hosts ignored because the table was full. */
    long ignoredFull() {
        return ignoredFull.sum();
    }

    /** Forget the hosts at {@code port} (it turned out to lead to another switch). */
    synchronized void removeAt(SwitchPort port, HostRemoved.Reason reason) {
        removeIf(e -> e.host.location().equals(port), reason);
    }

    /** Forget hosts not seen since {@code now - timeout}. */
    synchronized void age(long now) {
        long oldest = now - settings.timeout().toMillis();
        removeIf(e -> e.lastSeen < oldest, HostRemoved.Reason.AGED_OUT);
    }

    private void removeIf(Predicate<Entry> which, HostRemoved.Reason reason) {
        List<Host> gone = new ArrayList<>();
        hosts.removeIf(which, e -> gone.add(e.snapshot()));
        size -= gone.size();
        gone.sort((a, b) -> Long.compare(a.mac().getLong(), b.mac().getLong()));
        for (Host h : gone) {
            sink.accept(new HostRemoved(h, reason));
        }
    }

    java.util.Optional<Host> get(MacAddress mac, VlanVid vlan) {
        Entry e = entry(mac, vlan);
        return e == null ? java.util.Optional.empty() : java.util.Optional.of(e.snapshot());
    }

    /** The entry's current location without building a snapshot (hot path for apps). */
    SwitchPort location(MacAddress mac, VlanVid vlan) {
        Entry e = entry(mac, vlan);
        return e == null ? null : e.host.location();
    }

    Collection<Host> all() {
        List<Host> out = new ArrayList<>(size);
        hosts.forEach(e -> out.add(e.snapshot()));
        return out;
    }

    int size() {
        return size;
    }
}
