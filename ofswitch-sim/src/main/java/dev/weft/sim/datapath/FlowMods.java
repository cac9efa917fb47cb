package dev.weft.sim.datapath;

import dev.weft.sim.packet.FieldSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.projectfloodlight.openflow.protocol.OFErrorType;
import org.projectfloodlight.openflow.protocol.OFFlowMod;
import org.projectfloodlight.openflow.protocol.OFFlowModCommand;
import org.projectfloodlight.openflow.protocol.OFFlowModFailedCode;
import org.projectfloodlight.openflow.protocol.OFFlowModFlags;
import org.projectfloodlight.openflow.protocol.OFFlowRemovedReason;
import org.projectfloodlight.openflow.protocol.action.OFAction;
import org.projectfloodlight.openflow.protocol.action.OFActionGroup;
import org.projectfloodlight.openflow.protocol.action.OFActionOutput;
import org.projectfloodlight.openflow.protocol.instruction.OFInstruction;
import org.projectfloodlight.openflow.types.OFBufferId;
import org.projectfloodlight.openflow.types.OFGroup;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.TableId;
import org.projectfloodlight.openflow.types.U64;

/**
 * FLOW_MOD semantics (OpenFlow 1.0 §4.6 / 1.3 §6.4): ADD with CHECK_OVERLAP and identical-entry
 * replacement, MODIFY (non-strict, covers), MODIFY_STRICT, DELETE and DELETE_STRICT with out_port,
 * out_group and (1.1+) cookie/mask filters, and a buffered packet applied after ADD/MODIFY.
 */
final class FlowMods {
    private final Datapath dp;
    private final ActionValidator validator;

    FlowMods(Datapath dp, ActionValidator validator) {
        this.dp = dp;
        this.validator = validator;
    }

    void handle(OFFlowMod fm) throws OfErrorException {
        MatchSpec spec = MatchTranslator.translate(fm.getMatch());
        OFFlowModCommand cmd = fm.getCommand();
        switch (cmd) {
            case ADD -> add(fm, spec);
            case MODIFY -> modify(fm, spec, false);
            case MODIFY_STRICT -> modify(fm, spec, true);
            case DELETE -> delete(fm, spec, false);
            case DELETE_STRICT -> delete(fm, spec, true);
            default -> throw new OfErrorException(OFErrorType.FLOW_MOD_FAILED, OFFlowModFailedCode.BAD_COMMAND,
                    "flow-mod command " + cmd);
        }
        boolean addsOrModifies = cmd == OFFlowModCommand.ADD || cmd == OFFlowModCommand.MODIFY
                || cmd == OFFlowModCommand.MODIFY_STRICT;
        if (addsOrModifies && !fm.getBufferId().equals(OFBufferId.NO_BUFFER)) {
            dp.processBuffered(fm.getBufferId());
        }
    }

    private int tableOf(OFFlowMod fm) {
        return dp.is10() ? 0 : fm.getTableId().getValue() & 0xff;
    }

    private FlowTable checkedTable(OFFlowMod fm) throws OfErrorException {
        int t = tableOf(fm);
        if (t >= dp.tableCount()) {
            throw new OfErrorException(OFErrorType.FLOW_MOD_FAILED, OFFlowModFailedCode.BAD_TABLE_ID,
                    "table " + t + " does not exist (tables 0.." + (dp.tableCount() - 1) + ")");
        }
        return dp.tables[t];
    }

    private Program program(OFFlowMod fm, int tableId, MatchSpec spec) throws OfErrorException {
        FieldSource ctx = ActionValidator.asContext(spec);
        if (dp.is10()) {
            validator.actions(fm.getActions(), ctx, false);
            return Program.applyOnly(fm.getActions());
        }
        return validator.instructions(fm.getInstructions(), tableId, ctx);
    }

    private List<OFInstruction> instructionsOf(OFFlowMod fm) {
        return dp.is10() ? List.of() : fm.getInstructions();
    }

    private List<OFAction> actionsOf(OFFlowMod fm) {
        return dp.is10() ? fm.getActions() : List.of();
    }

    private void add(OFFlowMod fm, MatchSpec spec) throws OfErrorException {
        FlowTable table = checkedTable(fm);
        Program program = program(fm, table.id, spec);
        Set<OFFlowModFlags> flags = fm.getFlags();
        if (flags.contains(OFFlowModFlags.CHECK_OVERLAP)) {
            for (FlowEntry e : table.entries()) {
                if (e.priority == fm.getPriority() && e.spec.overlaps(spec)) {
                    throw new OfErrorException(OFErrorType.FLOW_MOD_FAILED, OFFlowModFailedCode.OVERLAP,
                            "overlaps " + e);
                }
            }
        }
        FlowEntry existing = table.findStrict(spec, fm.getPriority());
        if (existing == null && table.size() >= dp.config().maxFlowsPerTable()) {
            throw new OfErrorException(OFErrorType.FLOW_MOD_FAILED,
                    dp.is10() ? OFFlowModFailedCode.ALL_TABLES_FULL : OFFlowModFailedCode.TABLE_FULL,
                    "table " + table.id + " is full");
        }
        FlowEntry e = new FlowEntry(table.id, fm.getPriority(), spec, fm.getMatch(), fm.getCookie(),
                fm.getIdleTimeout(), fm.getHardTimeout(), flags, instructionsOf(fm), actionsOf(fm), program, dp.now());
        if (existing == null) {
            table.insert(e);
        } else {
            // 1.0: the old entry goes with its counters. 1.1+: counters carry over unless RESET_COUNTS.
            if (!dp.is10() && !flags.contains(OFFlowModFlags.RESET_COUNTS)) {
                e.packetCount = existing.packetCount;
                e.byteCount = existing.byteCount;
            }
            table.replace(existing, e);
        }
    }

    private void modify(OFFlowMod fm, MatchSpec spec, boolean strict) throws OfErrorException {
        if (!dp.is10() && fm.getTableId().equals(TableId.ALL)) {
            throw new OfErrorException(OFErrorType.FLOW_MOD_FAILED, OFFlowModFailedCode.BAD_TABLE_ID,
                    "MODIFY cannot use OFPTT_ALL");
        }
        FlowTable table = checkedTable(fm);
        Program program = program(fm, table.id, spec);
        List<FlowEntry> selected = new ArrayList<>();
        for (FlowEntry e : table.entries()) {
            if (selects(e, fm, spec, strict) && cookieMatches(e, fm)) {
                selected.add(e);
            }
        }
        if (selected.isEmpty()) {
            if (dp.is10()) {
                add(fm, spec); // OpenFlow 1.0: a MODIFY that matches nothing acts as an ADD
            }
            return;
        }
        for (FlowEntry e : selected) {
            e.program = program;
            e.instructions = List.copyOf(instructionsOf(fm));
            e.actions = List.copyOf(actionsOf(fm));
            if (fm.getFlags().contains(OFFlowModFlags.RESET_COUNTS)) {
                e.packetCount = 0;
                e.byteCount = 0;
            }
        }
    }

    private void delete(OFFlowMod fm, MatchSpec spec, boolean strict) throws OfErrorException {
        List<FlowTable> tables = new ArrayList<>();
        if (dp.is10() || !fm.getTableId().equals(TableId.ALL)) {
            tables.add(checkedTable(fm));
        } else {
            for (int i = 0; i < dp.tableCount(); i++) {
                tables.add(dp.tables[i]);
            }
        }
        OFPort outPort = fm.getOutPort();
        OFGroup outGroup = dp.is10() ? OFGroup.ANY : fm.getOutGroup();
        for (FlowTable t : tables) {
            for (FlowEntry e : List.copyOf(t.entries())) {
                if (selects(e, fm, spec, strict) && cookieMatches(e, fm) && outputsTo(e, outPort)
                        && usesGroup(e, outGroup)) {
                    dp.removeEntry(t, e, OFFlowRemovedReason.DELETE);
                }
            }
        }
    }

    private static boolean selects(FlowEntry e, OFFlowMod fm, MatchSpec spec, boolean strict) {
        return strict ? e.priority == fm.getPriority() && e.spec.equals(spec) : e.spec.isCoveredBy(spec);
    }

    private boolean cookieMatches(FlowEntry e, OFFlowMod fm) {
        if (dp.is10()) {
            return true;
        }
        long mask = fm.getCookieMask().getValue();
        return (e.cookie.getValue() & mask) == (fm.getCookie().getValue() & mask);
    }

    /** Whether the entry selects for an out_port filter; OFPP_ANY (1.0: OFPP_NONE) means no filter. */
    static boolean outputsTo(FlowEntry e, OFPort port) {
        if (port.equals(OFPort.ANY)) {
            return true;
        }
        for (OFAction a : allActions(e)) {
            if (a instanceof OFActionOutput o && o.getPort().equals(port)) {
                return true;
            }
        }
        return false;
    }

    static boolean usesGroup(FlowEntry e, OFGroup group) {
        if (group.equals(OFGroup.ANY)) {
            return true;
        }
        for (OFAction a : allActions(e)) {
            if (a instanceof OFActionGroup g && g.getGroup().equals(group)) {
                return true;
            }
        }
        return false;
    }

    private static List<OFAction> allActions(FlowEntry e) {
        List<OFAction> all = new ArrayList<>(e.program.apply());
        all.addAll(e.program.write());
        return all;
    }

    /** Removes every flow that sends to a deleted group (OpenFlow 1.3 §6.5). */
    void removeFlowsUsingGroup(int groupId) {
        OFGroup g = OFGroup.of(groupId);
        for (int i = 0; i < dp.tables.length; i++) {
            for (FlowEntry e : List.copyOf(dp.tables[i].entries())) {
                if (usesGroup(e, g)) {
                    dp.removeEntry(dp.tables[i], e, OFFlowRemovedReason.GROUP_DELETE);
                }
            }
        }
    }

    static boolean cookieFilter(U64 entryCookie, U64 cookie, U64 mask) {
        return (entryCookie.getValue() & mask.getValue()) == (cookie.getValue() & mask.getValue());
    }
}
