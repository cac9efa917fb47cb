package dev.weft.core.openflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.api.Disposition;
import dev.weft.api.event.PacketIn;
import dev.weft.api.event.SwitchConnected;
import dev.weft.core.dispatch.AppHandle;
import dev.weft.core.dispatch.Dispatcher;
import dev.weft.core.dispatch.EventBus;
import dev.weft.sim.packet.Frames;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.projectfloodlight.openflow.protocol.OFBarrierRequest;
import org.projectfloodlight.openflow.protocol.OFEchoRequest;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFFeaturesRequest;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFPacketInReason;
import org.projectfloodlight.openflow.protocol.OFPacketOut;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFBufferId;
import org.projectfloodlight.openflow.types.OFPort;

/**
 * Issue 11, a cold controller at 1,000 switches: the order in which the bench's first second goes.
 * On one dispatch thread, {@value #ACTIVE} switches are active and have a packet-in outstanding
 * at all times, while {@value #JOINING} others end their handshakes at once (their FEATURES_REPLYs
 * reach the controller just before the active switches' packet-ins, as the bench's do), and
 * announcing a switch to the apps costs {@value #ANNOUNCE_MS} ms (a cold JVM's activation, the
 * "connected" line and the {@code SwitchConnected} chain). When the read that ended a handshake
 * also announced the switch, one turn of the lane did every announcement before it came to the
 * active switches: they waited {@value #JOINING} × {@value #ANNOUNCE_MS} ms for an answer, as long
 * as the whole burst. Now the announcements wait in the lane's {@link Admissions} and take at most
 * about as long as the lane's reads between two of their slices, so every active switch is answered
 * within a quarter of the burst's time throughout, each joining switch is announced before its first packet-in
 * (sent with its FEATURES_REPLY) reaches the apps, and it is served too.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AdmissionFairnessTest {
    private static final int ACTIVE = 40;
    private static final int JOINING = 300;
    private static final long ANNOUNCE_MS = 5;
    /**
     * The longest an active switch may wait for an answer: a quarter of the time from the joining
     * switches' FEATURES_REPLYs to the last one's announcement (at least {@value #JOINING} ×
     * {@value #ANNOUNCE_MS} ms; longer on a loaded machine, where everything else slows down too).
     */
    private static final double BOUND_SHARE = 0.25;

    @Test
    void activeSwitchesAreServedWhileHundredsOfHandshakesEndOnTheirLane() throws Exception {
        EventBus bus = new EventBus();
        Set<DatapathId> announced = ConcurrentHashMap.newKeySet();
        AtomicInteger joiningAnnounced = new AtomicInteger();
        CountDownLatch activeUp = new CountDownLatch(ACTIVE);
        CountDownLatch joiningUp = new CountDownLatch(JOINING);
        List<String> outOfOrder = new java.util.concurrent.CopyOnWriteArrayList<>();
        bus.subscribe(new AppHandle("slow-announcement", 0), SwitchConnected.class, c -> {
            announced.add(c.sw().id());
            if (c.sw().id().getLong() <= ACTIVE) {
                activeUp.countDown();
                return Disposition.CONTINUE;
            }
            long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ANNOUNCE_MS);
            while (System.nanoTime() < until) {
                Thread.onSpinWait(); // the cost of an announcement on a cold JVM: the lane's CPU
            }
            joiningAnnounced.incrementAndGet();
            joiningUp.countDown();
            return Disposition.CONTINUE;
        });
        bus.subscribe(new AppHandle("answerer", 1), PacketIn.class, p -> {
            if (!announced.contains(p.sw().id())) {
                outOfOrder.add(p.sw().id().toString());
            }
            var f = p.sw().factory();
            p.sw().send(f.buildPacketOut().setBufferId(OFBufferId.NO_BUFFER).setInPort(p.inPort())
                    .setActions(List.of(f.actions().output(OFPort.FLOOD, 0))).setData(p.message().getData()).build());
            return Disposition.STOP;
        });
        NioEventLoopGroup clients = new NioEventLoopGroup(1);
        try (Dispatcher dispatcher = new Dispatcher(1);
             OpenFlowServer server = new OpenFlowServer(new OpenFlowServer.Options(EnumSet.of(OFVersion.OF_10),
                     Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofSeconds(60), false),
                     new SwitchManager(dispatcher, bus, Duration.ofSeconds(5)), dispatcher, Clock.systemUTC())) {
            InetSocketAddress addr = server.bind(List.of(new InetSocketAddress("127.0.0.1", 0))).get(0);
            List<TestSwitch> active = new ArrayList<>();
            for (int i = 1; i <= ACTIVE; i++) {
                active.add(TestSwitch.connect(clients, addr, i, false));
            }
            assertTrue(activeUp.await(30, TimeUnit.SECONDS), "the active switches were not announced");
            List<TestSwitch> joining = new ArrayList<>();
            for (int i = 1; i <= JOINING; i++) {
                joining.add(TestSwitch.connect(clients, addr, ACTIVE + i, true));
            }
            for (TestSwitch s : joining) {
                s.featuresAsked.get(30, TimeUnit.SECONDS);
            }

            // One task of the clients' one thread: every joining switch's FEATURES_REPLY (with a
            // packet-in behind it, as cbench sends), then every active switch's first probe.
            EventLoop loop = clients.next();
            long start = loop.submit(() -> {
                joining.forEach(TestSwitch::endHandshake);
                long now = System.nanoTime();
                active.forEach(TestSwitch::startProbing);
                return now;
            }).get(10, TimeUnit.SECONDS);
            assertTrue(joiningUp.await(60, TimeUnit.SECONDS), "announced: " + joiningAnnounced.get() + " of "
                    + JOINING);
            for (TestSwitch s : joining) {
                s.firstAnswer.get(30, TimeUnit.SECONDS);
            }
            long announcedAll = System.nanoTime();
            // One more round for every active switch after the last announcement, then stop.
            loop.submit(() -> active.forEach(TestSwitch::stopAfterNextAnswer)).get(10, TimeUnit.SECONDS);
            for (TestSwitch s : active) {
                s.stopped.get(30, TimeUnit.SECONDS);
            }
            long worst = 0;
            long firstWorst = 0;
            int rounds = Integer.MAX_VALUE;
            for (TestSwitch s : active) {
                worst = Math.max(worst, s.worstWaitNanos);
                firstWorst = Math.max(firstWorst, s.firstWaitNanos);
                rounds = Math.min(rounds, s.answered);
            }
            System.out.printf("[admission] %d active switches, %d joining at %d ms an announcement: all announced"
                    + " after %.0f ms; an active switch's longest wait for an answer %.1f ms (first probe %.1f ms),"
                    + " fewest answers %d%n", ACTIVE, JOINING, ANNOUNCE_MS, (announcedAll - start) / 1e6, worst / 1e6,
                    firstWorst / 1e6, rounds);
            assertEquals(List.of(), outOfOrder, "packet-ins that reached the apps before their switch was announced");
            long took = announcedAll - start;
            assertTrue(worst <= BOUND_SHARE * took, "an active switch waited " + worst / 1_000_000
                    + " ms for an answer while " + JOINING + " switches were announced in " + took / 1_000_000
                    + " ms (bound: a quarter of that)");
        } finally {
            clients.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /** A switch on the clients' thread: handshake, optionally held before its FEATURES_REPLY; probes. */
    private static final class TestSwitch extends SimpleChannelInboundHandler<ByteBuf> {
        private final OFFactory f = OFFactories.getFactory(OFVersion.OF_10);
        private final DatapathId dpid;
        private final boolean holdFeatures;
        private final byte[] frame;
        final CompletableFuture<Void> featuresAsked = new CompletableFuture<>();
        final CompletableFuture<Void> firstAnswer = new CompletableFuture<>();
        final CompletableFuture<Void> stopped = new CompletableFuture<>();
        private Channel channel;
        private OFFeaturesRequest featuresRequest;
        // The clients' thread only (read by the test after stopped completes).
        private boolean probing;
        private boolean stopAfterNext;
        private long sentAt;
        long worstWaitNanos;
        long firstWaitNanos = -1;
        int answered;

        private TestSwitch(long dpid, boolean holdFeatures) {
            this.dpid = DatapathId.of(dpid);
            this.holdFeatures = holdFeatures;
            this.frame = Frames.from(MacAddress.of(0x0200_0000_0000L + dpid), IPv4Address.of(10, 0, 0, 1))
                    .minLength(64).arpRequest(IPv4Address.of(10, 0, 0, 2));
        }

        static TestSwitch connect(NioEventLoopGroup group, InetSocketAddress addr, long dpid, boolean holdFeatures)
                throws InterruptedException {
            TestSwitch s = new TestSwitch(dpid, holdFeatures);
            s.channel = new Bootstrap().group(group).channel(NioSocketChannel.class)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new LengthFieldBasedFrameDecoder(65535, 2, 2, -4, 0), s);
                        }
                    }).connect(addr).sync().channel();
            s.write(s.f.buildHello().build());
            s.channel.flush();
            return s;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, ByteBuf msg) throws Exception {
            OFMessage m = OFFactories.getGenericReader().readFrom(msg);
            if (m instanceof OFFeaturesRequest r) {
                featuresRequest = r;
                if (holdFeatures) {
                    featuresAsked.complete(null);
                } else {
                    endHandshake();
                }
            } else if (m instanceof OFBarrierRequest r) {
                write(f.buildBarrierReply().setXid(r.getXid()).build());
                channel.flush();
            } else if (m instanceof OFEchoRequest r) {
                write(f.buildEchoReply().setXid(r.getXid()).setData(r.getData()).build());
                channel.flush();
            } else if (m instanceof OFPacketOut) {
                answered(System.nanoTime());
            }
        }

        /** The FEATURES_REPLY; a held switch sends its first packet-in right behind it. */
        void endHandshake() {
            write(f.buildFeaturesReply().setXid(featuresRequest.getXid()).setDatapathId(dpid).setNBuffers(0)
                    .setNTables((short) 1)
                    .setPorts(List.of(dev.weft.fakes.FakeSwitch.portDesc(f, OFPort.of(1), "eth1", false))).build());
            if (holdFeatures) {
                probe();
            }
            channel.flush();
        }

        void startProbing() {
            probing = true;
            probe();
            channel.flush();
        }

        void stopAfterNextAnswer() {
            stopAfterNext = true;
        }

        private void probe() {
            sentAt = System.nanoTime();
            write(f.buildPacketIn().setBufferId(OFBufferId.NO_BUFFER).setTotalLen(frame.length).setInPort(OFPort.of(1))
                    .setReason(OFPacketInReason.NO_MATCH).setData(frame).build());
        }

        private void answered(long now) {
            long wait = now - sentAt;
            if (answered++ == 0) {
                firstWaitNanos = wait;
                firstAnswer.complete(null);
            }
            worstWaitNanos = Math.max(worstWaitNanos, wait);
            if (!probing) {
                return;
            }
            if (stopAfterNext) {
                probing = false;
                stopped.complete(null);
                return;
            }
            probe();
            channel.flush();
        }

        private void write(OFMessage m) {
            ByteBuf b = channel.alloc().buffer();
            m.writeTo(b);
            channel.write(b);
        }
    }
}
