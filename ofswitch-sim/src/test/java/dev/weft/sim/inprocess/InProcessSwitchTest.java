package dev.weft.sim.inprocess;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.sim.packet.Frames;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFFlowAdd;
import org.projectfloodlight.openflow.protocol.instruction.OFInstruction;
import org.projectfloodlight.openflow.protocol.match.Match;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFMetadata;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.TableId;
import org.projectfloodlight.openflow.types.U64;

/** One switch fed flow-mods directly: what a frame arriving on a port does. */
class InProcessSwitchTest {
    static final MacAddress A = MacAddress.of("02:00:00:00:00:0a");
    static final MacAddress B = MacAddress.of("02:00:00:00:00:0b");
    static final IPv4Address IA = IPv4Address.of("10.0.0.10");
    static final IPv4Address IB = IPv4Address.of("10.0.0.11");

    final InProcessSwitch sw = new InProcessSwitch("hv1", DatapathId.of(1))
            .addPort(OFPort.of(1), "vm-a").addPort(OFPort.of(2), "vm-b").addPort(OFPort.of(7), "vx-hv2");
    final OFFactory f = sw.factory();

    OFFlowAdd add(int table, int priority, Match m, List<OFInstruction> instructions) {
        return f.buildFlowAdd().setTableId(TableId.of(table)).setPriority(priority).setMatch(m)
                .setInstructions(instructions).build();
    }

    Match inPort(int p) {
        return f.buildMatch().setExact(MatchField.IN_PORT, OFPort.of(p)).build();
    }

    @Test
    void aFrameGoesWhereTheTablesSayWithTheTunnelIdTheySet() {
        sw.apply(add(0, 10, inPort(1), List.of(f.instructions().writeMetadata(U64.of(5001), U64.of(0xffffff)),
                        f.instructions().gotoTable(TableId.of(1)))),
                add(1, 10, f.buildMatch().setExact(MatchField.ETH_DST, B).build(), List.of(f.instructions()
                        .applyActions(List.of(f.actions().setField(f.oxms().tunnelId(U64.of(5001))),
                                f.actions().output(OFPort.of(7), 0))))));
        Outcome o = sw.send(OFPort.of(1), Frames.from(A, IA).to(B, IB).echoRequest(1, 1));
        assertEquals(Set.of(OFPort.of(7)), o.ports(), o.toString());
        assertTrue(o.isOutput(OFPort.of(7)));
        assertFalse(o.isOutput(OFPort.of(2)));
        assertEquals(5001, o.outputs().get(0).tunnelId());
        assertEquals(List.of(0, 1), o.visits().stream().map(v -> v.table()).toList());
        assertEquals(5001, o.visits().get(1).metadata(), "table 1 saw what table 0 wrote");
    }

    @Test
    void aMissIsADropAndTheTraceSaysWhere() {
        sw.apply(add(0, 10, inPort(1), List.of(f.instructions().gotoTable(TableId.of(2)))));
        Outcome o = sw.send(OFPort.of(1), Frames.from(A, IA).arpRequest(IB));
        assertTrue(o.dropped(), o.toString());
        assertTrue(o.visits().get(1).isMiss());
        assertEquals(2, o.visits().get(1).table());
        assertTrue(sw.send(OFPort.of(2), Frames.from(B, IB).arpRequest(IA)).dropped(), "nothing for port 2");
    }

    @Test
    void inPortAndControllerOutputsAreReported() {
        sw.apply(add(0, 10, inPort(1), List.of(f.instructions().applyActions(List.of(
                f.actions().output(OFPort.IN_PORT, 0), f.actions().output(OFPort.CONTROLLER, 0xffff))))));
        Outcome o = sw.send(OFPort.of(1), Frames.from(A, IA).arpRequest(IB));
        assertEquals(Set.of(OFPort.of(1)), o.ports());
        assertEquals(1, o.packetIns().size());
        assertEquals(OFPort.of(1), o.packetIns().get(0).getMatch().get(MatchField.IN_PORT));
    }

    @Test
    void aTunnelIdOnArrivalCanBeMatched() {
        sw.apply(add(0, 10, f.buildMatch().setExact(MatchField.IN_PORT, OFPort.of(7))
                .setExact(MatchField.TUNNEL_ID, U64.of(5001)).build(), List.of(f.instructions().applyActions(
                List.of(f.actions().output(OFPort.of(2), 0))))));
        byte[] frame = Frames.from(A, IA).to(B, IB).echoRequest(1, 1);
        assertEquals(Set.of(OFPort.of(2)), sw.send(OFPort.of(7), frame, 5001).ports());
        assertTrue(sw.send(OFPort.of(7), frame, 6001).dropped(), "another segment");
        assertTrue(sw.send(OFPort.of(7), frame).dropped(), "no tunnel id");
    }

    @Test
    void whatTheSwitchRejectsIsAnErrorThatNamesIt() {
        // goto_table must go forward (OpenFlow 1.3 §5.1)
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> sw.apply(add(3, 10, inPort(1), List.of(f.instructions().gotoTable(TableId.of(1))))));
        assertTrue(e.getMessage().startsWith("hv1 rejected"), e.getMessage());
        assertTrue(sw.flows().isEmpty());
        assertThrows(IllegalArgumentException.class, () -> sw.send(OFPort.of(9), new byte[60]), "no port 9");
    }

    @Test
    void metadataMatchesSeeWhatEarlierTablesWrote() {
        sw.apply(add(0, 10, inPort(2), List.of(f.instructions().writeMetadata(U64.of(6001), U64.of(0xffffff)),
                        f.instructions().gotoTable(TableId.of(4)))),
                add(4, 10, f.buildMatch().setMasked(MatchField.METADATA, OFMetadata.of(U64.of(6001)),
                        OFMetadata.of(U64.of(0xffffff))).build(),
                        List.of(f.instructions().applyActions(List.of(f.actions().output(OFPort.of(1), 0))))));
        assertEquals(Set.of(OFPort.of(1)), sw.send(OFPort.of(2), Frames.from(B, IB).to(A, IA).udp(1, 2,
                new byte[4])).ports());
    }
}
