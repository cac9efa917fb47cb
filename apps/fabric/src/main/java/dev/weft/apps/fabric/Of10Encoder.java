package dev.weft.apps.fabric;

import dev.weft.api.flow.FlowSpec;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFFlowAdd;
import org.projectfloodlight.openflow.protocol.OFFlowDeleteStrict;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.action.OFAction;
import org.projectfloodlight.openflow.protocol.action.OFActionOutput;
import org.projectfloodlight.openflow.protocol.action.OFActionPopVlan;
import org.projectfloodlight.openflow.protocol.action.OFActionPushVlan;
import org.projectfloodlight.openflow.protocol.action.OFActionSetField;
import org.projectfloodlight.openflow.protocol.instruction.OFInstruction;
import org.projectfloodlight.openflow.protocol.instruction.OFInstructionApplyActions;
import org.projectfloodlight.openflow.protocol.match.Match;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.protocol.oxm.OFOxm;
import org.projectfloodlight.openflow.protocol.oxm.OFOxmVlanVid;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.U64;
import org.projectfloodlight.openflow.types.VlanVid;

import java.util.ArrayList;
import java.util.List;

/**
 * A single-table {@link FlowSpec} as an OpenFlow 1.0 FLOW_MOD: the match's fields set one by one
 * on a 1.0 match (untagged is dl_vlan 0xffff), apply-actions only, {@code push_vlan} +
 * {@code set_field vlan_vid} as {@code set_vlan_vid} (which tags an untagged frame) and
 * {@code pop_vlan} as {@code strip_vlan}. What has no 1.0 form is an {@link IllegalArgumentException}
 * naming it: the single-table compiler never produces it.
 */
public final class Of10Encoder {
    public static final OFFactory OF10 = OFFactories.getFactory(OFVersion.OF_10);

    private Of10Encoder() {
    }

    public static OFFlowAdd add(FlowSpec spec, U64 cookie) {
        check(spec);
        return OF10.buildFlowAdd().setPriority(spec.priority()).setMatch(match(spec)).setActions(actions(spec))
                .setCookie(cookie).setBufferId(org.projectfloodlight.openflow.types.OFBufferId.NO_BUFFER).build();
    }

    public static OFFlowDeleteStrict delete(FlowSpec spec) {
        check(spec);
        return OF10.buildFlowDeleteStrict().setPriority(spec.priority()).setMatch(match(spec))
                .setOutPort(OFPort.ANY).build();
    }

    private static void check(FlowSpec spec) {
        if (spec.table().getValue() != 0) {
            throw new IllegalArgumentException("OpenFlow 1.0 has one table; entry for table " + spec.table());
        }
    }

    static Match match(FlowSpec spec) {
        Match.Builder b = OF10.buildMatch();
        for (OFOxm<?> o : spec.fields()) {
            set(b, o);
        }
        return b.build();
    }

    private static <T extends org.projectfloodlight.openflow.types.OFValueType<T>> void set(Match.Builder b, OFOxm<T> o) {
        MatchField<T> f = o.getMatchField();
        if (o.isMasked()) {
            b.setMasked(f, o.getValue(), o.getMask());
        } else {
            b.setExact(f, o.getValue());
        }
    }

    static List<OFAction> actions(FlowSpec spec) {
        List<OFAction> out = new ArrayList<>();
        for (OFInstruction i : spec.instructions()) {
            if (!(i instanceof OFInstructionApplyActions aa)) {
                throw new IllegalArgumentException("OpenFlow 1.0 has no instruction " + i);
            }
            for (OFAction a : aa.getActions()) {
                if (a instanceof OFActionOutput o) {
                    out.add(OF10.actions().output(o.getPort(), o.getMaxLen()));
                } else if (a instanceof OFActionPushVlan) {
                    continue; // set_vlan_vid tags an untagged frame itself
                } else if (a instanceof OFActionPopVlan) {
                    out.add(OF10.actions().stripVlan());
                } else if (a instanceof OFActionSetField sf && sf.getField() instanceof OFOxmVlanVid v) {
                    out.add(OF10.actions().setVlanVid(VlanVid.ofVlan(v.getValue().getVlan())));
                } else {
                    throw new IllegalArgumentException("no OpenFlow 1.0 form for " + a);
                }
            }
        }
        return out;
    }
}
