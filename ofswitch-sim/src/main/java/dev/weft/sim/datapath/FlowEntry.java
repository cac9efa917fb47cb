package dev.weft.sim.datapath;

import java.util.List;
import java.util.Set;
import org.projectfloodlight.openflow.protocol.OFFlowModFlags;
import org.projectfloodlight.openflow.protocol.action.OFAction;
import org.projectfloodlight.openflow.protocol.instruction.OFInstruction;
import org.projectfloodlight.openflow.protocol.match.Match;
import org.projectfloodlight.openflow.types.U64;

/** One installed flow entry with its counters. Mutated only on the datapath's thread. */
final class FlowEntry {
    final int tableId;
    final int priority;
    final MatchSpec spec;
    final Match match;
    U64 cookie;
    final int idleTimeout;
    final int hardTimeout;
    final Set<OFFlowModFlags> flags;
    /** The instructions as the controller sent them (1.1+), or empty in 1.0. */
    List<OFInstruction> instructions;
    /** The action list as the controller sent it (1.0), or empty in 1.1+. */
    List<OFAction> actions;
    Program program;
    final long installedNanos;
    long lastUsedNanos;
    long packetCount;
    long byteCount;

    FlowEntry(int tableId, int priority, MatchSpec spec, Match match, U64 cookie, int idleTimeout, int hardTimeout,
              Set<OFFlowModFlags> flags, List<OFInstruction> instructions, List<OFAction> actions, Program program,
              long nowNanos) {
        this.tableId = tableId;
        this.priority = priority;
        this.spec = spec;
        this.match = match;
        this.cookie = cookie;
        this.idleTimeout = idleTimeout;
        this.hardTimeout = hardTimeout;
        this.flags = Set.copyOf(flags);
        this.instructions = List.copyOf(instructions);
        this.actions = List.copyOf(actions);
        this.program = program;
        this.installedNanos = nowNanos;
        this.lastUsedNanos = nowNanos;
    }

    void hit(int bytes, long nowNanos) {
        packetCount++;
        byteCount += bytes;
        lastUsedNanos = nowNanos;
    }

    /** The table-miss entry: lowest priority, matches everything. */
    boolean isTableMiss() {
        return priority == 0 && spec.isEmpty();
    }

    FlowSnapshot snapshot(long nowNanos) {
        return new FlowSnapshot(tableId, priority, match, cookie, idleTimeout, hardTimeout, flags, instructions,
                actions, packetCount, byteCount, nowNanos - installedNanos);
    }

    @Override
    public String toString() {
        return "table=" + tableId + " priority=" + priority + " " + spec + " cookie=" + cookie;
    }
}
