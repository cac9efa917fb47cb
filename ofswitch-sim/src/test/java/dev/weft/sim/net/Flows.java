package dev.weft.sim.net;

import java.util.List;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFFlowAdd;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.action.OFAction;
import org.projectfloodlight.openflow.protocol.match.Match;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.TableId;

/** OpenFlow 1.3 flow-mods for network tests. */
final class Flows {
    static final OFFactory F = OFFactories.getFactory(OFVersion.OF_13);

    private Flows() {
    }

    static OFFlowAdd add(int priority, Match m, OFAction... actions) {
        return F.buildFlowAdd().setTableId(TableId.of(0)).setPriority(priority).setMatch(m)
                .setInstructions(List.of(F.instructions().applyActions(List.of(actions)))).build();
    }

    static OFAction out(OFPort p) {
        return F.actions().output(p, 0xffff);
    }

    static OFAction out(int p) {
        return out(OFPort.of(p));
    }

    static Match inPort(int p) {
        return F.buildMatch().setExact(org.projectfloodlight.openflow.protocol.match.MatchField.IN_PORT, OFPort.of(p)).build();
    }

    static Match any() {
        return F.buildMatch().build();
    }
}
