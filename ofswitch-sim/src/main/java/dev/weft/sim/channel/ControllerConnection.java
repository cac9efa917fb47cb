package dev.weft.sim.channel;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.projectfloodlight.openflow.protocol.OFBadRequestCode;
import org.projectfloodlight.openflow.protocol.OFErrorType;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFHello;
import org.projectfloodlight.openflow.protocol.OFHelloFailedCode;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFType;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A switch's TCP connection to its controller: connects, says HELLO, negotiates the version,
 * answers malformed input with an ERROR, probes a silent controller with ECHO_REQUEST, and
 * reconnects with exponential backoff whenever the connection fails or closes (until
 * {@link #stop()}). Thread-safe; {@link #send} may be called from any thread.
 */
public final class ControllerConnection {
    private static final Logger log = LoggerFactory.getLogger(ControllerConnection.class);
    private static final int MAX_MESSAGE = 0xffff;

    private final InetSocketAddress controller;
    private final EventLoopGroup io;
    private final SwitchSide side;
    private final ConnectionConfig config;
    private volatile boolean running;
    private volatile Channel channel;
    private volatile OFVersion version;
    private Duration backoff;
    /** Bumped by start() and stop(), so callbacks of an earlier run cannot start a second connection. */
    private int generation;

    public ControllerConnection(InetSocketAddress controller, EventLoopGroup io, SwitchSide side, ConnectionConfig config) {
        this.controller = controller;
        this.io = io;
        this.side = side;
        this.config = config;
        this.backoff = config.initialBackoff();
    }

    /** Starts connecting (and keeps reconnecting until stopped). */
    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        generation++;
        backoff = config.initialBackoff();
        connect(generation);
    }

    /** Closes the connection and stops reconnecting. */
    public synchronized void stop() {
        running = false;
        generation++;
        Channel c = channel;
        if (c != null) {
            c.close();
        }
    }

    /** The controller's address. */
    public InetSocketAddress controller() {
        return controller;
    }

    /** True once HELLO negotiation is done on the current connection. */
    public boolean isActive() {
        Channel c = channel;
        return c != null && c.isActive() && version != null;
    }

    /** The negotiated version of the current connection, or null. */
    public OFVersion version() {
        return version;
    }

    /** Sends a message if connected; otherwise drops it (as a switch does without a controller). */
    public void send(OFMessage m) {
        Channel c = channel;
        if (c != null && c.isActive()) {
            c.writeAndFlush(m, c.voidPromise());
        }
    }

    private synchronized boolean current(int gen) {
        return running && gen == generation;
    }

    private void connect(int gen) {
        if (!current(gen)) {
            return;
        }
        Bootstrap b = new Bootstrap().group(io).channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 2000)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        long echo = config.echoInterval().toMillis();
                        if (echo > 0) {
                            ch.pipeline().addLast("idle", new IdleStateHandler(echo, 0, 0, TimeUnit.MILLISECONDS));
                        }
                        ch.pipeline().addLast("framer", new LengthFieldBasedFrameDecoder(MAX_MESSAGE, 2, 2, -4, 0))
                                .addLast("codec", new OfMessageCodec())
                                .addLast("switch", new Handler());
                    }
                });
        ChannelFuture f = b.connect(controller);
        f.addListener(done -> {
            if (!done.isSuccess()) {
                log.debug("{}: cannot connect to {}: {}", side.name(), controller, done.cause().toString());
                scheduleReconnect(gen);
            } else if (!current(gen)) {
                f.channel().close(); // stopped (or restarted) while connecting
            } else {
                f.channel().closeFuture().addListener(closed -> scheduleReconnect(gen));
            }
        });
    }

    private synchronized void scheduleReconnect(int gen) {
        if (!current(gen)) {
            return;
        }
        Duration d = backoff;
        Duration doubled = backoff.multipliedBy(2);
        backoff = doubled.compareTo(config.maxBackoff()) > 0 ? config.maxBackoff() : doubled;
        io.schedule(() -> connect(gen), d.toMillis(), TimeUnit.MILLISECONDS);
    }

    private final class Handler extends SimpleChannelInboundHandler<Object> {
        private boolean echoOutstanding;
        private OFVersion negotiated;

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            channel = ctx.channel();
            version = null;
            ctx.writeAndFlush(VersionNegotiation.hello(side.versions()));
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
            echoOutstanding = false;
            if (msg instanceof UnparsableMessage u) {
                unparsable(ctx, u);
            } else if (negotiated == null) {
                OFMessage m = (OFMessage) msg;
                if (m.getType() == OFType.HELLO) {
                    agree(ctx, VersionNegotiation.negotiate(side.versions(), (OFHello) m), m.getVersion().toString());
                } else {
                    log.debug("{}: ignoring {} before HELLO", side.name(), m.getType());
                }
            } else {
                side.message(ControllerConnection.this, (OFMessage) msg);
            }
        }

        private void agree(ChannelHandlerContext ctx, OFVersion v, String theirs) {
            if (v == null) {
                log.info("{}: no common OpenFlow version with controller (it offers {}, we offer {})", side.name(),
                        theirs, side.versions());
                OFVersion mine = VersionNegotiation.highest(side.versions());
                ctx.writeAndFlush(OFFactories.getFactory(mine).errorMsgs().buildHelloFailedErrorMsg()
                        .setCode(OFHelloFailedCode.INCOMPATIBLE)
                        .setData(org.projectfloodlight.openflow.types.OFErrorCauseData.of(
                                ("no common version; switch offers " + side.versions()).getBytes(), mine)).build())
                        .addListener(x -> ctx.close());
                return;
            }
            negotiated = v;
            version = v;
            synchronized (ControllerConnection.this) {
                backoff = config.initialBackoff();
            }
            side.connected(ControllerConnection.this, v);
        }

        private void unparsable(ChannelHandlerContext ctx, UnparsableMessage u) {
            if (negotiated == null && u.type() == 0) {
                // a HELLO of a version Loxi does not know (e.g. newer than 1.5): agree on our highest
                agree(ctx, VersionNegotiation.highest(side.versions()), "wire version " + u.version());
                return;
            }
            OFVersion v = negotiated != null ? negotiated : VersionNegotiation.highest(side.versions());
            log.debug("{}: unparsable message from controller: {}", side.name(), u.reason());
            OFBadRequestCode code = u.version() != v.getWireVersion() ? OFBadRequestCode.BAD_VERSION
                    : u.type() > 29 ? OFBadRequestCode.BAD_TYPE : OFBadRequestCode.BAD_LEN;
            ctx.writeAndFlush(dev.weft.sim.datapath.ErrorMessages.build(OFFactories.getFactory(v), u.xid(),
                    OFErrorType.BAD_REQUEST, code, u.bytes()));
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt instanceof IdleStateEvent) {
                if (echoOutstanding || negotiated == null) {
                    log.info("{}: controller silent, disconnecting", side.name());
                    ctx.close();
                } else {
                    echoOutstanding = true;
                    ctx.writeAndFlush(OFFactories.getFactory(negotiated).buildEchoRequest().setXid(0x5e1f)
                            .setData(new byte[0]).build());
                }
            } else {
                super.userEventTriggered(ctx, evt);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            boolean wasActive = negotiated != null;
            negotiated = null;
            version = null;
            if (channel == ctx.channel()) {
                channel = null;
            }
            if (wasActive) {
                side.disconnected(ControllerConnection.this);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.debug("{}: connection error: {}", side.name(), cause.toString());
            ctx.close();
        }
    }
}
