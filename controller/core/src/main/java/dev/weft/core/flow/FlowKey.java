package dev.weft.core.flow;

import org.projectfloodlight.openflow.protocol.match.Match;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.TableId;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A flow entry's identity in a switch (table, priority, match), with the match compared as a set
 * of fields: switches report fields in their own order (Open vSwitch sorts them), so Loxi's
 * ordered {@code Match.equals} cannot be used to recognise an entry we installed.
 *
 * <p>The hash is computed once and mixes every field: a switch holds thousands of entries that
 * differ only in small values (port numbers, segment ids), which the plain sum of field hashes
 * of a {@code Map} sends into the same few buckets.
 */
record FlowKey(TableId table, int priority, Map<MatchField<?>, Object> fields, int hash) {

    static FlowKey of(TableId table, int priority, Match match) {
        Map<MatchField<?>, Object> f = new HashMap<>();
        for (MatchField<?> field : match.getMatchFields()) {
            if (match.isExact(field)) {
                f.put(field, match.get(field));
            } else if (match.isPartiallyMasked(field)) {
                f.put(field, match.getMasked(field));
            }
        }
        int h = 0;
        for (var e : f.entrySet()) {
            h += mix(31 * e.getKey().hashCode() + Objects.hashCode(e.getValue())); // order-independent
        }
        h = mix(h * 31 + mix(table.hashCode() * 65_537 + priority));
        return new FlowKey(table, priority, Map.copyOf(f), h);
    }

    /** The murmur3 finaliser: every input bit affects every output bit. */
    private static int mix(int h) {
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return h;
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public boolean equals(Object o) {
        return this == o || o instanceof FlowKey k && hash == k.hash && priority == k.priority
                && table.equals(k.table) && fields.equals(k.fields);
    }

    @Override
    public String toString() {
        return "table " + table.getValue() + " priority " + priority + " " + fields;
    }
}
