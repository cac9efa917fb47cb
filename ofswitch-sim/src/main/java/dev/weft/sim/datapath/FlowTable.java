package dev.weft.sim.datapath;

import dev.weft.sim.packet.FieldSource;
import java.util.ArrayList;
import java.util.List;

/**
 * One flow table: entries in descending priority (ties in insertion order), with lookup and
 * match counters. Lookup is a linear scan: simple and plenty for simulated switches. Entries are
 * also indexed by (priority, match), so that loading tens of thousands of entries (a fabric with
 * thousands of segments) is not quadratic.
 */
final class FlowTable {
    final int id;
    private final List<FlowEntry> entries = new ArrayList<>();
    private final java.util.Map<Strict, FlowEntry> byMatch = new java.util.HashMap<>();

    private record Strict(int priority, MatchSpec spec) {
    }
    long lookups;
    long matched;

    FlowTable(int id) {
        this.id = id;
    }

    FlowEntry lookup(FieldSource packet) {
        lookups++;
        for (FlowEntry e : entries) {
            if (e.spec.matches(packet)) {
                matched++;
                return e;
            }
        }
        return null;
    }

    void insert(FlowEntry e) {
        // After every entry of the same or higher priority (binary search: descending order).
        int lo = 0;
        int hi = entries.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (entries.get(mid).priority >= e.priority) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        entries.add(lo, e);
        byMatch.put(new Strict(e.priority, e.spec), e);
    }

    /** The entry with exactly this match and priority, or null. */
    FlowEntry findStrict(MatchSpec spec, int priority) {
        return byMatch.get(new Strict(priority, spec));
    }

    boolean remove(FlowEntry e) {
        boolean removed = entries.remove(e);
        if (removed) {
            byMatch.remove(new Strict(e.priority, e.spec), e);
        }
        return removed;
    }

    void replace(FlowEntry old, FlowEntry e) {
        entries.set(entries.indexOf(old), e);
        byMatch.remove(new Strict(old.priority, old.spec), old);
        byMatch.put(new Strict(e.priority, e.spec), e);
    }

    List<FlowEntry> entries() {
        return entries;
    }

    int size() {
        return entries.size();
    }
}
