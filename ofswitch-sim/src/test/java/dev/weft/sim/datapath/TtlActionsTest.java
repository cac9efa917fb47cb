package dev.weft.sim.datapath;

import static dev.weft.sim.datapath.Of.MAC1;
import static dev.weft.sim.datapath.Of.MAC2;
import static dev.weft.sim.datapath.Of.add;
import static dev.weft.sim.datapath.Of.apply;
import static dev.weft.sim.datapath.Of.gotoTable;
import static dev.weft.sim.datapath.Of.out;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.sim.packet.Checksums;
import dev.weft.sim.packet.Frames;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFPacketIn;
import org.projectfloodlight.openflow.protocol.OFPacketInReason;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.TableId;
import org.projectfloodlight.openflow.types.U64;

/** dec_nw_ttl and set_nw_ttl on IPv4 frames, and what a TTL that runs out does (as Open vSwitch). */
class TtlActionsTest {
    private final DatapathHarness h = DatapathHarness.of13(3);
    private final OFFactory f = h.f();

    static byte[] ping(int ttl) {
        byte[] b = Frames.from(MAC1, IPv4Address.of("10.0.0.1")).to(MAC2, IPv4Address.of("10.0.0.2")).echoRequest(1, 1, new byte[8]);
        b[14 + 8] = (byte) ttl;
        b[14 + 10] = 0;
        b[14 + 11] = 0;
        int c = Checksums.internet(b, 14, 20);
        b[14 + 10] = (byte) (c >>> 8);
        b[14 + 11] = (byte) c;
        return b;
    }

    void decThenOutput() {
        h.send(add(f, 0, 10, f.buildMatch().build(), gotoTable(f, 1)).build(),
                add(f, 1, 10, f.buildMatch().build(), apply(f, f.actions().decNwTtl(), out(f, 2)))
                        .setCookie(U64.of(0x77)).build());
    }

    @Test
    void decrementsAndFixesTheHeaderChecksum() {
        decThenOutput();
        h.inject(1, ping(5));
        byte[] out = h.takeSent().get(0).bytes();
        assertEquals(4, out[14 + 8]);
        assertTrue(Checksums.verify(out, 14, 20), "IPv4 header checksum still right");
    }

    @Test
    void aTtlThatRunsOutEndsThePacketSilentlyUnlessTheControllerAskedForIt() {
        decThenOutput();
        h.inject(1, ping(1));
        assertEquals(List.of(), h.takeSent(), "not forwarded");
        h.assertNoMessages();
        // OpenFlow 1.3 SET_ASYNC enabling the invalid-TTL reason
        h.send(f.buildAsyncSet().setPacketInMaskEqualMaster(0b111).setPacketInMaskSlave(0)
                .setPortStatusMaskEqualMaster(7).setPortStatusMaskSlave(7).setFlowRemovedMaskEqualMaster(15)
                .setFlowRemovedMaskSlave(0).build());
        h.inject(1, ping(1));
        assertEquals(List.of(), h.takeSent());
        List<OFPacketIn> pins = h.take(OFPacketIn.class);
        assertEquals(1, pins.size());
        OFPacketIn pin = pins.get(0);
        assertEquals(OFPacketInReason.INVALID_TTL, pin.getReason());
        assertEquals(TableId.of(1), pin.getTableId());
        assertEquals(U64.of(0x77), pin.getCookie());
        assertEquals(1, pin.getData()[14 + 8], "the packet as it was: TTL not decremented");
        assertEquals(1, pin.getMatch().get(MatchField.IN_PORT).getPortNumber());
        h.inject(1, ping(0));
        assertEquals(1, h.take(OFPacketIn.class).size(), "TTL 0 too");
    }

    @Test
    void setNwTtlRewritesTheTtl() {
        h.send(add(f, 0, 10, f.buildMatch().build(), apply(f, f.actions().setNwTtl((short) 64), out(f, 2))).build());
        h.inject(1, ping(3));
        byte[] out = h.takeSent().get(0).bytes();
        assertEquals(64, out[14 + 8]);
        assertTrue(Checksums.verify(out, 14, 20));
    }
}
