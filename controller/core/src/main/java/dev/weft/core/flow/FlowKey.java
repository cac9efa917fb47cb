package dev.weft.core.flow;

import dev.weft.api.flow.FlowSpec;
import org.projectfloodlight.openflow.protocol.match.Match;
import org.projectfloodlight.openflow.protocol.oxm.OFOxm;
import org.projectfloodlight.openflow.types.TableId;

import java.util.List;

/**
 * A flow entry's identity in a switch (table, priority, match), with the match as its fields in
 * canonical order ({@link FlowSpec#fieldsOf}): switches report fields in their own order (Open
 * vSwitch sorts them), so Loxi's ordered {@code Match.equals} cannot recognise an entry we
 * installed.
 *
 * <p>The hash is computed once and well mixed: a switch holds thousands of entries that differ
 * only in small values (port numbers, segment ids), which plain hash combinations send into the
 * same few buckets.
 */
record FlowKey(TableId table, int priority, List<OFOxm<?>> fields, int hash) {

    FlowKey(TableId table, int priority, List<OFOxm<?>> fields) {
        this(table, priority, fields, mix(mix(fields.hashCode()) * 31 + mix(table.hashCode() * 65_537 + priority)));
    }

    static FlowKey of(FlowSpec spec) {
        return new FlowKey(spec.table(), spec.priority(), spec.fields());
    }

    static FlowKey of(TableId table, int priority, Match match) {
        return new FlowKey(table, priority, FlowSpec.fieldsOf(match));
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

    Match match() {
        return new FlowSpec(table, priority, fields, List.of()).match();
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("table ").append(table.getValue()).append(" priority ").append(priority);
        for (OFOxm<?> o : fields) {
            b.append(' ').append(o.getMatchField().getName()).append('=').append(o.isMasked()
                    ? o.getValue() + "/" + o.getMask() : o.getValue());
        }
        return b.toString();
    }
}
