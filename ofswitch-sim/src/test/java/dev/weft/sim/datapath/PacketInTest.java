package dev.weft.sim.datapath;

import static dev.weft.sim.datapath.Of.add;
import static dev.weft.sim.datapath.Of.apply;
import static dev.weft.sim.datapath.Of.out;
import static dev.weft.sim.datapath.Of.udp12;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.sim.packet.Frames;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.projectfloodlight.openflow.protocol.OFBadRequestCode;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFGetConfigReply;
import org.projectfloodlight.openflow.protocol.OFPacketIn;
import org.projectfloodlight.openflow.protocol.OFPacketInReason;
import org.projectfloodlight.openflow.protocol.errormsg.OFBadRequestErrorMsg;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFBufferId;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.TableId;
import org.projectfloodlight.openflow.types.U64;
import org.projectfloodlight.openflow.types.VlanVid;

/** Packet-in on table miss (1.0) or output:CONTROLLER (1.3), buffers, miss_send_len and packet-out. */
class PacketInTest {
    private static byte[] big() {
        return Frames.from(Of.MAC1, Of.IP1).to(Of.MAC2, Of.IP2).udp(1, 2, new byte[300]);
    }

    @Test
    void of10TableMissSendsABufferedTruncatedPacketInThenPacketOutUsesTheBuffer() {
        DatapathHarness h = DatapathHarness.of10(3);
        OFFactory f = h.f();
        byte[] frame = big();
        h.inject(1, frame);
        OFPacketIn pi = h.take(OFPacketIn.class).get(0);
        assertEquals(OFPacketInReason.NO_MATCH, pi.getReason());
        assertEquals(OFPort.of(1), pi.getInPort());
        assertEquals(frame.length, pi.getTotalLen());
        assertEquals(128, pi.getData().length, "default miss_send_len");
        assertArrayEquals(Arrays.copyOf(frame, 128), pi.getData());

        h.send(f.buildPacketOut().setBufferId(pi.getBufferId()).setInPort(OFPort.of(1))
                .setActions(List.of(out(f, 3))).build());
        List<DatapathHarness.Sent> sent = h.takeSent();
        assertEquals(3, sent.get(0).port());
        assertArrayEquals(frame, sent.get(0).bytes(), "the whole buffered packet goes out");

        h.send(f.buildPacketOut().setXid(5).setBufferId(pi.getBufferId()).setInPort(OFPort.of(1))
                .setActions(List.of(out(f, 3))).build());
        assertEquals(OFBadRequestCode.BUFFER_EMPTY, ((OFBadRequestErrorMsg) h.onlyError()).getCode());
    }

    @Test
    void of10MissSendLenNoBufferSendsWholePacketsAndGetConfigReportsIt() {
        DatapathHarness h = DatapathHarness.of10(2);
        OFFactory f = h.f();
        h.send(f.buildSetConfig().setMissSendLen(0xffff).build(), f.buildGetConfigRequest().setXid(3).build());
        assertEquals(0xffff, h.take(OFGetConfigReply.class).get(0).getMissSendLen());
        byte[] frame = big();
        h.inject(2, frame);
        OFPacketIn pi = h.take(OFPacketIn.class).get(0);
        assertEquals(OFBufferId.NO_BUFFER, pi.getBufferId());
        assertArrayEquals(frame, pi.getData());
    }

    @Test
    void of10ActionsRewriteVlanAndAddresses() {
        DatapathHarness h = DatapathHarness.of10(3);
        OFFactory f = h.f();
        h.send(Of.add10(f, 10, f.buildMatch().setExact(MatchField.IN_PORT, OFPort.of(1)).build(),
                f.actions().setVlanVid(VlanVid.ofVlan(7)), f.actions().setDlDst(MacAddress.of("00:00:00:00:00:42")),
                out(f, 2)).build(),
                Of.add10(f, 10, f.buildMatch().setExact(MatchField.IN_PORT, OFPort.of(2)).build(),
                        f.actions().stripVlan(), out(f, 3)).build());
        h.inject(1, udp12());
        byte[] tagged = h.takeSent().get(0).bytes();
        assertEquals(0x1000 | 7, dev.weft.sim.packet.Headers.parse(tagged).get(dev.weft.sim.packet.Field.VLAN_VID));
        assertEquals(MacAddress.of("00:00:00:00:00:42"), Frames.ethDst(tagged));
        h.inject(2, tagged);
        assertEquals(udp12().length, h.takeSent().get(0).bytes().length);
        h.assertNoMessages();
    }

    @Test
    void of10ModifyThatMatchesNothingAdds() {
        DatapathHarness h = DatapathHarness.of10(2);
        OFFactory f = h.f();
        h.send(f.buildFlowModify().setMatch(f.buildMatch().build()).setPriority(3).setActions(List.of(out(f, 2))).build());
        assertEquals(1, h.dp.flows().size());
    }

    @Test
    void of13TableMissWithoutEntryDropsAndTheTableMissEntryGivesNoMatch() {
        DatapathHarness h = DatapathHarness.of13(2);
        OFFactory f = h.f();
        h.inject(1, udp12());
        h.assertNoMessages();
        h.send(add(f, 0, 0, f.buildMatch().build(), apply(f, f.actions().output(OFPort.CONTROLLER, 0xffff)))
                .setCookie(U64.of(0xabc)).build(),
                add(f, 0, 10, f.buildMatch().setExact(MatchField.IN_PORT, OFPort.of(2)).build(),
                        apply(f, f.actions().output(OFPort.CONTROLLER, 64))).build());
        byte[] frame = big();
        h.inject(1, frame);
        h.inject(2, frame);
        List<OFPacketIn> pis = h.take(OFPacketIn.class);
        assertEquals(OFPacketInReason.NO_MATCH, pis.get(0).getReason());
        assertEquals(U64.of(0xabc), pis.get(0).getCookie());
        assertEquals(TableId.of(0), pis.get(0).getTableId());
        assertEquals(OFPort.of(1), pis.get(0).getMatch().get(MatchField.IN_PORT));
        assertEquals(OFBufferId.NO_BUFFER, pis.get(0).getBufferId());
        assertArrayEquals(frame, pis.get(0).getData());
        assertEquals(OFPacketInReason.ACTION, pis.get(1).getReason());
        assertEquals(64, pis.get(1).getData().length, "max_len of the controller action");
        assertTrue(!pis.get(1).getBufferId().equals(OFBufferId.NO_BUFFER));
    }

    @Test
    void of13PacketOutToTableRunsThePipelineWithTheGivenInPort() {
        DatapathHarness h = DatapathHarness.of13(3);
        OFFactory f = h.f();
        h.send(add(f, 0, 10, f.buildMatch().setExact(MatchField.IN_PORT, OFPort.of(2)).build(), apply(f, out(f, 3))).build());
        h.send(f.buildPacketOut().setBufferId(OFBufferId.NO_BUFFER).setInPort(OFPort.of(2)).setData(udp12())
                .setActions(List.of(out(f, OFPort.TABLE))).build());
        assertEquals(List.of(3), h.takeSentPorts());
        h.send(f.buildPacketOut().setBufferId(OFBufferId.NO_BUFFER).setInPort(OFPort.CONTROLLER).setData(udp12())
                .setActions(List.of(out(f, OFPort.FLOOD))).build());
        assertEquals(List.of(1, 2, 3), h.takeSentPorts());
        h.assertNoMessages();
    }

    @Test
    void flowModWithBufferIdAppliesTheBufferedPacket() {
        DatapathHarness h = DatapathHarness.of13(3);
        OFFactory f = h.f();
        h.send(add(f, 0, 0, f.buildMatch().build(), apply(f, f.actions().output(OFPort.CONTROLLER, 128))).build());
        h.inject(1, big());
        OFPacketIn pi = h.take(OFPacketIn.class).get(0);
        h.send(add(f, 0, 10, f.buildMatch().setExact(MatchField.IN_PORT, OFPort.of(1)).build(), apply(f, out(f, 2)))
                .setBufferId(pi.getBufferId()).build());
        List<DatapathHarness.Sent> sent = h.takeSent();
        assertEquals(1, sent.size());
        assertEquals(big().length, sent.get(0).bytes().length);
        h.assertNoMessages();
    }

    @Test
    void noPacketInWhileDisconnected() {
        DatapathHarness h = DatapathHarness.of10(2);
        h.connected = false;
        h.inject(1, udp12());
        h.assertNoMessages();
        assertEquals(1, h.dp.packetInsDropped());
    }
}
