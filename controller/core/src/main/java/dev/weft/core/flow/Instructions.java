package dev.weft.core.flow;

import org.projectfloodlight.openflow.protocol.action.OFAction;
import org.projectfloodlight.openflow.protocol.action.OFActionOutput;
import org.projectfloodlight.openflow.protocol.instruction.OFInstruction;
import org.projectfloodlight.openflow.protocol.instruction.OFInstructionApplyActions;
import org.projectfloodlight.openflow.protocol.instruction.OFInstructionWriteActions;
import org.projectfloodlight.openflow.types.OFPort;

import java.util.ArrayList;
import java.util.List;

/** Compares instructions the way a switch keeps them (max_len only matters towards the controller). */
final class Instructions {
    private Instructions() {
    }

    static boolean same(List<OFInstruction> a, List<OFInstruction> b) {
        return a.equals(b) || normalize(a).equals(normalize(b));
    }

    private static List<Object> normalize(List<OFInstruction> in) {
        List<Object> out = new ArrayList<>();
        for (OFInstruction i : in) {
            if (i instanceof OFInstructionApplyActions aa) {
                out.add(List.of("apply", actions(aa.getActions())));
            } else if (i instanceof OFInstructionWriteActions wa) {
                out.add(List.of("write", actions(wa.getActions())));
            } else {
                out.add(i);
            }
        }
        return out;
    }

    private static List<Object> actions(List<OFAction> actions) {
        List<Object> out = new ArrayList<>();
        for (OFAction a : actions) {
            if (a instanceof OFActionOutput o && !OFPort.CONTROLLER.equals(o.getPort())) {
                out.add(List.of("output", o.getPort()));
            } else {
                out.add(a);
            }
        }
        return out;
    }
}
