package dev.weft.sim.testctl;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.MessageToByteEncoder;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFFeaturesReply;
import org.projectfloodlight.openflow.protocol.OFHello;
import org.projectfloodlight.openflow.protocol.OFHelloElem;
import org.projectfloodlight.openflow.protocol.OFHelloElemVersionbitmap;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFPacketIn;
import org.projectfloodlight.openflow.protocol.OFPortDescStatsReply;
import org.projectfloodlight.openflow.protocol.OFStatsReplyFlags;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.OFBufferId;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.TableId;
import org.projectfloodlight.openflow.types.U32;

/**
 * A tiny OpenFlow controller for tests, on loopback: HELLO with version bitmap, FEATURES,
 * PORT_DESC (reading every REPLY_MORE part), SET_CONFIG, a table-miss entry to the controller
 * (1.3), BARRIER; answers echo; in hub mode every packet-in becomes a PACKET_OUT to FLOOD.
 */
public final class TestController implements AutoCloseable {
    /** One switch connection as the controller sees it. */
    public static final class Conn {
        public volatile Channel channel;
        public volatile OFVersion version;
        public volatile DatapathId dpid;
        public volatile boolean handshakeDone;
        public volatile int portDescParts;
        public final List<OFPort> ports = new CopyOnWriteArrayList<>();
        public final List<OFMessage> received = new CopyOnWriteArrayList<>();

        public OFFactory factory() {
            return OFFactories.getFactory(version);
        }

        public void send(OFMessage m) {
            channel.writeAndFlush(m);
        }

        public void sendRaw(byte[] bytes) {
            channel.writeAndFlush(Unpooled.wrappedBuffer(bytes));
        }

        public <T> List<T> received(Class<T> type) {
            List<T> l = new ArrayList<>();
            for (OFMessage m : received) {
                if (type.isInstance(m)) {
                    l.add(type.cast(m));
                }
            }
            return l;
        }
    }

    private final Set<OFVersion> versions;
    private final NioEventLoopGroup group;
    private final Channel server;
    private final List<Conn> connections = new CopyOnWriteArrayList<>();
    private final Map<DatapathId, Conn> byDpid = new ConcurrentHashMap<>();
    public volatile boolean hub = true;

    private TestController(Set<OFVersion> versions, int port) {
        this.versions = EnumSet.copyOf(versions);
        this.group = new NioEventLoopGroup(1, (java.util.concurrent.ThreadFactory) r -> new Thread(r, "test-controller"));
        this.server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new LengthFieldBasedFrameDecoder(0xffff, 2, 2, -4, 0))
                                .addLast(new MessageToByteEncoder<OFMessage>() {
                                    @Override
                                    protected void encode(ChannelHandlerContext ctx, OFMessage msg, ByteBuf out) {
                                        msg.writeTo(out);
                                    }
                                })
                                .addLast(new Handler());
                    }
                }).bind(new InetSocketAddress("127.0.0.1", port)).syncUninterruptibly().channel();
    }

    public static TestController start(OFVersion... versions) {
        return new TestController(EnumSet.of(versions[0], versions), 0);
    }

    public static TestController startOn(int port, OFVersion... versions) {
        return new TestController(EnumSet.of(versions[0], versions), port);
    }

    public int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    public List<Conn> connections() {
        return List.copyOf(connections);
    }

    public Conn conn(DatapathId dpid) {
        return byDpid.get(dpid);
    }

    /** All messages received on every connection, in arrival order per connection. */
    public List<OFMessage> allReceived() {
        List<OFMessage> l = new ArrayList<>();
        connections.forEach(c -> l.addAll(c.received));
        return l;
    }

    /** Waits (polling every 5 ms) until the condition holds. */
    public static void await(BooleanSupplier cond, Duration timeout, String what) throws TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("timed out waiting for " + what);
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TimeoutException("interrupted");
            }
        }
    }

    public void awaitHandshakes(int n, Duration timeout) throws TimeoutException {
        await(() -> connections.stream().filter(c -> c.handshakeDone && c.channel.isActive()).count() >= n, timeout,
                n + " handshakes");
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        connections.forEach(c -> c.channel.close());
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }

    private final class Handler extends SimpleChannelInboundHandler<ByteBuf> {
        private final Conn c = new Conn();

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            c.channel = ctx.channel();
            connections.add(c);
            OFVersion max = new TreeSet<>(versions).last();
            OFFactory f = OFFactories.getFactory(max);
            if (max.compareTo(OFVersion.OF_13) >= 0) {
                long bitmap = 0;
                for (OFVersion v : versions) {
                    bitmap |= 1L << v.getWireVersion();
                }
                ctx.writeAndFlush(f.buildHello().setXid(1).setElements(List.of(
                        f.buildHelloElemVersionbitmap().setBitmaps(List.of(U32.of(bitmap))).build())).build());
            } else {
                ctx.writeAndFlush(f.buildHello().setXid(1).build());
            }
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, ByteBuf buf) throws Exception {
            OFMessage m = OFFactories.getGenericReader().readFrom(buf);
            c.received.add(m);
            switch (m.getType()) {
                case HELLO -> hello((OFHello) m, ctx);
                case FEATURES_REPLY -> {
                    OFFeaturesReply fr = (OFFeaturesReply) m;
                    c.dpid = fr.getDatapathId();
                    byDpid.put(c.dpid, c);
                    if (c.version == OFVersion.OF_10) {
                        fr.getPorts().forEach(p -> c.ports.add(p.getPortNo()));
                        finishHandshake();
                    } else {
                        c.send(c.factory().buildPortDescStatsRequest().setXid(3).build());
                    }
                }
                case STATS_REPLY -> {
                    if (m instanceof OFPortDescStatsReply pd) {
                        c.portDescParts++;
                        pd.getEntries().forEach(p -> c.ports.add(p.getPortNo()));
                        if (!pd.getFlags().contains(OFStatsReplyFlags.REPLY_MORE)) {
                            finishHandshake();
                        }
                    }
                }
                case BARRIER_REPLY -> {
                    if (m.getXid() == 6) {
                        c.handshakeDone = true;
                    }
                }
                case ECHO_REQUEST -> c.send(c.factory().buildEchoReply().setXid(m.getXid()).setData(new byte[0]).build());
                case PACKET_IN -> {
                    if (hub) {
                        flood((OFPacketIn) m);
                    }
                }
                default -> {
                }
            }
        }

        private void hello(OFHello h, ChannelHandlerContext ctx) {
            OFVersion agreed = null;
            Long bitmap = null;
            if (h.getVersion().compareTo(OFVersion.OF_13) >= 0) {
                for (OFHelloElem e : h.getElements()) {
                    if (e instanceof OFHelloElemVersionbitmap b) {
                        bitmap = b.getBitmaps().get(0).getValue();
                    }
                }
            }
            if (bitmap != null && new TreeSet<>(versions).last().compareTo(OFVersion.OF_13) >= 0) {
                for (OFVersion v : versions) {
                    if ((bitmap & (1L << v.getWireVersion())) != 0 && (agreed == null || v.compareTo(agreed) > 0)) {
                        agreed = v;
                    }
                }
            } else {
                OFVersion mine = new TreeSet<>(versions).last();
                OFVersion v = h.getVersion().compareTo(mine) < 0 ? h.getVersion() : mine;
                agreed = versions.contains(v) ? v : null;
            }
            if (agreed == null) {
                return; // the switch will send HELLO_FAILED and close
            }
            c.version = agreed;
            c.send(c.factory().buildFeaturesRequest().setXid(2).build());
        }

        private void finishHandshake() {
            OFFactory f = c.factory();
            c.send(f.buildSetConfig().setXid(4).setMissSendLen(128).build());
            if (c.version != OFVersion.OF_10) {
                c.send(f.buildFlowAdd().setXid(5).setTableId(TableId.of(0)).setPriority(0).setMatch(f.buildMatch().build())
                        .setInstructions(List.of(f.instructions().applyActions(List.of(
                                f.actions().output(OFPort.CONTROLLER, 128))))).build());
            }
            c.send(f.buildBarrierRequest().setXid(6).build());
        }

        private void flood(OFPacketIn pi) {
            OFFactory f = c.factory();
            OFPort in = c.version == OFVersion.OF_10 ? pi.getInPort() : pi.getMatch().get(MatchField.IN_PORT);
            boolean buffered = !pi.getBufferId().equals(OFBufferId.NO_BUFFER);
            c.send(f.buildPacketOut().setXid(7).setBufferId(pi.getBufferId()).setInPort(in)
                    .setData(buffered ? new byte[0] : pi.getData())
                    .setActions(List.of(f.actions().output(OFPort.FLOOD, 0xffff))).build());
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
