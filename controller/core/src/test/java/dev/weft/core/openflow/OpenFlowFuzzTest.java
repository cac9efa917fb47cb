package dev.weft.core.openflow;

import dev.weft.core.dispatch.Dispatcher;
import dev.weft.fakes.FakeSwitch;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeProperty;
import org.projectfloodlight.openflow.protocol.OFBarrierRequest;
import org.projectfloodlight.openflow.protocol.OFEchoReply;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFFeaturesRequest;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFPacketInReason;
import org.projectfloodlight.openflow.protocol.OFPortDesc;
import org.projectfloodlight.openflow.protocol.OFPortDescStatsRequest;
import org.projectfloodlight.openflow.protocol.OFPortReason;
import org.projectfloodlight.openflow.protocol.OFStatsReplyFlags;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.U64;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Structure-aware fuzzing of the OpenFlow decoder and every inbound handler (handshake, keepalive,
 * active switch) for OpenFlow 1.0, 1.3, 1.4 and 1.5 (issue 11). An input is a sequence of
 * messages of every type a switch can send, valid or mutated (bytes changed, truncated with the
 * length kept honest, length off by one, absurd lengths, random bytes), delivered before the
 * HELLO, during the handshake or after it. Properties: nothing throws out of the pipeline; the
 * connection ends only for broken framing (or a HELLO with no common version, as the spec says);
 * a connection that is still open after honest framing still answers an ECHO. Fixed seeds;
 * {@code -Pfuzz} runs 100x the inputs.
 */
class OpenFlowFuzzTest {
    private static final Set<OFVersion> ALL = EnumSet.of(OFVersion.OF_10, OFVersion.OF_13, OFVersion.OF_14,
            OFVersion.OF_15);
    private static final AtomicLong INPUTS = new AtomicLong();
    private static final AtomicLong MESSAGES = new AtomicLong();
    private static final AtomicLong CLOSED_FRAMING = new AtomicLong();
    private static final AtomicLong CLOSED_VERSION = new AtomicLong();
    private static final AtomicLong STILL_SERVED = new AtomicLong();

    enum Phase { BEFORE_HELLO, DURING_HANDSHAKE, ACTIVE }

    enum Mutation { NONE, FLIP, TRUNCATE_HONEST, LENGTH_PLUS_ONE, LENGTH_MINUS_ONE, LENGTH_ABSURD, RANDOM_BYTES }

    /** One message as bytes, and whether its framing (length field vs bytes) is still honest. */
    record Piece(byte[] bytes, boolean honestFraming) {
    }

    private Dispatcher dispatcher;

    @BeforeProperty
    void start() {
        dispatcher = new Dispatcher(1);
    }

    @AfterProperty
    void stop() {
        dispatcher.close();
    }

    @Property(seed = "1313")
    void openflow13(@ForAll("pieces13") List<Piece> input, @ForAll Phase phase) {
        run(OFVersion.OF_13, input, phase);
    }

    @Property(seed = "1414")
    void openflow14(@ForAll("pieces14") List<Piece> input, @ForAll Phase phase) {
        run(OFVersion.OF_14, input, phase);
    }

    @Property(seed = "1515")
    void openflow15(@ForAll("pieces15") List<Piece> input, @ForAll Phase phase) {
        run(OFVersion.OF_15, input, phase);
    }

    @Property(seed = "1010")
    void openflow10(@ForAll("pieces10") List<Piece> input, @ForAll Phase phase) {
        run(OFVersion.OF_10, input, phase);
    }

    private void run(OFVersion v, List<Piece> input, Phase phase) {
        INPUTS.incrementAndGet();
        RecordingBus rec = new RecordingBus();
        SwitchManager manager = new SwitchManager(dispatcher, rec.bus, Duration.ofSeconds(2));
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.freezeTime();
        OpenFlowServer.initPipeline(ch.pipeline(), new OpenFlowServer.Options(ALL, Duration.ofSeconds(10),
                Duration.ofSeconds(5), Duration.ofSeconds(15), true), manager, Clock.systemUTC());
        OFFactory f = OFFactories.getFactory(v);
        try {
            Wire.drain(ch);
            if (phase != Phase.BEFORE_HELLO) {
                ch.writeInbound(Wire.encode(f.buildHello().build()));
                OFFeaturesRequest fr = first(Wire.drain(ch), OFFeaturesRequest.class);
                if (phase == Phase.ACTIVE) {
                    handshake(ch, f, fr);
                }
            }
            boolean honest = true;
            boolean sawHelloFailed = false;
            for (Piece p : input) {
                MESSAGES.incrementAndGet();
                ch.writeInbound(Unpooled.wrappedBuffer(p.bytes())); // throws if anything escaped the pipeline
                honest &= p.honestFraming();
                ch.runPendingTasks();
                for (Object o : drainRaw(ch)) {
                    sawHelloFailed |= o instanceof org.projectfloodlight.openflow.protocol.errormsg.OFHelloFailedErrorMsg;
                }
                if (!ch.isOpen()) {
                    break;
                }
            }
            if (!ch.isOpen()) {
                boolean framing = PeerFaults.of(ch).count(PeerFault.BROKEN_FRAMING) > 0;
                if (framing) {
                    CLOSED_FRAMING.incrementAndGet();
                } else if (sawHelloFailed) {
                    CLOSED_VERSION.incrementAndGet();
                } else {
                    fail("closed without broken framing or a failed HELLO");
                }
                return;
            }
            if (honest) {
                // Still served: an ECHO in the version the connection speaks now gets its answer.
                OFVersion now = phase == Phase.BEFORE_HELLO && !negotiated(ch) ? OFVersion.OF_13 : versionOf(ch, v);
                ch.writeInbound(Wire.encode(OFFactories.getFactory(now).buildEchoRequest().setXid(0x7eadbeefL).build()));
                boolean answered = Wire.drainLenient(ch).stream()
                        .anyMatch(m -> m instanceof OFEchoReply r && r.getXid() == 0x7eadbeefL);
                assertTrue(answered, "an open connection answers an ECHO");
                STILL_SERVED.incrementAndGet();
            }
        } finally {
            ch.finishAndReleaseAll();
        }
    }

    private static boolean negotiated(EmbeddedChannel ch) {
        HandshakeHandler h = (HandshakeHandler) ch.pipeline().get(PipelineNames.HANDSHAKE);
        return h == null || h.state() != HandshakeHandler.State.WAIT_HELLO;
    }

    /** The version the connection negotiated (a fuzzed HELLO may have chosen another one). */
    private static OFVersion versionOf(EmbeddedChannel ch, OFVersion fallback) {
        return ((OFMessageDecoder) ch.pipeline().get(PipelineNames.DECODER)).negotiatedVersion().orElse(fallback);
    }

    private static List<Object> drainRaw(EmbeddedChannel ch) {
        return new ArrayList<>(Wire.drainLenient(ch));
    }

    private static void handshake(EmbeddedChannel ch, OFFactory f, OFFeaturesRequest fr) {
        ch.writeInbound(Wire.encode(f.buildFeaturesReply().setXid(fr.getXid()).setDatapathId(DatapathId.of(5))
                .setNTables((short) 4).build()));
        List<OFMessage> out = Wire.drain(ch);
        if (f.getVersion().compareTo(OFVersion.OF_13) >= 0) {
            OFPortDescStatsRequest pd = first(out, OFPortDescStatsRequest.class);
            ch.writeInbound(Wire.encode(f.buildPortDescStatsReply().setXid(pd.getXid())
                    .setEntries(List.of(FakeSwitch.portDesc(f, OFPort.of(1), "p1", false))).build()));
            out = Wire.drain(ch);
        }
        ch.writeInbound(Wire.encode(f.buildBarrierReply().setXid(first(out, OFBarrierRequest.class).getXid()).build()));
        Wire.drain(ch);
    }

    private static <T> T first(List<OFMessage> l, Class<T> t) {
        return l.stream().filter(t::isInstance).map(t::cast).findFirst().orElseThrow();
    }

    // ---- inputs ---------------------------------------------------------------------------------

    @Provide
    Arbitrary<List<Piece>> pieces10() {
        return pieces(OFVersion.OF_10);
    }

    @Provide
    Arbitrary<List<Piece>> pieces13() {
        return pieces(OFVersion.OF_13);
    }

    @Provide
    Arbitrary<List<Piece>> pieces14() {
        return pieces(OFVersion.OF_14);
    }

    @Provide
    Arbitrary<List<Piece>> pieces15() {
        return pieces(OFVersion.OF_15);
    }

    private static Arbitrary<List<Piece>> pieces(OFVersion v) {
        List<byte[]> templates = templates(OFFactories.getFactory(v));
        Arbitrary<Piece> piece = Combinators.combine(Arbitraries.of(templates), Arbitraries.of(Mutation.class),
                Arbitraries.integers().between(0, Integer.MAX_VALUE), Arbitraries.bytes())
                .as(OpenFlowFuzzTest::mutate);
        return piece.list().ofMinSize(1).ofMaxSize(12);
    }

    static Piece mutate(byte[] t, Mutation m, int r, byte value) {
        byte[] b = t.clone();
        switch (m) {
            case NONE -> {
                return new Piece(b, true);
            }
            case FLIP -> {
                // Never the length field: this mutation keeps the framing honest.
                for (int i = 0; i < 1 + r % 4; i++) {
                    int at = (r >>> (i * 3)) % b.length;
                    if (at != 2 && at != 3) {
                        b[at] = (byte) (b[at] ^ (value == 0 ? 0x5a : value));
                    }
                }
                return new Piece(b, true);
            }
            case TRUNCATE_HONEST -> {
                int len = Math.max(8, b.length - 1 - r % Math.max(1, b.length - 8));
                byte[] c = java.util.Arrays.copyOf(b, len);
                c[2] = (byte) (len >>> 8);
                c[3] = (byte) len;
                return new Piece(c, true);
            }
            case LENGTH_PLUS_ONE, LENGTH_MINUS_ONE -> {
                int len = ((b[2] & 0xff) << 8 | (b[3] & 0xff)) + (m == Mutation.LENGTH_PLUS_ONE ? 1 : -1);
                b[2] = (byte) (len >>> 8);
                b[3] = (byte) len;
                return new Piece(b, false);
            }
            case LENGTH_ABSURD -> {
                int len = r % 2 == 0 ? r % 8 : 0xffff - r % 16;
                b[2] = (byte) (len >>> 8);
                b[3] = (byte) len;
                return new Piece(b, false);
            }
            default -> {
                byte[] junk = new byte[1 + r % 64];
                new java.util.Random(r).nextBytes(junk);
                return new Piece(junk, false);
            }
        }
    }

    /** A valid message of every type a switch sends (and a few it should not), encoded. */
    static List<byte[]> templates(OFFactory f) {
        List<byte[]> out = new ArrayList<>();
        OFVersion v = f.getVersion();
        List<OFPortDesc> fewPorts = List.of(FakeSwitch.portDesc(f, OFPort.of(1), "p1", false),
                FakeSwitch.portDesc(f, OFPort.of(2), "p2", true));
        byte[] frame = new byte[64];
        frame[12] = 0x08;
        frame[14] = 0x45;
        frame[23] = (byte) 255; // IP protocol 255, as cbench sends
        byte[] huge = new byte[v == OFVersion.OF_10 ? 65_517 : 65_000];
        huge[12] = (byte) 0x81;
        List<Function<OFFactory, OFMessage>> builders = List.of(
                x -> x.buildHello().build(),
                x -> x.buildEchoRequest().setData(new byte[]{1, 2, 3}).build(),
                x -> x.buildEchoReply().build(),
                x -> x.buildBarrierReply().setXid(99).build(),
                x -> x.buildFeaturesReply().setDatapathId(DatapathId.of(9)).build(),
                x -> x.buildGetConfigReply().setMissSendLen(128).build(),
                x -> packetIn(x, frame),
                x -> packetIn(x, huge),
                x -> packetIn(x, new byte[3]),
                x -> x.buildPortStatus().setReason(OFPortReason.ADD).setDesc(fewPorts.get(1)).build(),
                x -> x.buildFlowRemoved().setCookie(U64.of(1)).setMatch(x.buildMatch()
                        .setExact(MatchField.IN_PORT, OFPort.of(1)).build()).build(),
                x -> x.errorMsgs().buildBadRequestErrorMsg().setXid(4)
                        .setCode(org.projectfloodlight.openflow.protocol.OFBadRequestCode.BAD_TYPE)
                        .setData(org.projectfloodlight.openflow.types.OFErrorCauseData.of(new byte[8], x.getVersion()))
                        .build(),
                x -> x.buildPortDescStatsReply().setEntries(fewPorts).build(),
                x -> x.buildPortDescStatsReply().setFlags(EnumSet.of(OFStatsReplyFlags.REPLY_MORE))
                        .setEntries(fewPorts).build(),
                x -> x.buildFlowStatsReply().setXid(12).build(),
                x -> x.buildDescStatsReply().build(),
                x -> x.buildPacketOut().setData(frame).build(), // controller-to-switch: not expected
                x -> x.buildFlowAdd().build(),
                x -> x.buildRoleReply().build(),
                x -> x.buildBarrierRequest().build());
        for (var b : builders) {
            try {
                out.add(Wire.encode(b.apply(f)).array().clone());
            } catch (UnsupportedOperationException | IllegalArgumentException | IllegalStateException e) {
                // not in this version (or Loxi cannot encode it): skip
            }
        }
        // Exact-length arrays (Wire.encode's buffer may be larger than what was written).
        List<byte[]> exact = new ArrayList<>();
        for (byte[] b : out) {
            int len = (b[2] & 0xff) << 8 | (b[3] & 0xff);
            exact.add(java.util.Arrays.copyOf(b, len));
        }
        // An experimenter (Nicira) message and a type no version defines, as raw bytes.
        exact.add(java.nio.ByteBuffer.allocate(16).put((byte) v.getWireVersion()).put((byte) 4).putShort((short) 16)
                .putInt(3).putInt(0x2320).putInt(0).array());
        exact.add(java.nio.ByteBuffer.allocate(12).put((byte) v.getWireVersion()).put((byte) 250).putShort((short) 12)
                .putInt(3).putInt(0).array());
        return exact;
    }

    private static OFMessage packetIn(OFFactory f, byte[] data) {
        var b = f.buildPacketIn().setReason(OFPacketInReason.NO_MATCH).setData(data).setTotalLen(data.length);
        if (f.getVersion() == OFVersion.OF_10) {
            b.setInPort(OFPort.of(1));
        } else {
            b.setMatch(f.buildMatch().setExact(MatchField.IN_PORT, OFPort.of(1)).build());
        }
        return b.build();
    }

    @AfterContainer
    static void report() {
        System.out.printf("OpenFlow pipeline fuzz: %d inputs (%d messages), 0 exceptions; connections closed for "
                        + "broken framing %d, for a HELLO with no common version %d; still served after honest "
                        + "framing %d%n", INPUTS.get(), MESSAGES.get(), CLOSED_FRAMING.get(), CLOSED_VERSION.get(),
                STILL_SERVED.get());
    }
}
