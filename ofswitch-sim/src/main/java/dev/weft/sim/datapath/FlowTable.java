package dev.weft.sim.datapath;

import dev.weft.sim.packet.FieldSource;
import java.util.ArrayList;
import java.util.List;

/**
 * One flow table: entries in descending priority (ties in insertion order), with lookup and
 * match counters. Lookup is a linear scan: simple and plenty for simulated switches.
 */
final class FlowTable {
    final int id;
    private final List<FlowEntry> entries = new ArrayList<>();
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
        int i = 0;
        while (i < entries.size() && entries.get(i).priority >= e.priority) {
            i++;
        }
        entries.add(i, e);
    }

    /** The entry with exactly this match and priority, or null. */
    FlowEntry findStrict(MatchSpec spec, int priority) {
        for (FlowEntry e : entries) {
            if (e.priority == priority && e.spec.equals(spec)) {
                return e;
            }
        }
        return null;
    }

    boolean remove(FlowEntry e) {
        return entries.remove(e);
    }

    void replace(FlowEntry old, FlowEntry e) {
        entries.set(entries.indexOf(old), e);
    }

    List<FlowEntry> entries() {
        return entries;
    }

    int size() {
        return entries.size();
    }
}
