package dev.weft.core.openflow;

import dev.weft.api.event.PacketIn;
import dev.weft.api.event.PortStatusChanged;
import dev.weft.api.event.SwitchConnected;
import dev.weft.core.dispatch.Dispatcher;
import dev.weft.fakes.FakeSwitch;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.projectfloodlight.openflow.protocol.OFBarrierRequest;
import org.projectfloodlight.openflow.protocol.OFEchoReply;
import org.projectfloodlight.openflow.protocol.OFEchoRequest;
import org.projectfloodlight.openflow.protocol.OFErrorType;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFFeaturesRequest;
import org.projectfloodlight.openflow.protocol.OFFlowAdd;
import org.projectfloodlight.openflow.protocol.OFHello;
import org.projectfloodlight.openflow.protocol.OFHelloFailedCode;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFPacketInReason;
import org.projectfloodlight.openflow.protocol.OFPortDesc;
import org.projectfloodlight.openflow.protocol.OFPortDescStatsRequest;
import org.projectfloodlight.openflow.protocol.OFPortReason;
import org.projectfloodlight.openflow.protocol.OFSetConfig;
import org.projectfloodlight.openflow.protocol.OFStatsReplyFlags;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.action.OFActionOutput;
import org.projectfloodlight.openflow.protocol.errormsg.OFBadRequestErrorMsg;
import org.projectfloodlight.openflow.protocol.errormsg.OFHelloFailedErrorMsg;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.U32;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The real pipeline handlers over an {@link EmbeddedChannel}; the test plays the switch. */
class HandshakeTest {
    private static final Set<OFVersion> ALL = EnumSet.of(OFVersion.OF_10, OFVersion.OF_13, OFVersion.OF_14,
            OFVersion.OF_15);
    private static final DatapathId DPID = DatapathId.of(0x42);

    private Dispatcher dispatcher;
    private RecordingBus rec;
    private SwitchManager manager;

    @BeforeEach
    void setUp() {
        dispatcher = new Dispatcher(1);
        rec = new RecordingBus();
        manager = new SwitchManager(dispatcher, rec.bus, Duration.ofSeconds(2));
    }

    @AfterEach
    void tearDown() {
        dispatcher.close();
    }

    private EmbeddedChannel channel(Set<OFVersion> versions) {
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.freezeTime();
        OpenFlowServer.initPipeline(ch.pipeline(), new OpenFlowServer.Options(versions, Duration.ofSeconds(10),
                Duration.ofSeconds(5), Duration.ofSeconds(15), true), manager, Clock.systemUTC());
        return ch;
    }

    private static OFHello hello(OFVersion header, OFVersion... bitmap) {
        OFFactory f = OFFactories.getFactory(header);
        if (bitmap.length == 0) {
            return f.buildHello().build();
        }
        long word = 0;
        for (OFVersion v : bitmap) {
            word |= 1L << v.getWireVersion();
        }
        return f.buildHello().setElements(List.of(f.buildHelloElemVersionbitmap()
                .setBitmaps(List.of(U32.of(word))).build())).build();
    }

    private static List<OFPortDesc> ports(OFFactory f, int from, int to) {
        List<OFPortDesc> l = new ArrayList<>();
        for (int i = from; i <= to; i++) {
            l.add(FakeSwitch.portDesc(f, OFPort.of(i), "p" + i, false));
        }
        return l;
    }

    private static <T> T only(List<OFMessage> msgs, Class<T> type) {
        List<T> l = msgs.stream().filter(type::isInstance).map(type::cast).toList();
        assertEquals(1, l.size(), "expected exactly one " + type.getSimpleName() + " in " + msgs);
        return l.get(0);
    }

    @Test
    void controllerHelloAdvertisesEveryVersionInABitmap() {
        EmbeddedChannel ch = channel(ALL);
        OFHello h = only(Wire.drain(ch), OFHello.class);
        assertEquals(OFVersion.OF_15, h.getVersion());
        var bm = (org.projectfloodlight.openflow.protocol.OFHelloElemVersionbitmap) h.getElements().get(0);
        assertEquals((1 << 1) | (1 << 4) | (1 << 5) | (1 << 6), bm.getBitmaps().get(0).getValue());
    }

    @Test
    void openflow10Handshake() throws Exception {
        EmbeddedChannel ch = channel(ALL);
        Wire.drain(ch);
        OFFactory f = OFFactories.getFactory(OFVersion.OF_10);
        ch.writeInbound(Wire.encode(hello(OFVersion.OF_10)));
        OFFeaturesRequest fr = only(Wire.drain(ch), OFFeaturesRequest.class);
        assertEquals(OFVersion.OF_10, fr.getVersion());

        ch.writeInbound(Wire.encode(f.buildFeaturesReply().setXid(fr.getXid()).setDatapathId(DPID)
                .setNTables((short) 1).setPorts(ports(f, 1, 3)).build()));
        List<OFMessage> out = Wire.drain(ch);
        OFSetConfig sc = only(out, OFSetConfig.class);
        assertEquals(0xffff, sc.getMissSendLen());
        OFFlowAdd miss = only(out, OFFlowAdd.class);
        assertEquals(0, miss.getPriority(), "explicit table-miss entry on 1.0 too (see HandshakeHandler)");
        assertEquals(OFPort.CONTROLLER, ((OFActionOutput) miss.getActions().get(0)).getPort());
        OFBarrierRequest br = only(out, OFBarrierRequest.class);

        ch.writeInbound(Wire.encode(f.buildBarrierReply().setXid(br.getXid()).build()));
        SwitchConnected c = rec.next(SwitchConnected.class);
        assertEquals(DPID, c.sw().id());
        assertEquals(OFVersion.OF_10, c.sw().version());
        assertEquals(3, c.sw().ports().size());
        assertNull(ch.pipeline().get(PipelineNames.HANDSHAKE), "handshake handler removed");
        assertNotNull(ch.pipeline().get(PipelineNames.ACTIVE), "active handler installed");
        assertTrue(manager.get(DPID).isPresent());
    }

    @Test
    void openflow13HandshakeWithBitmapInstallsTableMiss() throws Exception {
        EmbeddedChannel ch = channel(ALL);
        Wire.drain(ch);
        OFFactory f = OFFactories.getFactory(OFVersion.OF_13);
        ch.writeInbound(Wire.encode(hello(OFVersion.OF_13, OFVersion.OF_10, OFVersion.OF_13)));
        OFFeaturesRequest fr = only(Wire.drain(ch), OFFeaturesRequest.class);
        assertEquals(OFVersion.OF_13, fr.getVersion());
        ch.writeInbound(Wire.encode(f.buildFeaturesReply().setXid(fr.getXid()).setDatapathId(DPID)
                .setNTables((short) 254).build()));
        OFPortDescStatsRequest pd = only(Wire.drain(ch), OFPortDescStatsRequest.class);
        ch.writeInbound(Wire.encode(f.buildPortDescStatsReply().setXid(pd.getXid()).setEntries(ports(f, 1, 2)).build()));

        List<OFMessage> out = Wire.drain(ch);
        assertEquals(0xffff, only(out, OFSetConfig.class).getMissSendLen());
        OFFlowAdd miss = only(out, OFFlowAdd.class);
        assertEquals(0, miss.getPriority());
        assertFalse(miss.getMatch().getMatchFields().iterator().hasNext(), "table-miss matches everything");
        OFActionOutput act = (OFActionOutput) miss.getActions().get(0);
        assertEquals(OFPort.CONTROLLER, act.getPort());
        assertEquals(0xffff, act.getMaxLen());
        // Barrier comes last, so the switch has applied config and table-miss before we go active.
        assertInstanceOf(OFBarrierRequest.class, out.get(out.size() - 1));

        ch.writeInbound(Wire.encode(f.buildBarrierReply().setXid(out.get(out.size() - 1).getXid()).build()));
        SwitchConnected c = rec.next(SwitchConnected.class);
        assertEquals(OFVersion.OF_13, c.sw().version());
        assertEquals(2, c.sw().ports().size());
        assertEquals("p2", c.sw().port(OFPort.of(2)).orElseThrow().getName());
    }

    @Test
    void picksTheHighestCommonVersionFromBothBitmaps() {
        EmbeddedChannel ch = channel(EnumSet.of(OFVersion.OF_10, OFVersion.OF_13));
        Wire.drain(ch);
        ch.writeInbound(Wire.encode(hello(OFVersion.OF_15, OFVersion.OF_10, OFVersion.OF_13, OFVersion.OF_15)));
        assertEquals(OFVersion.OF_13, only(Wire.drain(ch), OFFeaturesRequest.class).getVersion());
    }

    @Test
    void switchOfferingOnly14And15GetsTheHighest() throws Exception {
        EmbeddedChannel ch = channel(ALL);
        Wire.drain(ch);
        ch.writeInbound(Wire.encode(hello(OFVersion.OF_15, OFVersion.OF_14, OFVersion.OF_15)));
        OFFeaturesRequest fr = only(Wire.drain(ch), OFFeaturesRequest.class);
        assertEquals(OFVersion.OF_15, fr.getVersion());
        completeFrom(ch, OFVersion.OF_15, fr);
        assertEquals(OFVersion.OF_15, rec.next(SwitchConnected.class).sw().version());
    }

    @Test
    void switchOfferingOnly14WithoutBitmapGets14() throws Exception {
        EmbeddedChannel ch = channel(ALL);
        Wire.drain(ch);
        ch.writeInbound(Wire.encode(hello(OFVersion.OF_14)));
        OFFeaturesRequest fr = only(Wire.drain(ch), OFFeaturesRequest.class);
        assertEquals(OFVersion.OF_14, fr.getVersion());
        completeFrom(ch, OFVersion.OF_14, fr);
        assertEquals(OFVersion.OF_14, rec.next(SwitchConnected.class).sw().version());
    }

    /** Answer the rest of a 1.3+ handshake after the FEATURES_REQUEST. */
    private void completeFrom(EmbeddedChannel ch, OFVersion v, OFFeaturesRequest fr) {
        OFFactory f = OFFactories.getFactory(v);
        ch.writeInbound(Wire.encode(f.buildFeaturesReply().setXid(fr.getXid()).setDatapathId(DPID)
                .setNTables((short) 4).build()));
        OFPortDescStatsRequest pd = only(Wire.drain(ch), OFPortDescStatsRequest.class);
        ch.writeInbound(Wire.encode(f.buildPortDescStatsReply().setXid(pd.getXid()).setEntries(ports(f, 1, 1)).build()));
        List<OFMessage> out = Wire.drain(ch);
        ch.writeInbound(Wire.encode(f.buildBarrierReply().setXid(only(out, OFBarrierRequest.class).getXid()).build()));
    }

    @Test
    void noCommonVersionAnswersHelloFailedAndCloses() {
        // A 1.2 switch (no bitmap in 1.2): the common version would be 1.2, which we do not speak.
        EmbeddedChannel ch = channel(EnumSet.of(OFVersion.OF_10, OFVersion.OF_13));
        Wire.drain(ch);
        ch.writeInbound(Wire.encode(hello(OFVersion.OF_12)));
        List<OFMessage> out = Wire.drain(ch);
        OFHelloFailedErrorMsg err = only(out, OFHelloFailedErrorMsg.class);
        assertEquals(OFHelloFailedCode.INCOMPATIBLE, err.getCode());
        assertEquals(OFVersion.OF_12, err.getVersion(), "answered in the switch's own version");
        String text = new String(err.getData().getData(), java.nio.charset.StandardCharsets.US_ASCII);
        assertTrue(text.contains("offers 1.2") && text.contains("supports 1.0, 1.3"), text);
        assertFalse(ch.isOpen(), "connection closed");
    }

    @Test
    void disjointBitmapsAnswerHelloFailedAndClose() {
        EmbeddedChannel ch = channel(EnumSet.of(OFVersion.OF_10, OFVersion.OF_13));
        Wire.drain(ch);
        ch.writeInbound(Wire.encode(hello(OFVersion.OF_15, OFVersion.OF_14, OFVersion.OF_15)));
        OFHelloFailedErrorMsg err = only(Wire.drain(ch), OFHelloFailedErrorMsg.class);
        assertEquals(OFHelloFailedCode.INCOMPATIBLE, err.getCode());
        String text = new String(err.getData().getData(), java.nio.charset.StandardCharsets.US_ASCII);
        assertTrue(text.contains("offers 1.4, 1.5"), text);
        assertFalse(ch.isOpen(), "connection closed");
    }

    @Test
    void headerOnlyHelloBelowOurLowestVersionFails() {
        EmbeddedChannel ch = channel(EnumSet.of(OFVersion.OF_13));
        Wire.drain(ch);
        ch.writeInbound(Wire.encode(hello(OFVersion.OF_10)));
        assertEquals(OFErrorType.HELLO_FAILED, only(Wire.drain(ch), OFHelloFailedErrorMsg.class).getErrType());
        assertFalse(ch.isOpen());
    }

    @Test
    void helloFromAFutureVersionNegotiatesThroughItsBitmap() {
        EmbeddedChannel ch = channel(ALL);
        Wire.drain(ch);
        ByteBuf b = Wire.encode(hello(OFVersion.OF_15, OFVersion.OF_13));
        b.setByte(0, 7); // wire version 7 (newer than Loxi knows)
        b.setInt(8 + 4, (1 << 4) | (1 << 7)); // bitmap: 1.3 and "1.6"
        ch.writeInbound(b);
        assertEquals(OFVersion.OF_13, only(Wire.drain(ch), OFFeaturesRequest.class).getVersion());
    }

    @Test
    void portDescInSeveralPartsIsReadToTheEnd() throws Exception {
        EmbeddedChannel ch = channel(ALL);
        Wire.drain(ch);
        OFFactory f = OFFactories.getFactory(OFVersion.OF_13);
        ch.writeInbound(Wire.encode(hello(OFVersion.OF_13)));
        OFFeaturesRequest fr = only(Wire.drain(ch), OFFeaturesRequest.class);
        ch.writeInbound(Wire.encode(f.buildFeaturesReply().setXid(fr.getXid()).setDatapathId(DPID).build()));
        OFPortDescStatsRequest pd = only(Wire.drain(ch), OFPortDescStatsRequest.class);
        var more = EnumSet.of(OFStatsReplyFlags.REPLY_MORE);
        ch.writeInbound(Wire.encode(f.buildPortDescStatsReply().setXid(pd.getXid()).setFlags(more)
                .setEntries(ports(f, 1, 100)).build()));
        assertTrue(Wire.drain(ch).isEmpty(), "waits for the remaining parts");
        ch.writeInbound(Wire.encode(f.buildPortDescStatsReply().setXid(pd.getXid()).setFlags(more)
                .setEntries(ports(f, 101, 200)).build()));
        ch.writeInbound(Wire.encode(f.buildPortDescStatsReply().setXid(pd.getXid()).setEntries(ports(f, 201, 250)).build()));
        List<OFMessage> out = Wire.drain(ch);
        ch.writeInbound(Wire.encode(f.buildBarrierReply().setXid(only(out, OFBarrierRequest.class).getXid()).build()));
        SwitchConnected c = rec.next(SwitchConnected.class);
        assertEquals(250, c.sw().ports().size());
        assertTrue(c.sw().port(OFPort.of(250)).isPresent());
    }

    @Test
    void packetInAndPortStatusDuringTheHandshakeAreDeliveredAfterIt() throws Exception {
        EmbeddedChannel ch = channel(ALL);
        Wire.drain(ch);
        OFFactory f = OFFactories.getFactory(OFVersion.OF_13);
        ch.writeInbound(Wire.encode(hello(OFVersion.OF_13)));
        OFFeaturesRequest fr = only(Wire.drain(ch), OFFeaturesRequest.class);
        ch.writeInbound(Wire.encode(f.buildFeaturesReply().setXid(fr.getXid()).setDatapathId(DPID).build()));
        OFPortDescStatsRequest pd = only(Wire.drain(ch), OFPortDescStatsRequest.class);
        // Before the port list arrives: a packet-in and a new port.
        byte[] frame = dev.weft.sim.packet.Frames.from(org.projectfloodlight.openflow.types.MacAddress.of(1),
                org.projectfloodlight.openflow.types.IPv4Address.of("10.0.0.1"))
                .arpRequest(org.projectfloodlight.openflow.types.IPv4Address.of("10.0.0.2"));
        ch.writeInbound(Wire.encode(
                f.buildPacketIn().setReason(OFPacketInReason.NO_MATCH).setData(frame)
                        .setMatch(f.buildMatch().setExact(MatchField.IN_PORT, OFPort.of(1)).build()).build(),
                f.buildPortStatus().setReason(OFPortReason.ADD)
                        .setDesc(FakeSwitch.portDesc(f, OFPort.of(9), "late9", false)).build()));
        ch.writeInbound(Wire.encode(f.buildPortDescStatsReply().setXid(pd.getXid()).setEntries(ports(f, 1, 2)).build()));
        List<OFMessage> out = Wire.drain(ch);

        // Active without waiting for the BARRIER_REPLY (a busy switch queues it behind its
        // packet-ins): announced first, then what came during the handshake, in order.
        SwitchConnected c = rec.next(SwitchConnected.class);
        PacketIn pi = rec.next(PacketIn.class);
        assertEquals(OFPort.of(1), pi.inPort());
        assertTrue(pi.frame().arp().isPresent());
        PortStatusChanged ps = rec.next(PortStatusChanged.class);
        assertEquals(OFPort.of(9), ps.port().getPortNo());
        assertTrue(ps.previous().isEmpty());
        assertTrue(c.sw().port("late9").isPresent(), "port added during the handshake is known afterwards");
        assertEquals(3, c.sw().ports().size());
        // The barrier reply, when it comes, changes nothing.
        ch.writeInbound(Wire.encode(f.buildBarrierReply().setXid(only(out, OFBarrierRequest.class).getXid()).build()));
        assertTrue(rec.drain().isEmpty());
        assertTrue(ch.isActive());
    }

    @Test
    void stalledHandshakeTimesOutAndCloses() {
        EmbeddedChannel ch = channel(ALL);
        Wire.drain(ch);
        ch.writeInbound(Wire.encode(hello(OFVersion.OF_13)));
        Wire.drain(ch); // FEATURES_REQUEST, never answered
        ch.advanceTimeBy(9, TimeUnit.SECONDS);
        ch.runScheduledPendingTasks();
        assertTrue(ch.isOpen(), "still within the timeout");
        ch.advanceTimeBy(2, TimeUnit.SECONDS);
        ch.runScheduledPendingTasks();
        assertFalse(ch.isOpen(), "closed after the 10 s handshake timeout");
    }

    @Test
    void silentPeerThatNeverSaysHelloTimesOut() {
        EmbeddedChannel ch = channel(ALL);
        ch.advanceTimeBy(11, TimeUnit.SECONDS);
        ch.runScheduledPendingTasks();
        assertFalse(ch.isOpen());
    }

    @Test
    void echoRequestsAreAnsweredEvenDuringTheHandshake() {
        EmbeddedChannel ch = channel(ALL);
        Wire.drain(ch);
        OFFactory f = OFFactories.getFactory(OFVersion.OF_13);
        ch.writeInbound(Wire.encode(hello(OFVersion.OF_13)));
        Wire.drain(ch);
        ch.writeInbound(Wire.encode(f.buildEchoRequest().setXid(77).setData(new byte[]{1, 2, 3}).build()));
        OFEchoReply r = only(Wire.drain(ch), OFEchoReply.class);
        assertEquals(77, r.getXid());
        assertEquals(3, r.getData().length);
    }

    @Test
    void silentSwitchGetsEchoRequestsThenIsDisconnected() throws Exception {
        EmbeddedChannel ch = connected13();
        ch.advanceTimeBy(5, TimeUnit.SECONDS);
        ch.runScheduledPendingTasks();
        assertTrue(Wire.drain(ch).isEmpty(), "the handshake was traffic: no echo needed yet");
        ch.advanceTimeBy(5, TimeUnit.SECONDS);
        ch.runScheduledPendingTasks();
        only(Wire.drain(ch), OFEchoRequest.class);
        // A reply keeps it alive.
        OFFactory f = OFFactories.getFactory(OFVersion.OF_13);
        ch.writeInbound(Wire.encode(f.buildEchoReply().setXid(1).build()));
        ch.advanceTimeBy(5, TimeUnit.SECONDS);
        ch.runScheduledPendingTasks();
        assertTrue(Wire.drain(ch).isEmpty(), "the reply counted as traffic");
        ch.advanceTimeBy(5, TimeUnit.SECONDS);
        ch.runScheduledPendingTasks();
        assertTrue(ch.isOpen());
        only(Wire.drain(ch), OFEchoRequest.class);
        // Then silence: the last message came at most one tick before t=15; echoes go out at t=20
        // and t=25, and at t=30 (15 s of silent ticks) the switch is declared gone.
        for (int i = 0; i < 1; i++) {
            ch.advanceTimeBy(5, TimeUnit.SECONDS);
            ch.runScheduledPendingTasks();
            assertTrue(ch.isOpen());
            only(Wire.drain(ch), OFEchoRequest.class);
        }
        ch.advanceTimeBy(5, TimeUnit.SECONDS);
        ch.runScheduledPendingTasks();
        assertFalse(ch.isOpen(), "disconnected after 15 s without an answer");
    }

    @Test
    void undecodableMessageIsAnsweredWithAnErrorAndTheConnectionStays() throws Exception {
        EmbeddedChannel ch = connected13();
        ByteBuf junk = Unpooled.buffer();
        junk.writeByte(4).writeByte(200).writeShort(12).writeInt(99).writeInt(0xdeadbeef); // type 200 does not exist
        ch.writeInbound(junk);
        OFBadRequestErrorMsg e = only(Wire.drain(ch), OFBadRequestErrorMsg.class);
        assertEquals(99, e.getXid());
        assertTrue(ch.isOpen());
    }

    @Test
    void wrongVersionAfterNegotiationIsBadVersion() throws Exception {
        EmbeddedChannel ch = connected13();
        ch.writeInbound(Wire.encode(OFFactories.getFactory(OFVersion.OF_10).buildEchoRequest().setXid(5).build()));
        OFBadRequestErrorMsg e = only(Wire.drain(ch), OFBadRequestErrorMsg.class);
        assertEquals(org.projectfloodlight.openflow.protocol.OFBadRequestCode.BAD_VERSION, e.getCode());
    }

    @Test
    void headerWithImpossibleLengthClosesTheConnection() {
        EmbeddedChannel ch = channel(ALL);
        Wire.drain(ch);
        ByteBuf b = Unpooled.buffer().writeByte(4).writeByte(0).writeShort(4).writeInt(1);
        try {
            ch.writeInbound(b);
        } catch (Exception expected) {
            // EmbeddedChannel rethrows the decoder's exception; the pipeline still closes.
        }
        ch.runPendingTasks();
        assertFalse(ch.isOpen());
    }

    /**
     * Issue 11: only broken framing ends a connection. A message before the HELLO (the peer's
     * mistake) is answered with BAD_REQUEST/BAD_TYPE in its own version and the HELLO awaited.
     */
    @Test
    void messageBeforeHelloIsAnsweredAndTheHandshakeGoesOn() throws Exception {
        EmbeddedChannel ch = channel(ALL);
        Wire.drain(ch);
        ch.writeInbound(Wire.encode(OFFactories.getFactory(OFVersion.OF_13).buildBarrierRequest().setXid(31).build()));
        OFBadRequestErrorMsg e = only(Wire.drain(ch), OFBadRequestErrorMsg.class);
        assertEquals(org.projectfloodlight.openflow.protocol.OFBadRequestCode.BAD_TYPE, e.getCode());
        assertEquals(31, e.getXid());
        assertEquals(OFVersion.OF_13, e.getVersion());
        assertTrue(ch.isOpen());
        ch.writeInbound(Wire.encode(hello(OFVersion.OF_13)));
        completeFrom(ch, OFVersion.OF_13, only(Wire.drain(ch), OFFeaturesRequest.class));
        assertEquals(DPID, rec.next(SwitchConnected.class).sw().id());
    }

    /** Undecodable frames before the HELLO (any version byte) are answered; the HELLO still works. */
    @Test
    void undecodableFramesBeforeHelloAreAnswered() throws Exception {
        EmbeddedChannel ch = channel(ALL);
        Wire.drain(ch);
        ByteBuf junk = Unpooled.buffer();
        junk.writeByte(0x37).writeByte(2).writeShort(8).writeInt(5);      // unknown version
        junk.writeByte(4).writeByte(200).writeShort(12).writeInt(6).writeInt(0); // unknown type
        junk.writeByte(0).writeByte(0).writeShort(8).writeInt(7);          // version 0
        ch.writeInbound(junk);
        List<OFMessage> out = Wire.drain(ch);
        assertEquals(3, out.size(), out.toString());
        out.forEach(m -> assertInstanceOf(OFBadRequestErrorMsg.class, m));
        assertEquals(List.of(5L, 6L, 7L), out.stream().map(OFMessage::getXid).toList());
        assertEquals(OFVersion.OF_13, out.get(1).getVersion(), "answered in the frame's own version when known");
        assertTrue(ch.isOpen());
        ch.writeInbound(Wire.encode(hello(OFVersion.OF_10)));
        assertEquals(OFVersion.OF_10, only(Wire.drain(ch), OFFeaturesRequest.class).getVersion());
    }

    /**
     * Issue 11: 64 KB PACKET_INs before FEATURES_REPLY grew memory without bound. What is kept
     * for after the handshake is bounded in bytes and count; the handshake still completes.
     */
    @Test
    void messagesKeptDuringTheHandshakeAreBounded() throws Exception {
        EmbeddedChannel ch = channel(ALL);
        Wire.drain(ch);
        OFFactory f = OFFactories.getFactory(OFVersion.OF_13);
        ch.writeInbound(Wire.encode(hello(OFVersion.OF_13)));
        OFFeaturesRequest fr = only(Wire.drain(ch), OFFeaturesRequest.class);
        byte[] big = new byte[65_000];
        big[12] = 0x08;
        HandshakeHandler hs = (HandshakeHandler) ch.pipeline().get(PipelineNames.HANDSHAKE);
        int sent = 0;
        for (int i = 0; i < 200; i++) {
            ch.writeInbound(Wire.encode(f.buildPacketIn().setReason(OFPacketInReason.NO_MATCH).setData(big)
                    .setMatch(f.buildMatch().setExact(MatchField.IN_PORT, OFPort.of(1)).build()).build()));
            sent += big.length;
            assertTrue(hs.queuedBytes() <= EarlyMessages.MAX_QUEUED_BYTES, "kept " + hs.queuedBytes() + " bytes");
        }
        for (int i = 0; i < 5_000; i++) { // small ones: bounded in number too
            ch.writeInbound(Wire.encode(f.buildPortStatus().setReason(OFPortReason.MODIFY)
                    .setDesc(FakeSwitch.portDesc(f, OFPort.of(1), "p1", false)).build()));
        }
        assertTrue(hs.queuedBytes() <= EarlyMessages.MAX_QUEUED_BYTES);
        assertTrue(sent > 10 * EarlyMessages.MAX_QUEUED_BYTES);
        completeFrom(ch, OFVersion.OF_13, fr);
        rec.next(SwitchConnected.class);
        List<dev.weft.api.event.Event> delivered = rec.drain();
        assertTrue(delivered.size() <= EarlyMessages.MAX_QUEUED, delivered.size() + " delivered");
        assertTrue(delivered.stream().anyMatch(e -> e instanceof PacketIn), "the first ones are kept");
        PeerFaults faults = PeerFaults.of(ch);
        assertTrue(faults.count(PeerFault.HANDSHAKE_QUEUE_FULL) > 0);
        assertTrue(ch.isOpen());
    }

    /** PORT_DESC parts with REPLY_MORE that repeat ports grow nothing; absurd port counts are capped. */
    @Test
    void portDescriptionsAreBounded() throws Exception {
        EmbeddedChannel ch = channel(ALL);
        Wire.drain(ch);
        OFFactory f = OFFactories.getFactory(OFVersion.OF_13);
        ch.writeInbound(Wire.encode(hello(OFVersion.OF_13)));
        OFFeaturesRequest fr = only(Wire.drain(ch), OFFeaturesRequest.class);
        ch.writeInbound(Wire.encode(f.buildFeaturesReply().setXid(fr.getXid()).setDatapathId(DPID).build()));
        OFPortDescStatsRequest pd = only(Wire.drain(ch), OFPortDescStatsRequest.class);
        var more = EnumSet.of(OFStatsReplyFlags.REPLY_MORE);
        List<OFPortDesc> same = ports(f, 1, 100);
        for (int i = 0; i < 300; i++) {
            ch.writeInbound(Wire.encode(f.buildPortDescStatsReply().setXid(pd.getXid()).setFlags(more)
                    .setEntries(same).build()));
        }
        for (int from = 101; from <= 20_000; from += 500) { // more distinct ports than are kept
            ch.writeInbound(Wire.encode(f.buildPortDescStatsReply().setXid(pd.getXid()).setFlags(more)
                    .setEntries(ports(f, from, from + 499)).build()));
        }
        ch.writeInbound(Wire.encode(f.buildPortDescStatsReply().setXid(pd.getXid()).setEntries(List.of()).build()));
        List<OFMessage> out = Wire.drain(ch);
        ch.writeInbound(Wire.encode(f.buildBarrierReply().setXid(only(out, OFBarrierRequest.class).getXid()).build()));
        SwitchConnected c = rec.next(SwitchConnected.class);
        assertEquals(EarlyMessages.MAX_PORTS, c.sw().ports().size());
        assertTrue(c.sw().port(OFPort.of(1)).isPresent(), "the first ports are kept");
        assertTrue(PeerFaults.of(ch).count(PeerFault.TOO_MANY_PORTS) > 0);
    }

    /** A 1.3 switch through the whole handshake. */
    private EmbeddedChannel connected13() throws Exception {
        EmbeddedChannel ch = channel(ALL);
        Wire.drain(ch);
        ch.writeInbound(Wire.encode(hello(OFVersion.OF_13)));
        completeFrom(ch, OFVersion.OF_13, only(Wire.drain(ch), OFFeaturesRequest.class));
        rec.next(SwitchConnected.class);
        Wire.drain(ch);
        return ch;
    }
}
