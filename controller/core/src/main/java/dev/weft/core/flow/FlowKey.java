package dev.weft.core.flow;

import org.projectfloodlight.openflow.protocol.match.Match;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.TableId;

import java.util.HashMap;
import java.util.Map;

/**
 * A flow entry's identity in a switch (table, priority, match), with the match compared as a set
 * of fields: switches report fields in their own order (Open vSwitch sorts them), so Loxi's
 * ordered {@code Match.equals} cannot be used to recognise an entry we installed.
 */
record FlowKey(TableId table, int priority, Map<MatchField<?>, Object> fields) {

    static FlowKey of(TableId table, int priority, Match match) {
        Map<MatchField<?>, Object> f = new HashMap<>();
        for (MatchField<?> field : match.getMatchFields()) {
            if (match.isExact(field)) {
                f.put(field, match.get(field));
            } else if (match.isPartiallyMasked(field)) {
                f.put(field, match.getMasked(field));
            }
        }
        return new FlowKey(table, priority, Map.copyOf(f));
    }

    @Override
    public String toString() {
        return "table " + table.getValue() + " priority " + priority + " " + fields;
    }
}
