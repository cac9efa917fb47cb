package dev.weft.sim.datapath;

import dev.weft.sim.packet.Frames;
import java.util.List;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFFlowAdd;
import org.projectfloodlight.openflow.protocol.action.OFAction;
import org.projectfloodlight.openflow.protocol.instruction.OFInstruction;
import org.projectfloodlight.openflow.protocol.match.Match;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.TableId;

/** Short builders for test messages and frames. */
final class Of {
    static final MacAddress MAC1 = MacAddress.of("00:00:00:00:00:01");
    static final MacAddress MAC2 = MacAddress.of("00:00:00:00:00:02");
    static final MacAddress MAC3 = MacAddress.of("00:00:00:00:00:03");
    static final IPv4Address IP1 = IPv4Address.of("10.0.0.1");
    static final IPv4Address IP2 = IPv4Address.of("10.0.0.2");

    private Of() {
    }

    static OFAction out(OFFactory f, int port) {
        return f.actions().output(OFPort.of(port), 0xffff);
    }

    static OFAction out(OFFactory f, OFPort port) {
        return f.actions().output(port, 0xffff);
    }

    static OFInstruction apply(OFFactory f, OFAction... actions) {
        return f.instructions().applyActions(List.of(actions));
    }

    static OFInstruction write(OFFactory f, OFAction... actions) {
        return f.instructions().writeActions(List.of(actions));
    }

    static OFInstruction gotoTable(OFFactory f, int t) {
        return f.instructions().gotoTable(TableId.of(t));
    }

    /** A 1.3 flow add in table {@code table}. */
    static OFFlowAdd.Builder add(OFFactory f, int table, int priority, Match match, OFInstruction... ins) {
        return f.buildFlowAdd().setTableId(TableId.of(table)).setPriority(priority).setMatch(match)
                .setInstructions(List.of(ins));
    }

    /** A 1.0 flow add. */
    static OFFlowAdd.Builder add10(OFFactory f, int priority, Match match, OFAction... actions) {
        return f.buildFlowAdd().setPriority(priority).setMatch(match).setActions(List.of(actions));
    }

    /** A UDP frame from MAC1/IP1 to MAC2/IP2. */
    static byte[] udp12() {
        return Frames.from(MAC1, IP1).to(MAC2, IP2).udp(1000, 2000, new byte[] {1, 2, 3, 4});
    }
}
