package dev.weft.apps.fabric;

import org.projectfloodlight.openflow.types.MacAddress;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The MACs learned behind one L2 gateway: bounded and aged. At most {@code max} are learned; a
 * new MAC beyond that is refused (counted; its frames still get in, each sending a copy to the
 * controller, rate-limited) until entries age out. An entry ages out when it has not been seen
 * for {@code age}: seen means learned, or its entry on the gateway switch matched more packets
 * than the last time the counters were read ({@link #counted}). A MAC that speaks again after
 * ageing out is learned again from its next frame. Safe from any thread.
 */
final class GatewayMacTable {
    /** A learned MAC: when it was learned, when last seen, its entry's packet count when last read. */
    record Entry(MacAddress mac, Instant learnedAt, Instant lastSeen, long packets) {
    }

    /** What {@link #learn} did. */
    enum Outcome {
        LEARNED,
        KNOWN,
        /** Not learned: the table is full; the first refusal since it filled up. */
        FULL_NOW,
        /** Not learned: the table is full (already said). */
        FULL
    }

    private final int max;
    private final Duration age;
    private final Map<MacAddress, Entry> entries = new LinkedHashMap<>();
    private boolean saidFull;
    private long refused;

    GatewayMacTable(int max, Duration age) {
        if (max < 1) {
            throw new IllegalArgumentException("max must be at least 1, was " + max);
        }
        this.max = max;
        this.age = age;
    }

    synchronized Outcome learn(MacAddress mac, Instant now) {
        if (entries.containsKey(mac)) {
            return Outcome.KNOWN;
        }
        if (entries.size() >= max) {
            refused++;
            if (saidFull) {
                return Outcome.FULL;
            }
            saidFull = true;
            return Outcome.FULL_NOW;
        }
        entries.put(mac, new Entry(mac, now, now, 0));
        return Outcome.LEARNED;
    }

    /**
     * The packet counts of the learned MACs' entries, as read from the switch: a count that
     * differs from the last one read means the MAC was seen (since the last read).
     */
    synchronized void counted(Map<MacAddress, Long> packets, Instant now) {
        packets.forEach((mac, n) -> entries.computeIfPresent(mac, (m, e) -> n != e.packets()
                ? new Entry(m, e.learnedAt(), now, n) : e));
    }

    /** Forget the MACs not seen for longer than the age; returns them. */
    synchronized List<MacAddress> expire(Instant now) {
        List<MacAddress> gone = new ArrayList<>();
        Instant limit = now.minus(age);
        entries.values().removeIf(e -> {
            if (e.lastSeen().isBefore(limit)) {
                gone.add(e.mac());
                return true;
            }
            return false;
        });
        if (entries.size() < max) {
            saidFull = false;
        }
        return gone;
    }

    synchronized Set<MacAddress> macs() {
        return Set.copyOf(entries.keySet());
    }

    /** The entries, oldest learned first. */
    synchronized List<Entry> entries() {
        List<Entry> l = new ArrayList<>(entries.values());
        l.sort(Comparator.comparing(Entry::learnedAt).thenComparing(e -> e.mac().getLong()));
        return l;
    }

    synchronized boolean full() {
        return entries.size() >= max;
    }

    /** New MACs not learned because the table was full, since the start. */
    synchronized long refused() {
        return refused;
    }

    int max() {
        return max;
    }

    Duration age() {
        return age;
    }
}
