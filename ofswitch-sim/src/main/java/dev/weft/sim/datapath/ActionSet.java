package dev.weft.sim.datapath;

import dev.weft.sim.packet.Field;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.projectfloodlight.openflow.protocol.action.OFAction;
import org.projectfloodlight.openflow.protocol.action.OFActionSetField;

/**
 * The OpenFlow 1.1+ action set: at most one action of each type (one set_field per field),
 * executed at the end of the pipeline in the specification's order — pop, push, set_field,
 * set_queue, group, output (output is ignored when a group is present).
 */
final class ActionSet {
    private OFAction pop;
    private OFAction push;
    private final Map<Field, OFAction> setFields = new EnumMap<>(Field.class);
    private OFAction setQueue;
    private OFAction group;
    private OFAction output;

    void clear() {
        pop = null;
        push = null;
        setFields.clear();
        setQueue = null;
        group = null;
        output = null;
    }

    void write(List<OFAction> actions) {
        for (OFAction a : actions) {
            switch (a.getType()) {
                case POP_VLAN -> pop = a;
                case PUSH_VLAN -> push = a;
                case SET_FIELD -> setFields.put(FieldMapping.field(((OFActionSetField) a).getField().getMatchField()), a);
                case SET_QUEUE -> setQueue = a;
                case GROUP -> group = a;
                case OUTPUT -> output = a;
                default -> throw new IllegalStateException("validated action set cannot hold " + a.getType());
            }
        }
    }

    boolean isEmpty() {
        return toList().isEmpty();
    }

    /** The actions in execution order. */
    List<OFAction> toList() {
        List<OFAction> l = new ArrayList<>();
        addIf(l, pop);
        addIf(l, push);
        l.addAll(setFields.values());
        addIf(l, setQueue);
        if (group != null) {
            l.add(group);
        } else {
            addIf(l, output);
        }
        return l;
    }

    private static void addIf(List<OFAction> l, OFAction a) {
        if (a != null) {
            l.add(a);
        }
    }
}
