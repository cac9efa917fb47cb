package dev.weft.api.flow;

import org.projectfloodlight.openflow.protocol.instruction.OFInstruction;
import org.projectfloodlight.openflow.protocol.match.Match;
import org.projectfloodlight.openflow.types.TableId;

import java.util.List;
import java.util.Objects;

/**
 * A flow entry an app wants in a switch (OpenFlow 1.3): its identity in the switch is the table,
 * the priority and the match; the instructions are what it does. The cookie is set by the
 * {@link FlowService}: it names the owning app and the scope.
 */
public record FlowSpec(TableId table, int priority, Match match, List<OFInstruction> instructions) {
    public FlowSpec {
        Objects.requireNonNull(table, "table");
        if (priority < 0 || priority > 0xffff) {
            throw new IllegalArgumentException("priority must be 0..65535, was " + priority);
        }
        Objects.requireNonNull(match, "match");
        instructions = List.copyOf(instructions);
    }

    /** What identifies the entry in a switch (OpenFlow's "strict" identity). */
    public Key key() {
        return new Key(table, priority, match);
    }

    public record Key(TableId table, int priority, Match match) {
    }
}
