package dev.weft.rest;

import dev.weft.ovsext.CtState;
import dev.weft.ovsext.NiciraAction;
import org.projectfloodlight.openflow.protocol.action.OFAction;
import org.projectfloodlight.openflow.protocol.action.OFActionGroup;
import org.projectfloodlight.openflow.protocol.action.OFActionOutput;
import org.projectfloodlight.openflow.protocol.action.OFActionPopVlan;
import org.projectfloodlight.openflow.protocol.action.OFActionPushVlan;
import org.projectfloodlight.openflow.protocol.action.OFActionSetField;
import org.projectfloodlight.openflow.protocol.instruction.OFInstruction;
import org.projectfloodlight.openflow.protocol.instruction.OFInstructionApplyActions;
import org.projectfloodlight.openflow.protocol.instruction.OFInstructionClearActions;
import org.projectfloodlight.openflow.protocol.instruction.OFInstructionGotoTable;
import org.projectfloodlight.openflow.protocol.instruction.OFInstructionWriteActions;
import org.projectfloodlight.openflow.protocol.instruction.OFInstructionWriteMetadata;
import org.projectfloodlight.openflow.protocol.oxm.OFOxm;
import org.projectfloodlight.openflow.types.OFPort;

import java.util.List;
import java.util.stream.Collectors;

/** Flow entries as people read them, close to {@code ovs-ofctl dump-flows}. */
final class FlowText {
    private FlowText() {
    }

    static String match(List<OFOxm<?>> fields) {
        if (fields.isEmpty()) {
            return "(any)";
        }
        return fields.stream().map(FlowText::oxm).collect(Collectors.joining(","));
    }

    static String oxm(OFOxm<?> o) {
        if (o.getMatchField() == org.projectfloodlight.openflow.protocol.match.MatchField.CONN_TRACKING_STATE) {
            long v = ((org.projectfloodlight.openflow.types.U32) o.getValue()).getValue();
            long m = o.isMasked() ? ((org.projectfloodlight.openflow.types.U32) o.getMask()).getValue() : 0xff;
            return "ct_state=" + CtState.format((int) v, (int) m);
        }
        if (o.getMatchField() == org.projectfloodlight.openflow.protocol.match.MatchField.CONN_TRACKING_ZONE) {
            return "ct_zone=" + ((org.projectfloodlight.openflow.types.U16) o.getValue()).getValue();
        }
        return o.getMatchField().getName() + "=" + o.getValue() + (o.isMasked() ? "/" + o.getMask() : "");
    }

    static String instructions(List<OFInstruction> ins) {
        if (ins.isEmpty()) {
            return "drop";
        }
        return ins.stream().map(FlowText::instruction).collect(Collectors.joining(" "));
    }

    private static String instruction(OFInstruction i) {
        if (i instanceof OFInstructionApplyActions a) {
            return a.getActions().isEmpty() ? "drop" : "actions=" + actions(a.getActions());
        }
        if (i instanceof OFInstructionWriteActions w) {
            return "write_actions(" + actions(w.getActions()) + ")";
        }
        if (i instanceof OFInstructionClearActions) {
            return "clear_actions";
        }
        if (i instanceof OFInstructionGotoTable g) {
            return "goto_table:" + g.getTableId().getValue();
        }
        if (i instanceof OFInstructionWriteMetadata m) {
            return "write_metadata:" + m.getMetadata() + "/" + m.getMetadataMask();
        }
        return i.toString();
    }

    private static String actions(List<OFAction> actions) {
        return actions.stream().map(FlowText::action).collect(Collectors.joining(","));
    }

    private static String action(OFAction a) {
        if (a instanceof NiciraAction) {
            return a.toString(); // ovs-ofctl's own syntax: ct(commit,zone=5), resubmit(,5)
        }
        if (a instanceof OFActionOutput o) {
            OFPort p = o.getPort();
            return "output:" + (p.equals(OFPort.IN_PORT) ? "in_port" : p.equals(OFPort.CONTROLLER) ? "controller"
                    : p.equals(OFPort.FLOOD) ? "flood" : p.equals(OFPort.TABLE) ? "table" : p.toString());
        }
        if (a instanceof OFActionSetField s) {
            return "set_field:" + s.getField().getMatchField().getName() + "=" + s.getField().getValue();
        }
        if (a instanceof OFActionPushVlan v) {
            return "push_vlan:" + v.getEthertype();
        }
        if (a instanceof OFActionPopVlan) {
            return "pop_vlan";
        }
        if (a instanceof OFActionGroup g) {
            return "group:" + g.getGroup().getGroupNumber();
        }
        return a.getType().toString().toLowerCase(java.util.Locale.ROOT);
    }
}
