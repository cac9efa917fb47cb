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
 */
record FlowKey(TableId table, int priority, List<OFOxm<?>> fields) {

    static FlowKey of(FlowSpec spec) {
        return new FlowKey(spec.table(), spec.priority(), spec.fields());
    }

    static FlowKey of(TableId table, int priority, Match match) {
        return new FlowKey(table, priority, FlowSpec.fieldsOf(match));
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
