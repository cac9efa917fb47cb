package dev.weft.core.openflow;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import org.projectfloodlight.openflow.protocol.OFBarrierRequest;
import org.projectfloodlight.openflow.protocol.OFEchoRequest;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFFeaturesRequest;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFPortDescStatsRequest;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.OFPort;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The switch side of a connection, scripted by a test over real loopback TCP: it completes the
 * handshake by itself (HELLO, FEATURES, PORT_DESC, BARRIER, ECHO), answers other requests with
 * a function the test sets, and records everything the controller sends after the handshake.
 */
public final class ScriptedSwitch implements AutoCloseable {
    final DatapathId dpid;
    public final OFFactory f;
    final BlockingQueue<OFMessage> received = new LinkedBlockingQueue<>();
    private final NioEventLoopGroup group = new NioEventLoopGroup(1);
    private volatile Function<OFMessage, List<OFMessage>> responder = m -> List.of();
    private volatile boolean answerBarriers = true;
    private volatile boolean answerEchoesByResponder;
    private Channel channel;
    private io.netty.handler.ssl.SslContext tls;

    public ScriptedSwitch(long dpid, OFVersion version) {
        this.dpid = DatapathId.of(dpid);
        this.f = OFFactories.getFactory(version);
    }

    /** Answer requests other than the handshake's with what {@code r} returns. */
    public ScriptedSwitch respond(Function<OFMessage, List<OFMessage>> r) {
        this.responder = r;
        return this;
    }

    /** Let the responder answer ECHO_REQUESTs (instead of the built-in echo). */
    ScriptedSwitch echoesByResponder() {
        this.answerEchoesByResponder = true;
        return this;
    }

    /** Connect over TLS with this client context (certificate, key, the controller's CA). */
    public ScriptedSwitch tls(io.netty.handler.ssl.SslContext context) {
        this.tls = context;
        return this;
    }

    public ScriptedSwitch connect(InetSocketAddress controller) throws InterruptedException {
        channel = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (tls != null) {
                            ch.pipeline().addLast(tls.newHandler(ch.alloc()));
                        }
                        ch.pipeline().addLast(new LengthFieldBasedFrameDecoder(65535, 2, 2, -4, 0));
                        ch.pipeline().addLast(new SimpleChannelInboundHandler<ByteBuf>() {
                            @Override
                            protected void channelRead0(ChannelHandlerContext ctx, ByteBuf msg) throws Exception {
                                onMessage(ctx, OFFactories.getGenericReader().readFrom(msg));
                            }
                        });
                    }
                }).connect(controller).sync().channel();
        channel.writeAndFlush(encode(f.buildHello().build()));
        return this;
    }

    private ByteBuf encode(OFMessage m) {
        ByteBuf b = channel.alloc().buffer();
        m.writeTo(b);
        return b;
    }

    private void onMessage(ChannelHandlerContext ctx, OFMessage m) {
        if (m instanceof OFFeaturesRequest r) {
            var b = f.buildFeaturesReply().setXid(r.getXid()).setDatapathId(dpid).setNBuffers(0).setNTables((short) 4);
            if (f.getVersion() == OFVersion.OF_10) {
                b.setPorts(List.of(dev.weft.fakes.FakeSwitch.portDesc(f, OFPort.of(1), "eth1", false)));
            }
            reply(b.build());
        } else if (m instanceof OFPortDescStatsRequest r) {
            reply(f.buildPortDescStatsReply().setXid(r.getXid())
                    .setEntries(List.of(dev.weft.fakes.FakeSwitch.portDesc(f, OFPort.of(1), "eth1", false))).build());
        } else if (m instanceof OFEchoRequest r && !answerEchoesByResponder) {
            reply(f.buildEchoReply().setXid(r.getXid()).setData(r.getData()).build());
        } else if (m instanceof OFBarrierRequest r && answerBarriers) {
            received.add(r);
            reply(f.buildBarrierReply().setXid(r.getXid()).build());
        } else {
            if (m.getType() != org.projectfloodlight.openflow.protocol.OFType.HELLO) {
                received.add(m);
            }
            for (OFMessage r : responder.apply(m)) {
                reply(r);
            }
        }
    }

    public void send(OFMessage... ms) {
        ByteBuf b = channel.alloc().buffer();
        for (OFMessage m : ms) {
            m.writeTo(b);
        }
        channel.writeAndFlush(b);
    }

    /** Sends and waits until the bytes are in the socket (the kernel's buffers). */
    void sendNow(OFMessage... ms) {
        ByteBuf b = channel.alloc().buffer();
        for (OFMessage m : ms) {
            m.writeTo(b);
        }
        channel.writeAndFlush(b).syncUninterruptibly();
    }

    private void reply(OFMessage m) {
        channel.writeAndFlush(encode(m));
    }

    /** The next message of {@code type} the controller sent (others before it are dropped). */
    public <T extends OFMessage> T expect(Class<T> type) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (true) {
            OFMessage m = received.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (m == null) {
                throw new AssertionError("no " + type.getSimpleName() + " from the controller within 5 s");
            }
            if (type.isInstance(m)) {
                return type.cast(m);
            }
        }
    }

    Optional<OFMessage> poll(long ms) throws InterruptedException {
        return Optional.ofNullable(received.poll(ms, TimeUnit.MILLISECONDS));
    }

    /** Stop (or resume) reading what the controller sends, as a slow switch would. */
    void pauseReading(boolean pause) {
        channel.config().setAutoRead(!pause);
    }

    boolean isOpen() {
        return channel.isActive();
    }

    public boolean awaitClosed(long ms) {
        return channel.closeFuture().awaitUninterruptibly(ms);
    }

    @Override
    public void close() {
        if (channel != null) {
            channel.close().awaitUninterruptibly();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
