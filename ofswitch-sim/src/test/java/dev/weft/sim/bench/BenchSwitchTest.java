package dev.weft.sim.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.projectfloodlight.openflow.exceptions.OFParseError;
import org.projectfloodlight.openflow.protocol.OFBadRequestCode;
import org.projectfloodlight.openflow.protocol.OFBarrierReply;
import org.projectfloodlight.openflow.protocol.OFConfigFlags;
import org.projectfloodlight.openflow.protocol.OFControllerRole;
import org.projectfloodlight.openflow.protocol.OFDescStatsReply;
import org.projectfloodlight.openflow.protocol.OFEchoReply;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFFeaturesReply;
import org.projectfloodlight.openflow.protocol.OFFlowModCommand;
import org.projectfloodlight.openflow.protocol.OFGetConfigReply;
import org.projectfloodlight.openflow.protocol.OFHello;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFPacketIn;
import org.projectfloodlight.openflow.protocol.OFPortDescStatsReply;
import org.projectfloodlight.openflow.protocol.OFRoleReply;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.errormsg.OFBadRequestErrorMsg;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFBufferId;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.U64;

/** One simulated switch on an {@link EmbeddedChannel}: handshake answers and cbench's send/count rules. */
class BenchSwitchTest {

    private static final DatapathId DPID = DatapathId.of(5);

    private final List<BenchException> failures = new ArrayList<>();
    private long nanos;

    // --- handshake -------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void sendsHelloFirstAndAnswersFeaturesRequest(OFVersion version) throws Exception {
        Fixture f = new Fixture(version, BenchMode.LATENCY, 10, true);
        OFHello hello = (OFHello) f.outbound().get(0);
        assertEquals(version, hello.getVersion());
        assertFalse(f.sw.handshake().isDone());

        f.inbound(f.factory.buildFeaturesRequest().setXid(42).build());
        List<OFMessage> out = f.outbound();
        OFFeaturesReply features = (OFFeaturesReply) out.get(0);
        assertEquals(42, features.getXid());
        assertEquals(DPID, features.getDatapathId());
        assertTrue(f.sw.handshake().isDone());

        // cbench's LEARN_DSTMAC step: a gratuitous ARP from the probes' destination, on port 2.
        OFPacketIn arp = (OFPacketIn) out.get(1);
        assertEquals(OFBufferId.NO_BUFFER, arp.getBufferId());
        assertEquals(OFPort.of(2), version == OFVersion.OF_10 ? arp.getInPort() : arp.getMatch().get(MatchField.IN_PORT));
        assertEquals(BenchAddresses.destinationMac(DPID), MacAddress.of(java.util.Arrays.copyOfRange(arp.getData(), 6, 12)));
        assertEquals(2, out.size());
    }

    @Test
    void announcesNoDestinationWhenLearningIsOff() throws Exception {
        Fixture f = new Fixture(OFVersion.OF_10, BenchMode.LATENCY, 10, false);
        f.outbound();
        f.inbound(f.factory.buildFeaturesRequest().setXid(2).build());
        List<OFMessage> out = f.outbound();
        assertEquals(1, out.size());
        assertInstanceOf(OFFeaturesReply.class, out.get(0));
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void answersTheControlMessagesControllersWaitFor(OFVersion version) throws Exception {
        Fixture f = new Fixture(version, BenchMode.LATENCY, 10, false);
        f.outbound();
        OFFactory of = f.factory;
        f.inbound(of.buildEchoRequest().setXid(11).setData(new byte[] {1, 2, 3}).build(),
                of.buildSetConfig().setXid(12).setFlags(EnumSet.noneOf(OFConfigFlags.class)).setMissSendLen(0xFFFF).build(),
                of.buildGetConfigRequest().setXid(13).build(),
                of.buildBarrierRequest().setXid(14).build(),
                of.buildDescStatsRequest().setXid(15).build());
        List<OFMessage> out = f.outbound();
        assertEquals(4, out.size(), out.toString());

        OFEchoReply echo = (OFEchoReply) out.get(0);
        assertEquals(11, echo.getXid());
        assertEquals(3, echo.getData().length);
        OFGetConfigReply config = (OFGetConfigReply) out.get(1);
        assertEquals(13, config.getXid());
        assertEquals(0xFFFF, config.getMissSendLen());
        assertEquals(14, ((OFBarrierReply) out.get(2)).getXid());
        assertEquals(15, ((OFDescStatsReply) out.get(3)).getXid());
    }

    @Test
    void answersOpenFlow13PortDescriptionAndRole() throws Exception {
        Fixture f = new Fixture(OFVersion.OF_13, BenchMode.LATENCY, 10, false);
        f.outbound();
        OFFactory of = f.factory;
        f.inbound(of.buildPortDescStatsRequest().setXid(21).build(),
                of.buildRoleRequest().setXid(22).setRole(OFControllerRole.ROLE_MASTER).setGenerationId(U64.of(3)).build());
        List<OFMessage> out = f.outbound();
        OFPortDescStatsReply ports = (OFPortDescStatsReply) out.get(0);
        assertEquals(21, ports.getXid());
        assertEquals(BenchAddresses.PORTS, ports.getEntries().size());
        OFRoleReply role = (OFRoleReply) out.get(1);
        assertEquals(OFControllerRole.ROLE_MASTER, role.getRole());
        assertEquals(U64.of(3), role.getGenerationId());
    }

    @Test
    void refusesVendorMessagesLikeCbench() throws Exception {
        Fixture f = new Fixture(OFVersion.OF_10, BenchMode.LATENCY, 10, false);
        f.outbound();
        f.inbound(f.factory.buildNiciraControllerRoleRequest().setXid(31)
                .setRole(org.projectfloodlight.openflow.protocol.OFNiciraControllerRole.ROLE_MASTER).build());
        OFBadRequestErrorMsg error = (OFBadRequestErrorMsg) f.outbound().get(0);
        assertEquals(31, error.getXid());
        assertEquals(OFBadRequestCode.BAD_EXPERIMENTER, error.getCode());
    }

    @Test
    void failsClearlyWhenTheControllerSpeaksAnOlderVersion() throws Exception {
        Fixture f = new Fixture(OFVersion.OF_13, BenchMode.LATENCY, 10, false);
        f.inbound(OFFactories.getFactory(OFVersion.OF_10).buildHello().setXid(1).build());
        assertEquals(1, failures.size());
        assertTrue(failures.get(0).getMessage().contains("offers OpenFlow version 1.0 only"), failures.get(0).getMessage());
        assertFalse(f.channel.isOpen());
    }

    @Test
    void failsClearlyOnAMalformedFrame() {
        Fixture f = new Fixture(OFVersion.OF_10, BenchMode.LATENCY, 10, false);
        f.channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {1, 2, 0, 4, 0, 0, 0, 0}));
        assertEquals(1, failures.size());
        assertTrue(failures.get(0).getMessage().contains("malformed"), failures.get(0).getMessage());
    }

    @Test
    void reportsTheControllerHangingUpUnlessTheRunIsEnding() {
        Fixture lost = new Fixture(OFVersion.OF_10, BenchMode.LATENCY, 10, false);
        lost.channel.close();
        assertEquals(1, failures.size());
        assertTrue(failures.get(0).getMessage().contains("closed the connection"));

        failures.clear();
        Fixture ending = new Fixture(OFVersion.OF_10, BenchMode.LATENCY, 10, false);
        ending.sw.markClosing();
        ending.channel.close();
        assertEquals(List.of(), failures);
    }

    // --- latency mode ------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void latencyModeKeepsOneProbeOutstandingAndCountsOnlyCbenchResponses(OFVersion version) throws Exception {
        Fixture f = new Fixture(version, BenchMode.LATENCY, 10, false).ready();
        OFFactory of = f.factory;
        assertEquals(List.of(), f.outbound(), "no probe before the test starts");

        f.open();
        assertEquals(1, f.probes().size());

        f.inbound(Messages.flowMod(of, OFFlowModCommand.ADD));
        assertEquals(1, f.probes().size(), "answered: the next probe goes out");

        f.inbound(Messages.flowMod(of, OFFlowModCommand.MODIFY));
        f.inbound(Messages.flowMod(of, OFFlowModCommand.DELETE));
        f.inbound(Messages.packetOut(of, 1, Messages.lldpFrame(false)));
        assertEquals(0, f.probes().size(), "not answers: nothing more is sent");

        f.inbound(Messages.flowMod(of, OFFlowModCommand.MODIFY_STRICT));
        assertEquals(1, f.probes().size());
        f.inbound(Messages.packetOut(of, 1, Messages.ipv4Frame()));
        assertEquals(1, f.probes().size());

        BenchSwitch.WindowCount count = f.close();
        assertEquals(3, count.responses());
        assertEquals(4, count.packetInsSent());

        f.inbound(Messages.flowMod(of, OFFlowModCommand.ADD));
        assertEquals(0, f.probes().size(), "after the test: no probe");
        f.open();
        assertEquals(0, f.close().responses(), "a late response is not counted in the next test");
    }

    @Test
    void latencyModeCountsTwoResponsesToOneProbeTwiceAndStillSendsOne() throws Exception {
        Fixture f = new Fixture(OFVersion.OF_10, BenchMode.LATENCY, 10, false).ready();
        f.open();
        f.probes();
        f.inbound(Messages.flowMod(f.factory, OFFlowModCommand.ADD), Messages.packetOut(f.factory, 1, Messages.ipv4Frame()));
        assertEquals(1, f.probes().size());
        assertEquals(2, f.close().responses());
    }

    @Test
    void latencyModeResendsAfterGetConfigLikeCbench() throws Exception {
        Fixture f = new Fixture(OFVersion.OF_10, BenchMode.LATENCY, 10, false).ready();
        f.open();
        assertEquals(1, f.probes().size());
        f.inbound(f.factory.buildGetConfigRequest().setXid(3).build());
        List<OFMessage> out = f.outbound();
        assertInstanceOf(OFGetConfigReply.class, out.get(0));
        assertInstanceOf(OFPacketIn.class, out.get(1), "some controllers block on config: cbench sends again");
    }

    @Test
    void probesCycleThroughMacsAndBufferIds() throws Exception {
        Fixture f = new Fixture(OFVersion.OF_10, BenchMode.LATENCY, 3, false).ready();
        f.open();
        List<OFPacketIn> probes = new ArrayList<>(f.probes());
        for (int i = 0; i < 4; i++) {
            f.inbound(Messages.flowMod(f.factory, OFFlowModCommand.ADD));
            probes.addAll(f.probes());
        }
        for (int i = 0; i < probes.size(); i++) {
            OFPacketIn probe = probes.get(i);
            assertEquals(OFBufferId.of(i + 1), probe.getBufferId());
            assertEquals(BenchAddresses.sourceMac(DPID, i % 3), MacAddress.of(java.util.Arrays.copyOfRange(probe.getData(), 6, 12)));
            if (i > 0) {
                assertTrue(probe.getXid() > probes.get(i - 1).getXid());
            }
        }
    }

    /**
     * {@code --frame cbench}: every probe is cbench's packet-in byte for byte (oflops
     * {@code cbench/fakeswitch.c}: its 82-byte OpenFlow 1.0 PACKET_IN carrying IPv4 protocol 255),
     * with the fields cbench itself changes per probe: xid, buffer id, the MAC counter (host
     * order, in source MAC bytes 1-4) and the switch number (the last byte of both MACs).
     */
    @Test
    void cbenchFrameIsCbenchsPacketInByteForByte() throws Exception {
        Fixture f = new Fixture(OFVersion.OF_10, BenchMode.LATENCY, 1000, false, ProbeFrame.CBENCH).ready();
        f.open();
        List<byte[]> sent = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            List<OFPacketIn> probes = f.probes();
            assertEquals(1, probes.size());
            sent.add(encoded(probes.get(0)));
            f.inbound(Messages.flowMod(f.factory, OFFlowModCommand.ADD));
        }
        for (int i = 0; i < sent.size(); i++) {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(java.util.HexFormat.of().parseHex(
                    "010a005200000000000001010040000100008000000000010000000000020800"
                            + "450000320000000040fff72cc0a80028c0a801287a18586b110897f519e2657e"
                            + "07cc31c311c7c40c8b955151335451d50036"));
            byte[] mine = sent.get(i);
            b.putInt(4, java.nio.ByteBuffer.wrap(mine).getInt(4)).putInt(8, i + 1);
            b.order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(18 + 6 + 1, i);
            b.put(18 + 5, (byte) DPID.getLong()).put(18 + 6 + 5, (byte) DPID.getLong());
            assertEquals(java.util.HexFormat.of().formatHex(b.array()), java.util.HexFormat.of().formatHex(mine),
                    "probe " + i);
        }
    }

    private static byte[] encoded(OFMessage m) {
        ByteBuf buf = Unpooled.buffer();
        m.writeTo(buf);
        byte[] out = new byte[buf.readableBytes()];
        buf.readBytes(out);
        return out;
    }

    // --- throughput mode -------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void throughputModeFillsCbenchsSixtyFourKilobytesAndTopsUpWhenAQuarterIsAnswered(OFVersion version)
            throws Exception {
        Fixture f = new Fixture(version, BenchMode.THROUGHPUT, 10, false).ready();
        int perBatch = BenchSwitch.THROUGHPUT_QUEUE_BYTES / PacketInTemplate.probe(f.factory, DPID).length();
        assertEquals(perBatch, f.sw.maxUnanswered(), "by default the cap is cbench's 64 KB of probes");

        f.open();
        assertEquals(perBatch, f.probes().size());
        f.inbound(Messages.flowMod(f.factory, OFFlowModCommand.ADD), Messages.flowMod(f.factory, OFFlowModCommand.ADD));
        assertEquals(0, f.probes().size(), "two answers free room for two probes: too few to top up");
        int quarter = perBatch / 4;
        f.inbound(flowMods(f, quarter - 2));
        assertEquals(quarter, f.probes().size(), "a quarter answered: that quarter is sent again");

        BenchSwitch.WindowCount count = f.close();
        assertEquals(quarter, count.responses());
        assertEquals(perBatch + quarter, count.packetInsSent());
    }

    /**
     * The bound that lets 1,000 switches run against a slow controller: whatever wakes the switch
     * (reads of control messages, the channel turning writable, a vendor message that clears
     * latency mode's probe), it never has more than its cap sent and unanswered in a window.
     */
    @Test
    void throughputModeNeverHasMoreThanItsCapUnanswered() throws Exception {
        Fixture f = new Fixture(OFVersion.OF_10, BenchMode.THROUGHPUT, 10, false, ProbeFrame.UDP, 40).ready();
        f.open();
        assertEquals(40, f.probes().size());
        for (int i = 0; i < 50; i++) {
            f.inbound(f.factory.buildEchoRequest().setXid(100 + i).build());
            f.channel.pipeline().fireChannelWritabilityChanged();
            f.inbound(f.factory.buildNiciraControllerRoleRequest().setXid(200 + i)
                    .setRole(org.projectfloodlight.openflow.protocol.OFNiciraControllerRole.ROLE_MASTER).build());
        }
        List<OFMessage> replies = f.outbound();
        assertEquals(100, replies.size(), "echo replies and vendor errors only");
        assertTrue(replies.stream().noneMatch(m -> m instanceof OFPacketIn), "no probe past the cap: " + replies.get(0));
        f.inbound(flowMods(f, 9));
        assertEquals(0, f.probes().size(), "9 answered of 40: below a quarter");
        f.inbound(flowMods(f, 1));
        assertEquals(10, f.probes().size(), "10 answered: 10 sent, 40 unanswered again");
        f.inbound(flowMods(f, 40));
        assertEquals(40, f.probes().size());
        BenchSwitch.WindowCount count = f.close();
        assertEquals(50, count.responses());
        assertEquals(40 + 50, count.packetInsSent(), "sent = the cap + what was answered");
    }

    @Test
    void theCapHoldsAcrossTests() throws Exception {
        Fixture f = new Fixture(OFVersion.OF_10, BenchMode.THROUGHPUT, 10, false, ProbeFrame.UDP, 40).ready();
        f.open();
        assertEquals(40, f.probes().size());
        f.inbound(flowMods(f, 5));
        assertEquals(5, f.close().responses());
        f.inbound(flowMods(f, 5)); // answers between tests: not counted, but no longer unanswered
        f.open();
        assertEquals(10, f.probes().size(), "30 still unanswered from the first test: 10 more, not 40");
        f.inbound(flowMods(f, 9));
        assertEquals(0, f.probes().size(), "9 answered of 40: below a quarter");
        f.inbound(flowMods(f, 1));
        assertEquals(10, f.probes().size());
        BenchSwitch.WindowCount second = f.close();
        assertEquals(10, second.responses(), "only answers within the test count");
        assertEquals(20, second.packetInsSent());
    }

    private static OFMessage[] flowMods(Fixture f, int n) {
        OFMessage[] mods = new OFMessage[n];
        for (int i = 0; i < n; i++) {
            mods[i] = Messages.flowMod(f.factory, OFFlowModCommand.ADD);
        }
        return mods;
    }

    @Test
    void windowTimesComeFromTheClock() throws Exception {
        Fixture f = new Fixture(OFVersion.OF_10, BenchMode.LATENCY, 10, false).ready();
        nanos = 1_000;
        f.open();
        nanos = 51_000;
        BenchSwitch.WindowCount count = f.close();
        assertEquals(1_000, count.openedAtNanos());
        assertEquals(51_000, count.closedAtNanos());
    }

    /** A switch on an embedded channel, and helpers to talk to it. */
    private final class Fixture {
        final OFFactory factory;
        final BenchSwitch sw;
        final EmbeddedChannel channel;

        Fixture(OFVersion version, BenchMode mode, int macs, boolean learn) {
            this(version, mode, macs, learn, ProbeFrame.UDP);
        }

        Fixture(OFVersion version, BenchMode mode, int macs, boolean learn, ProbeFrame frame) {
            this(version, mode, macs, learn, frame, 0);
        }

        Fixture(OFVersion version, BenchMode mode, int macs, boolean learn, ProbeFrame frame, int maxUnanswered) {
            factory = OFFactories.getFactory(version);
            sw = new BenchSwitch(1, DPID, factory, mode, macs, learn, frame, maxUnanswered, () -> nanos,
                    failures::add);
            channel = new EmbeddedChannel(sw);
            // An embedded channel drains every flush at once, so the channel would turn writable
            // again after each top-up and throughput mode would refill forever; a water mark it
            // never reaches keeps the test to the refills it triggers itself.
            channel.config().setWriteBufferWaterMark(new WriteBufferWaterMark(Integer.MAX_VALUE - 1, Integer.MAX_VALUE));
        }

        /** Past the handshake, with the outbound queue drained. */
        Fixture ready() throws Exception {
            inbound(factory.buildFeaturesRequest().setXid(2).build());
            outbound();
            return this;
        }

        void inbound(OFMessage... messages) {
            channel.writeInbound(Messages.encode(messages));
        }

        void open() {
            sw.openWindow();
            channel.runPendingTasks();
        }

        BenchSwitch.WindowCount close() {
            CompletableFuture<BenchSwitch.WindowCount> count = sw.closeWindow();
            channel.runPendingTasks();
            return count.join();
        }

        List<OFMessage> outbound() throws OFParseError {
            List<OFMessage> messages = new ArrayList<>();
            for (ByteBuf buf = channel.readOutbound(); buf != null; buf = channel.readOutbound()) {
                while (buf.isReadable()) {
                    OFMessage message = OFFactories.getGenericReader().readFrom(buf);
                    if (message == null) {
                        throw new AssertionError("truncated message in " + buf);
                    }
                    messages.add(message);
                }
                buf.release();
            }
            return messages;
        }

        List<OFPacketIn> probes() throws OFParseError {
            List<OFPacketIn> probes = new ArrayList<>();
            for (OFMessage message : outbound()) {
                probes.add((OFPacketIn) message);
            }
            return probes;
        }
    }
}
