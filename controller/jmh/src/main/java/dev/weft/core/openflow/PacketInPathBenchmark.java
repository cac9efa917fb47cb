package dev.weft.core.openflow;

import dev.weft.api.packet.Ethernet;
import dev.weft.core.Controller;
import dev.weft.core.ControllerSettings;
import dev.weft.sim.packet.Frames;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import org.projectfloodlight.openflow.protocol.OFBarrierRequest;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFFeaturesRequest;
import org.projectfloodlight.openflow.protocol.OFFlowAdd;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFMessageReader;
import org.projectfloodlight.openflow.protocol.OFPacketIn;
import org.projectfloodlight.openflow.protocol.OFPacketInReason;
import org.projectfloodlight.openflow.protocol.OFPortConfig;
import org.projectfloodlight.openflow.protocol.OFPortDesc;
import org.projectfloodlight.openflow.protocol.OFPortFeatures;
import org.projectfloodlight.openflow.protocol.OFPortState;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFBufferId;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.U64;

/**
 * The packet-in path of {@code weft bench}'s latency mode, in process: an OpenFlow 1.0 switch past
 * its handshake on an {@link EmbeddedChannel} with the controller's own pipeline (decoder, encoder,
 * keepalive, the active switch's handler), the host tracker and the learning switch, the
 * probes' destination learned. {@link #path} is one PACKET_IN read, from bytes to the FLOW_MOD's
 * bytes; the other benchmarks time its steps alone (decode, parse the frame, build and encode
 * the answer), so what is left of {@code path} is the chain of apps and Netty's pipeline.
 *
 * <p>Run: see README "Simulator and benchmarks" (JMH).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 8, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseG1GC", "-Xmx512m"})
public class PacketInPathBenchmark {

    /**
     * The probes cycle through this many source MACs: 1,000 as one switch of the bench's
     * {@code -M 1000}; 16,000 as many hosts as the host tracker holds in the 16-switch latency
     * bench (its lookups then miss the caches as they do there; the learning switch's table is
     * 16 times that of one bench switch).
     */
    @Param({"1000", "16000"})
    public int sources;
    private static final DatapathId DPID = DatapathId.of(1);
    private static final OFPort PROBE_PORT = OFPort.of(1);
    private static final OFPort DESTINATION_PORT = OFPort.of(2);
    private static final MacAddress DESTINATION = MacAddress.of("02:00:00:00:01:01");

    private final OFFactory f = OFFactories.getFactory(OFVersion.OF_10);
    private final OFMessageReader<OFMessage> reader = f.getReader();
    private Controller controller;
    private EmbeddedChannel channel;
    private ByteBuf[] probes;
    private byte[][] frames;
    private int next;
    /** Bytes the sink took. */
    private long written;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        controller = Controller.builder(ControllerSettings.builder().apps(List.of("learning-switch"))
                .dispatchThreads(1).build()).withoutListeners().start();
        channel = new EmbeddedChannel();
        OpenFlowServer.initPipeline(channel.pipeline(), new OpenFlowServer.Options(EnumSet.of(OFVersion.OF_10),
                Duration.ofSeconds(10), Duration.ofSeconds(60), Duration.ofSeconds(120), true),
                (SwitchManager) controller.switches(), Clock.systemUTC());
        handshake();
        // cbench's LEARN_DSTMAC: the destination announces itself on port 2.
        byte[] arp = Frames.from(DESTINATION, IPv4Address.of(10, 0, 1, 1)).minLength(64)
                .arp(Frames.ARP_REPLY, DESTINATION, IPv4Address.of(10, 0, 1, 1), DESTINATION, IPv4Address.of(10, 0, 1, 1));
        channel.writeInbound(encode(packetIn(DESTINATION_PORT, OFBufferId.NO_BUFFER, arp)));
        drain();
        probes = new ByteBuf[sources];
        frames = new byte[sources][];
        for (int i = 0; i < sources; i++) {
            MacAddress src = MacAddress.of(0x0200_0000_0000L | (1L << 16) | i);
            frames[i] = Frames.from(src, IPv4Address.of(192, 168, 0, 40)).to(DESTINATION, IPv4Address.of(192, 168, 1, 40))
                    .minLength(64).udp(1024, 2048, new byte[64 - 42]);
            ByteBuf wire = PooledByteBufAllocator.DEFAULT.directBuffer();
            packetIn(PROBE_PORT, OFBufferId.of(i + 1), frames[i]).writeTo(wire);
            probes[i] = wire;
        }
        // From here on the channel's writes go to a sink that takes every byte at once and lets go
        // of the buffer, as a socket with room does (the embedded channel would keep each buffer
        // until read, which no socket does).
        channel.pipeline().addFirst("sink", new ChannelOutboundHandlerAdapter() {
            @Override
            public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
                written += ((ByteBuf) msg).readableBytes();
                ReferenceCountUtil.release(msg);
                promise.trySuccess();
            }
        });
        // Every source seen once, so that the measured path is the steady state (hosts known).
        for (int i = 0; i < sources; i++) {
            path();
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        for (ByteBuf b : probes) {
            b.release();
        }
        channel.finishAndReleaseAll();
        controller.close();
    }

    /** One read holding one PACKET_IN, through the controller's pipeline, to the answer's bytes. */
    @Benchmark
    public long path() {
        ByteBuf probe = probes[next];
        next = next + 1 == sources ? 0 : next + 1;
        channel.writeInbound(probe.retainedDuplicate());
        return written;
    }

    /** Loxi's decoding of the PACKET_IN alone. */
    @Benchmark
    public OFMessage decode() throws Exception {
        ByteBuf probe = probes[next];
        next = next + 1 == sources ? 0 : next + 1;
        return reader.readFrom(probe.duplicate());
    }

    /** Parsing the frame alone (addresses, EtherType, the IPv4 header). */
    @Benchmark
    public Object parseFrame() {
        byte[] frame = frames[next];
        next = next + 1 == sources ? 0 : next + 1;
        return Ethernet.parse(frame);
    }

    /** The learning switch's answer built (match, actions, FLOW_MOD) and encoded into a pooled buffer. */
    @Benchmark
    public void answer(Blackhole bh) {
        byte[] frame = frames[next];
        next = next + 1 == sources ? 0 : next + 1;
        Ethernet eth = Ethernet.parse(frame).orElseThrow();
        OFFlowAdd flow = f.buildFlowAdd()
                .setCookie(U64.of(0x0100_0000_0000_0000L))
                .setPriority(100)
                .setIdleTimeout(10)
                .setHardTimeout(0)
                .setMatch(f.buildMatch().setExact(MatchField.IN_PORT, PROBE_PORT).setExact(MatchField.ETH_SRC, eth.src())
                        .setExact(MatchField.ETH_DST, eth.dst()).build())
                .setActions(List.of(f.actions().output(DESTINATION_PORT, 0xffff)))
                .setBufferId(OFBufferId.of(next + 1))
                .build();
        ByteBuf out = PooledByteBufAllocator.DEFAULT.directBuffer();
        flow.writeTo(out);
        bh.consume(out.readableBytes());
        out.release();
    }

    private void handshake() throws Exception {
        drain();
        channel.writeInbound(encode(f.buildHello().build()));
        OFFeaturesRequest features = (OFFeaturesRequest) awaitSent(OFFeaturesRequest.class);
        List<OFPortDesc> ports = new ArrayList<>();
        for (int i = 1; i <= 2; i++) {
            ports.add(f.buildPortDesc().setPortNo(OFPort.of(i)).setName("p" + i)
                    .setHwAddr(MacAddress.of(0x0a0000000000L | i)).setConfig(EnumSet.noneOf(OFPortConfig.class))
                    .setState(EnumSet.noneOf(OFPortState.class)).setCurr(EnumSet.noneOf(OFPortFeatures.class))
                    .setAdvertised(EnumSet.noneOf(OFPortFeatures.class)).setSupported(EnumSet.noneOf(OFPortFeatures.class))
                    .setPeer(EnumSet.noneOf(OFPortFeatures.class)).build());
        }
        channel.writeInbound(encode(f.buildFeaturesReply().setXid(features.getXid()).setDatapathId(DPID)
                .setNTables((short) 1).setPorts(ports).build()));
        OFBarrierRequest barrier = (OFBarrierRequest) awaitSent(OFBarrierRequest.class);
        channel.writeInbound(encode(f.buildBarrierReply().setXid(barrier.getXid()).build()));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (controller.switches().get(DPID).isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the switch did not become active");
            }
            channel.runPendingTasks();
            Thread.sleep(1);
        }
        controller.awaitControlLaneIdle();
        channel.runPendingTasks();
        drain();
    }

    private OFMessage awaitSent(Class<? extends OFMessage> type) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            channel.runPendingTasks();
            for (Object o = channel.readOutbound(); o != null; o = channel.readOutbound()) {
                ByteBuf b = (ByteBuf) o;
                try {
                    while (b.isReadable()) {
                        OFMessage m = OFFactories.getGenericReader().readFrom(b);
                        if (type.isInstance(m)) {
                            return m;
                        }
                    }
                } finally {
                    b.release();
                }
            }
            Thread.sleep(1);
        }
        throw new IllegalStateException("the controller sent no " + type.getSimpleName());
    }

    /** Releases what the controller wrote; the bytes written. */
    private int drain() {
        int bytes = 0;
        for (Object o = channel.readOutbound(); o != null; o = channel.readOutbound()) {
            ByteBuf b = (ByteBuf) o;
            bytes += b.readableBytes();
            b.release();
        }
        return bytes;
    }

    private OFPacketIn packetIn(OFPort in, OFBufferId buffer, byte[] frame) {
        return f.buildPacketIn().setBufferId(buffer).setTotalLen(frame.length).setInPort(in)
                .setReason(OFPacketInReason.NO_MATCH).setData(frame).build();
    }

    private static ByteBuf encode(OFMessage m) {
        ByteBuf b = Unpooled.buffer();
        m.writeTo(b);
        return b;
    }
}
