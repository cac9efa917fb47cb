package dev.weft.core.openflow;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import dev.weft.core.dispatch.Dispatcher;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Listens for switches (any number of addresses) and builds each connection's pipeline:
 * decoder → encoder → keepalive → handshake (replaced by the active handler when done).
 */
public final class OpenFlowServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(OpenFlowServer.class);

    /** How a connection is set up; everything the pipeline needs. */
    public record Options(Set<OFVersion> versions, Duration handshakeTimeout, Duration echoInterval,
                          Duration echoTimeout, boolean installTableMiss) {
    }

    private final Options options;
    private final SwitchActivator activator;
    private final Clock clock;
    private final EventLoopGroup boss;
    private final Dispatcher dispatcher;
    private final Class<? extends ServerChannel> channelType;
    private final List<Channel> listeners = new ArrayList<>();
    private final PeerFaults.Totals faults = new PeerFaults.Totals();

    /** Connections are served on the dispatcher's lanes (their event loops). */
    public OpenFlowServer(Options options, SwitchManager switches, Dispatcher dispatcher, Clock clock) {
        this.options = options;
        this.activator = switches;
        this.clock = clock;
        new VersionNegotiation(options.versions()); // fail fast on an empty version set
        warmUp(options.versions());
        this.dispatcher = dispatcher;
        if (dispatcher.epoll()) {
            boss = new EpollEventLoopGroup(1, dev.weft.core.dispatch.NamedThreads.single("weft-accept"));
            channelType = EpollServerSocketChannel.class;
        } else {
            boss = new NioEventLoopGroup(1, dev.weft.core.dispatch.NamedThreads.single("weft-accept"));
            channelType = NioServerSocketChannel.class;
        }
    }

    /**
     * Initialise Loxi's classes for the enabled versions now, not in the first switch's handshake
     * (on a cold JVM that costs tens of milliseconds on an I/O thread).
     */
    private static void warmUp(java.util.Set<OFVersion> versions) {
        for (OFVersion v : versions) {
            var f = org.projectfloodlight.openflow.protocol.OFFactories.getFactory(v);
            var buf = io.netty.buffer.Unpooled.buffer();
            try {
                f.buildHello().build().writeTo(buf);
                f.buildFeaturesRequest().build().writeTo(buf);
                f.buildBarrierRequest().build().writeTo(buf);
                var reader = f.getReader();
                while (buf.isReadable()) {
                    reader.readFrom(buf);
                }
            } catch (Exception e) {
                log.debug("Loxi warm-up for {} failed: {}", v, e.toString());
            } finally {
                buf.release();
            }
        }
    }

    /** Bind every address; fails (and binds nothing) if one cannot be bound. */
    public List<InetSocketAddress> bind(List<InetSocketAddress> addresses) {
        ServerBootstrap b = new ServerBootstrap()
                .group(boss, dispatcher.group())
                .channel(channelType)
                .option(ChannelOption.SO_REUSEADDR, true)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(256 * 1024, 1024 * 1024))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        initPipeline(ch.pipeline(), options, activator, clock, faults);
                    }
                });
        List<InetSocketAddress> bound = new ArrayList<>();
        for (InetSocketAddress a : addresses) {
            ChannelFuture f = b.bind(a).awaitUninterruptibly();
            if (!f.isSuccess()) {
                listeners.forEach(ch -> ch.close().awaitUninterruptibly());
                listeners.clear();
                Throwable cause = f.cause();
                String why = cause.getMessage() != null && cause.getMessage().contains("Address already in use")
                        ? "address already in use (is another controller running?)" : String.valueOf(cause.getMessage());
                throw new IllegalStateException("cannot listen on " + a + ": " + why, cause);
            }
            listeners.add(f.channel());
            bound.add((InetSocketAddress) f.channel().localAddress());
        }
        log.info("listening for OpenFlow switches on {}", bound);
        return bound;
    }

    static void initPipeline(ChannelPipeline p, Options o, SwitchActivator activator, Clock clock) {
        initPipeline(p, o, activator, clock, new PeerFaults.Totals());
    }

    static void initPipeline(ChannelPipeline p, Options o, SwitchActivator activator, Clock clock,
                             PeerFaults.Totals faults) {
        PeerFaults.attach(p.channel(), faults);
        p.addLast(PipelineNames.DECODER, new OFMessageDecoder());
        p.addLast(PipelineNames.ENCODER, OFMessageEncoder.INSTANCE);
        p.addLast(PipelineNames.KEEPALIVE, new KeepaliveHandler(o.echoInterval(), o.echoTimeout()));
        p.addLast(PipelineNames.HANDSHAKE, new HandshakeHandler(new VersionNegotiation(o.versions()),
                o.handshakeTimeout(), o.installTableMiss(), activator, clock));
    }

    /** What peers got wrong, in total since the start, by kind (kinds never seen are absent). */
    public java.util.Map<PeerFault, Long> peerFaults() {
        return faults.snapshot();
    }

    @Override
    public void close() {
        listeners.forEach(ch -> ch.close().syncUninterruptibly());
        listeners.clear();
        boss.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
