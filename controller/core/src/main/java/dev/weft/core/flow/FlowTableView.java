package dev.weft.core.flow;

import dev.weft.api.flow.FlowSpec;
import org.projectfloodlight.openflow.protocol.instruction.OFInstruction;
import org.projectfloodlight.openflow.protocol.match.Match;
import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.TableId;
import org.projectfloodlight.openflow.types.U64;

import java.util.List;
import java.util.Optional;

/**
 * A snapshot of what the reconciler knows about one switch's flow-service entries: for each
 * entry, what the owning app wants and what the switch has (as last read from it at connect or
 * audit, and updated with every flow-mod sent since). Entries of other owners (reactive apps,
 * the table-miss entry, a person's) are not tracked and not shown.
 *
 * @param connected whether the switch is connected now
 * @param synced    whether its entries have been read since it connected
 * @param holding   whether the startup hold is on (only missing entries are added)
 */
public record FlowTableView(DatapathId dpid, boolean connected, boolean synced, boolean holding,
                            Reconciler.Stats stats, List<Entry> entries) {
    public FlowTableView {
        entries = List.copyOf(entries);
    }

    /** How an entry stands. */
    public enum State {
        /** wanted and installed, the same. */
        IN_PLACE,
        /** wanted, not (yet) in the switch. */
        MISSING,
        /** in the switch with other instructions or another owner's cookie: will be modified. */
        DIFFERENT,
        /** in the switch with an owner's cookie, no longer wanted: will be deleted. */
        UNWANTED
    }

    /** What an app wants: its cookie id, the scope (logical network) and the instructions. */
    public record Desired(int appId, int scope, U64 cookie, List<OFInstruction> instructions) {
    }

    /** What the switch has. */
    public record Installed(U64 cookie, List<OFInstruction> instructions) {
    }

    public record Entry(TableId table, int priority, Match match, Optional<Desired> desired,
                        Optional<Installed> installed) {
        public State state() {
            if (desired.isEmpty()) {
                return State.UNWANTED;
            }
            if (installed.isEmpty()) {
                return State.MISSING;
            }
            return installed.get().cookie().equals(desired.get().cookie())
                    && Instructions.same(installed.get().instructions(), desired.get().instructions())
                    ? State.IN_PLACE : State.DIFFERENT;
        }

        /** The match fields in canonical order. */
        public List<org.projectfloodlight.openflow.protocol.oxm.OFOxm<?>> fields() {
            return FlowSpec.fieldsOf(match);
        }
    }
}
