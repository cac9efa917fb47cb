package dev.weft.apps.learningswitch;

import dev.weft.api.AppCookie;
import dev.weft.api.Disposition;
import dev.weft.api.event.PortStatusChanged;
import dev.weft.api.event.SwitchDisconnected;
import dev.weft.testing.AppHarness;
import dev.weft.fakes.FakeSwitch;
import dev.weft.sim.packet.Frames;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.projectfloodlight.openflow.protocol.OFFlowAdd;
import org.projectfloodlight.openflow.protocol.OFFlowDelete;
import org.projectfloodlight.openflow.protocol.OFPacketOut;
import org.projectfloodlight.openflow.protocol.OFPortReason;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.action.OFActionOutput;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFBufferId;
import org.projectfloodlight.openflow.types.OFPort;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LearningSwitchTest {
    private static final MacAddress A = MacAddress.of("00:00:00:00:00:0a");
    private static final MacAddress B = MacAddress.of("00:00:00:00:00:0b");
    private static final IPv4Address IP_A = IPv4Address.of("10.0.0.1");
    private static final IPv4Address IP_B = IPv4Address.of("10.0.0.2");

    private AppHarness harness;
    private LearningSwitch app;
    private FakeSwitch sw;

    private void setUp(OFVersion v) {
        harness = new AppHarness().config("""
                apps:
                  learning-switch:
                    idle-timeout: 30s
                    max-macs: 4
                """);
        app = harness.start(new LearningSwitch());
        sw = harness.connect(FakeSwitch.withPorts(1, v, 4));
    }

    @AfterEach
    void stop() {
        if (harness != null) {
            harness.close();
        }
    }

    private static OFPort out(OFPacketOut po) {
        return ((OFActionOutput) po.getActions().get(0)).getPort();
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13", "OF_14"})
    void unknownDestinationIsFloodedWithThePacket(OFVersion v) throws Exception {
        setUp(v);
        byte[] arp = Frames.from(A, IP_A).arpRequest(IP_B);
        assertEquals(Disposition.STOP, harness.packetIn(sw, 1, arp));
        OFPacketOut po = sw.sent(OFPacketOut.class).get(0);
        assertEquals(OFPort.FLOOD, out(po));
        assertEquals(OFBufferId.NO_BUFFER, po.getBufferId());
        assertEquals(arp.length, po.getData().length, "the packet travels with the packet-out");
        assertTrue(sw.sent(OFFlowAdd.class).isEmpty());
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void knownDestinationGetsAFlowAndThePacket(OFVersion v) throws Exception {
        setUp(v);
        harness.packetIn(sw, 2, Frames.from(B, IP_B).arpRequest(IP_A)); // learn B on port 2
        sw.clearSent();
        byte[] ping = Frames.from(A, IP_A).to(B, IP_B).echoRequest(1, 1);
        harness.packetIn(sw, 1, ping);
        OFFlowAdd fa = sw.sent(OFFlowAdd.class).get(0);
        assertEquals(OFPort.of(1), fa.getMatch().get(MatchField.IN_PORT));
        assertEquals(B, fa.getMatch().get(MatchField.ETH_DST));
        assertEquals(A, fa.getMatch().get(MatchField.ETH_SRC));
        assertEquals(30, fa.getIdleTimeout());
        assertTrue(AppCookie.ownedBy(fa.getCookie(), harness.cookie(LearningSwitch.NAME).appId()),
                "the entry carries the learning switch's cookie");
        assertEquals(OFPort.of(2), ((OFActionOutput) fa.getActions().get(0)).getPort());
        OFPacketOut po = sw.sent(OFPacketOut.class).get(0);
        assertEquals(OFPort.of(2), out(po));
        assertEquals(ping.length, po.getData().length);
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void bufferedPacketIsReleasedByTheFlowModAlone(OFVersion v) throws Exception {
        setUp(v);
        harness.packetIn(sw, 2, Frames.from(B, IP_B).arpRequest(IP_A));
        sw.clearSent();
        harness.packetIn(sw, 1, Frames.from(A, IP_A).to(B, IP_B).echoRequest(1, 1), OFBufferId.of(77));
        assertEquals(OFBufferId.of(77), sw.sent(OFFlowAdd.class).get(0).getBufferId());
        assertTrue(sw.sent(OFPacketOut.class).isEmpty(), "no second copy of the packet");
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void broadcastIsFloodedEvenWhenTheSenderIsKnown(OFVersion v) throws Exception {
        setUp(v);
        harness.packetIn(sw, 1, Frames.from(A, IP_A).arpRequest(IP_B));
        harness.packetIn(sw, 1, Frames.from(A, IP_A).arpRequest(IP_B));
        assertEquals(2, sw.sent(OFPacketOut.class).stream().filter(po -> out(po).equals(OFPort.FLOOD)).count());
        assertTrue(sw.sent(OFFlowAdd.class).isEmpty());
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void aHostThatMovesIsRelearnedAndOldFlowsAreDeleted(OFVersion v) throws Exception {
        setUp(v);
        harness.packetIn(sw, 2, Frames.from(B, IP_B).arpRequest(IP_A));
        sw.clearSent();
        harness.packetIn(sw, 3, Frames.from(B, IP_B).gratuitousArp()); // B now behind port 3
        OFFlowDelete del = sw.sent(OFFlowDelete.class).get(0);
        assertEquals(B, del.getMatch().get(MatchField.ETH_DST));
        sw.clearSent();
        harness.packetIn(sw, 1, Frames.from(A, IP_A).to(B, IP_B).echoRequest(1, 1));
        assertEquals(OFPort.of(3), out(sw.sent(OFPacketOut.class).get(0)));
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void samePortDestinationIsDropped(OFVersion v) throws Exception {
        setUp(v);
        harness.packetIn(sw, 1, Frames.from(B, IP_B).arpRequest(IP_A));
        sw.clearSent();
        harness.packetIn(sw, 1, Frames.from(A, IP_A).to(B, IP_B).echoRequest(1, 1));
        assertTrue(sw.sent().isEmpty(), "nothing sent back out of the port it came in on: " + sw.sent());
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void portDeletedForgetsItsMacsAndRemovesFlowsToIt(OFVersion v) throws Exception {
        setUp(v);
        harness.packetIn(sw, 2, Frames.from(B, IP_B).arpRequest(IP_A));
        assertEquals(1, app.learned(sw.id()));
        sw.clearSent();
        var desc = FakeSwitch.portDesc(sw.factory(), OFPort.of(2), "s1-eth2", false);
        harness.deliver(new PortStatusChanged(sw, OFPortReason.DELETE, desc, Optional.of(desc)));
        assertEquals(0, app.learned(sw.id()));
        assertEquals(OFPort.of(2), sw.sent(OFFlowDelete.class).get(0).getOutPort());
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_13"})
    void spoofedMulticastSourceIsDroppedAndNotLearned(OFVersion v) throws Exception {
        setUp(v);
        harness.packetIn(sw, 1, Frames.from(MacAddress.of("01:00:5e:00:00:01")).to(B).ethernet(0x0800, new byte[20]));
        assertEquals(0, app.learned(sw.id()));
        assertTrue(sw.sent().isEmpty());
    }

    /**
     * Found on real Open vSwitch (OddFramesOnMininetTest): a host that sent one frame from
     * ff:ff:ff:ff:ff:ff was learned as the broadcast address (Loxi's isMulticast() is false for
     * broadcast), and every broadcast of the switch (ARP) then went to that host alone.
     */
    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void aBroadcastSourceIsNotLearnedAndBroadcastsStillFlood(OFVersion v) throws Exception {
        setUp(v);
        harness.packetIn(sw, 3, Frames.from(MacAddress.BROADCAST).to(B).ethernet(0x0800, new byte[20]));
        assertEquals(0, app.learned(sw.id()));
        assertTrue(sw.sent().isEmpty(), sw.sent().toString());
        harness.packetIn(sw, 1, Frames.from(A, IP_A).arpRequest(IP_B));
        assertEquals(1, sw.sent(OFPacketOut.class).stream().filter(po -> out(po).equals(OFPort.FLOOD)).count(),
                "the ARP request is flooded: " + sw.sent());
        assertTrue(sw.sent(OFFlowAdd.class).isEmpty(), "no entry for ff:ff:ff:ff:ff:ff: " + sw.sent());
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_13"})
    void macTableIsBoundedAgainstSourceAddressFloods(OFVersion v) throws Exception {
        setUp(v); // max-macs 4
        for (int i = 1; i <= 100; i++) {
            harness.packetIn(sw, 1, Frames.from(MacAddress.of(i), IP_A).arpRequest(IP_B));
        }
        assertEquals(4, app.learned(sw.id()));
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_13"})
    void vlanTaggedFramesAreMatchedOnTheirVlan(OFVersion v) throws Exception {
        setUp(v);
        harness.packetIn(sw, 2, Frames.from(B, IP_B).vlan(10).arpRequest(IP_A));
        sw.clearSent();
        harness.packetIn(sw, 1, Frames.from(A, IP_A).vlan(10).to(B, IP_B).echoRequest(1, 1));
        OFFlowAdd fa = sw.sent(OFFlowAdd.class).get(0);
        assertEquals(10, fa.getMatch().get(MatchField.VLAN_VID).getVlan());
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_13"})
    void disconnectForgetsTheSwitch(OFVersion v) throws Exception {
        setUp(v);
        harness.packetIn(sw, 2, Frames.from(B, IP_B).arpRequest(IP_A));
        harness.deliver(new SwitchDisconnected(sw, "test"));
        assertEquals(0, app.learned(sw.id()));
    }

    /**
     * Issue 11: an OpenFlow 1.0 PACKET_IN can carry 65,517 bytes (65,535 less its 18-byte header),
     * but a PACKET_OUT with that data and one output action would be 65,541 bytes: Loxi refused to
     * encode it and the app failed. Now the packet is dropped (larger than any link's MTU, so the
     * switch would drop it too), counted, and a known destination still gets its flow entry.
     */
    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13", "OF_15"})
    void aPacketTooLargeForAnyPacketOutIsDroppedNotFailed(OFVersion v) throws Exception {
        setUp(v);
        int max = v == OFVersion.OF_10 ? 65_517 : 65_535 - 42; // what fits in a PACKET_IN with in_port
        byte[] huge = new byte[max];
        System.arraycopy(Frames.from(A).to(MacAddress.BROADCAST).ethernet(0x0800, new byte[0]), 0, huge, 0, 14);
        assertEquals(Disposition.STOP, harness.packetIn(sw, 1, huge));
        assertEquals(0, harness.failures(), "the app failed");
        // On 1.3 the PACKET_IN's match leaves the PACKET_OUT room: it is sent and encodes.
        boolean fits = v == OFVersion.OF_13;
        assertEquals(fits ? 1 : 0, sw.sent(OFPacketOut.class).size());
        assertEquals(fits ? 0 : 1, app.oversized());
        for (OFPacketOut po : sw.sent(OFPacketOut.class)) {
            io.netty.buffer.ByteBuf b = io.netty.buffer.Unpooled.buffer();
            po.writeTo(b); // must encode within 65,535 bytes
            assertTrue(b.readableBytes() <= 65_535);
            b.release();
        }
        // A destination that is known gets its entry even when the packet itself cannot go back.
        harness.packetIn(sw, 2, Frames.from(B, IP_B).arpRequest(IP_A));
        sw.clearSent();
        System.arraycopy(Frames.from(A).to(B).ethernet(0x0800, new byte[0]), 0, huge, 0, 14);
        harness.packetIn(sw, 1, huge);
        assertEquals(1, sw.sent(OFFlowAdd.class).size());
        assertEquals(fits ? 1 : 0, sw.sent(OFPacketOut.class).size());
        assertEquals(0, harness.failures(), "the app failed");
    }
}
