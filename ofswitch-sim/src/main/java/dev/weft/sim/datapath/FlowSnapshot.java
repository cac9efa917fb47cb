package dev.weft.sim.datapath;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.projectfloodlight.openflow.protocol.OFFlowModFlags;
import org.projectfloodlight.openflow.protocol.action.OFAction;
import org.projectfloodlight.openflow.protocol.instruction.OFInstruction;
import org.projectfloodlight.openflow.protocol.match.Match;
import org.projectfloodlight.openflow.types.U64;

/**
 * An immutable copy of a flow entry, for tests and the CLI. In OpenFlow 1.0 {@code instructions}
 * is empty and {@code actions} holds the entry's actions; from 1.1 on it is the other way round.
 */
public record FlowSnapshot(int tableId, int priority, Match match, U64 cookie, int idleTimeout, int hardTimeout,
                           Set<OFFlowModFlags> flags, List<OFInstruction> instructions, List<OFAction> actions,
                           long packetCount, long byteCount, long durationNanos) {
    public FlowSnapshot {
        flags = Set.copyOf(flags);
        instructions = List.copyOf(instructions);
        actions = List.copyOf(actions);
    }

    public Duration duration() {
        return Duration.ofNanos(durationNanos);
    }

    /** A one-line description in the spirit of {@code ovs-ofctl dump-flows}. */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        sb.append("table=").append(tableId).append(", priority=").append(priority)
                .append(", cookie=").append(cookie).append(", n_packets=").append(packetCount)
                .append(", n_bytes=").append(byteCount);
        if (idleTimeout > 0) {
            sb.append(", idle_timeout=").append(idleTimeout);
        }
        if (hardTimeout > 0) {
            sb.append(", hard_timeout=").append(hardTimeout);
        }
        sb.append(", match=").append(match);
        sb.append(instructions.isEmpty() ? ", actions=" + actions : ", instructions=" + instructions);
        return sb.toString();
    }
}
