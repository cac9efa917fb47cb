package dev.weft.sim.inprocess;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.sim.packet.Frames;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFFlowAdd;
import org.projectfloodlight.openflow.protocol.action.OFAction;
import org.projectfloodlight.openflow.protocol.match.Match;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.TableId;
import org.projectfloodlight.openflow.types.U64;

/** Two hypervisors joined by a tunnel, hosts on their ports: where frames end up. */
class InProcessFabricTest {
    static final MacAddress A = MacAddress.of("02:00:00:00:00:0a");
    static final MacAddress B = MacAddress.of("02:00:00:00:00:0b");
    static final IPv4Address IA = IPv4Address.of("10.0.0.10");
    static final IPv4Address IB = IPv4Address.of("10.0.0.11");
    static final OFPort VX = OFPort.of(100);

    final InProcessFabric fabric = new InProcessFabric();
    final InProcessSwitch hv1 = fabric.addSwitch("hv1", DatapathId.of(1));
    final InProcessSwitch hv2 = fabric.addSwitch("hv2", DatapathId.of(2));
    final OFFactory f = hv1.factory();

    InProcessFabricTest() {
        fabric.host("a", "hv1", OFPort.of(1)).host("c", "hv1", OFPort.of(2)).host("b", "hv2", OFPort.of(1))
                .tunnel("hv1", VX, "hv2", VX);
    }

    OFFlowAdd add(int priority, Match m, OFAction... actions) {
        return f.buildFlowAdd().setTableId(TableId.of(0)).setPriority(priority).setMatch(m)
                .setInstructions(List.of(f.instructions().applyActions(List.of(actions)))).build();
    }

    Match in(int port) {
        return f.buildMatch().setExact(MatchField.IN_PORT, OFPort.of(port)).build();
    }

    OFAction out(OFPort p) {
        return f.actions().output(p, 0);
    }

    @Test
    void aFrameCrossesTheTunnelWithItsIdAndOnlyTheRightHostGetsIt() {
        hv1.apply(add(10, in(1), f.actions().setField(f.oxms().tunnelId(U64.of(5001))), out(VX)));
        hv2.apply(add(10, f.buildMatch().setExact(MatchField.IN_PORT, VX).setExact(MatchField.TUNNEL_ID, U64.of(5001))
                .build(), out(OFPort.of(1))));
        Reach r = fabric.send("a", Frames.from(A, IA).to(B, IB).echoRequest(1, 1));
        assertTrue(r.reachedOnly("b"), r.toString());
        assertEquals(List.of(5001L), r.only("b").tunnelIds());
        assertEquals(List.of("hv1", "hv2"), r.only("b").switches());
        assertFalse(r.reachedOnly("b", "c"));
    }

    @Test
    void copiesAreCountedPerHostAndAFrameWithAnotherTunnelIdReachesNobody() {
        hv1.apply(add(10, in(1), out(OFPort.of(2)), out(OFPort.of(2)), out(VX)));
        hv2.apply(add(10, f.buildMatch().setExact(MatchField.IN_PORT, VX).setExact(MatchField.TUNNEL_ID, U64.of(7))
                .build(), out(OFPort.of(1))));
        Reach r = fabric.send("a", Frames.from(A, IA).arpRequest(IB));
        assertEquals(Map.of("c", 2), r.copies(), r.toString());
        assertFalse(r.reachedOnly("c"), "two copies are not one");
        assertTrue(fabric.sendFromTunnel("hv2", VX, 8, Frames.from(A, IA).arpRequest(IB)).reachedNobody());
        assertEquals(Set.of("b"), fabric.sendFromTunnel("hv2", VX, 7, Frames.from(A, IA).arpRequest(IB)).hosts());
    }

    @Test
    void aLoopIsCutOffAndReportedAsAStorm() {
        hv1.apply(add(10, in(100), out(VX), out(OFPort.IN_PORT)), add(10, in(1), out(VX)));
        hv2.apply(add(10, in(100), out(OFPort.IN_PORT)));
        Reach r = fabric.send("a", Frames.from(A, IA).arpRequest(IB));
        assertTrue(r.storm(), "the tunnel ping-pongs forever");
        assertFalse(r.reachedNobody());
    }

    @Test
    void packetInsAndUnconnectedPortsAreReported() {
        hv1.apply(add(10, in(1), out(OFPort.of(9)), f.actions().output(OFPort.CONTROLLER, 0xffff)));
        hv1.addPort(OFPort.of(9), "nothing");
        Reach r = fabric.send("a", Frames.from(A, IA).arpRequest(IB));
        assertEquals(List.of(new InProcessFabric.Place("hv1", OFPort.of(9))), r.lost());
        assertEquals(1, r.packetIns().size());
        assertFalse(r.reachedNobody(), "a packet-in is not nothing");
    }
}
