package dev.weft.core.openflow;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import dev.weft.core.dispatch.Dispatcher;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslContext;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Listens for switches (any number of addresses) and builds each connection's pipeline:
 * [TLS →] decoder → encoder → keepalive → handshake (replaced by the active handler when done).
 */
public final class OpenFlowServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(OpenFlowServer.class);

    /**
     * How a connection is set up; everything the pipeline needs.
     *
     * @param tls  the TLS context for {@code ssl:} listeners (empty: none may be bound)
     * @param pins which certificate may claim which datapath id
     */
    public record Options(Set<OFVersion> versions, Duration handshakeTimeout, Duration echoInterval,
                          Duration echoTimeout, boolean installTableMiss, Optional<SslContext> tls,
                          DatapathPins pins) {
        public Options(Set<OFVersion> versions, Duration handshakeTimeout, Duration echoInterval,
                       Duration echoTimeout, boolean installTableMiss) {
            this(versions, handshakeTimeout, echoInterval, echoTimeout, installTableMiss, Optional.empty(),
                    DatapathPins.NONE);
        }
    }

    /**
     * Per TLS switch, per turn of its event loop: one read of at most this many bytes (plain TCP
     * switches: {@link FairReads}). Netty's default (16 reads of up to 64 KB) let one busy switch
     * take a megabyte, thousands of packet-ins, per turn: with 128 switches on a loop, a turn of the
     * loop took seconds, so most switches got nothing in a second and everyone else's packet-ins
     * and handshakes waited behind them. A small budget makes the loop go round the switches often.
     */
    static final int READ_BUDGET = 4 * 1024;
    /**
     * Output queued for a switch above which it is not read until it drains below the low mark
     * (backpressure): bounds memory per switch to about this plus one turn's answers.
     */
    static final int WRITE_HIGH = 64 * 1024;
    static final int WRITE_LOW = 32 * 1024;

    /**
     * The switches' buffers: Netty's pooled allocator, as in Netty 4.1. Netty 4.2's default (the
     * adaptive allocator) held more after bench bursts (RSS after 1,000 cold switches on epoll
     * 432-530 MB, against 413-439 on 4.1 and 419-422 with this one; docs/benchmarks.md,
     * 2026-12-07), and PeerAbuseTest's bound on queued bytes reads this allocator's metrics.
     */
    static final PooledByteBufAllocator ALLOCATOR = PooledByteBufAllocator.DEFAULT;

    private static io.netty.channel.RecvByteBufAllocator readBudget() {
        return new io.netty.channel.AdaptiveRecvByteBufAllocator(512, 2048, READ_BUDGET).maxMessagesPerRead(1);
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
        boss = dispatcher.newGroup(1, dev.weft.core.dispatch.NamedThreads.single("weft-accept"));
        channelType = dispatcher.transport().serverChannel();
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

    /** Bind every address for plain TCP; fails (and binds nothing) if one cannot be bound. */
    public List<InetSocketAddress> bind(List<InetSocketAddress> addresses) {
        return bindAll(addresses.stream().map(ListenAddress::tcp).toList());
    }

    /** Bind every address, TCP or TLS; fails (and binds nothing) if one cannot be bound. */
    public List<InetSocketAddress> bindAll(List<ListenAddress> addresses) {
        if (addresses.stream().anyMatch(ListenAddress::tls) && options.tls().isEmpty()) {
            throw new IllegalStateException("an ssl: listener needs a TLS private key, certificate and CA certificate");
        }
        ServerBootstrap plain = bootstrap(null);
        ServerBootstrap secure = options.tls().map(this::bootstrap).orElse(null);
        List<InetSocketAddress> bound = new ArrayList<>();
        for (ListenAddress la : addresses) {
            InetSocketAddress a = la.address();
            ChannelFuture f = (la.tls() ? secure : plain).bind(a).awaitUninterruptibly();
            if (!f.isSuccess()) {
                listeners.forEach(ch -> ch.close().awaitUninterruptibly());
                listeners.clear();
                Throwable cause = f.cause();
                String why = cause.getMessage() != null && cause.getMessage().contains("Address already in use")
                        ? "address already in use (is another controller running?)" : String.valueOf(cause.getMessage());
                throw new IllegalStateException("cannot listen on " + la + ": " + why, cause);
            }
            listeners.add(f.channel());
            bound.add((InetSocketAddress) f.channel().localAddress());
        }
        log.info("listening for OpenFlow switches on {}", describe(addresses, bound));
        return bound;
    }

    private static String describe(List<ListenAddress> asked, List<InetSocketAddress> bound) {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < asked.size(); i++) {
            parts.add(new ListenAddress(bound.get(i), asked.get(i).tls()).toString());
        }
        return String.join(", ", parts);
    }

    private ServerBootstrap bootstrap(SslContext tls) {
        // Every turn of its loop, each switch with input waiting gets one read (FairReads). Netty
        // 4.2's epoll is level-triggered (4.1 had to be told: edge-triggered, a switch whose input
        // was not all read was read again only from the loop's task queue, and the switches a
        // controller answered sent more and were read first, the others could wait seconds); with
        // io_uring each switch has one receive outstanding; after a read that filled its budget
        // the next is asked for from the loop's tasks (TurnReads), so again one read per switch
        // per turn.
        ServerBootstrap b = new ServerBootstrap();
        return b
                .group(boss, dispatcher.group())
                .channel(channelType)
                .option(ChannelOption.SO_REUSEADDR, true)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.RCVBUF_ALLOCATOR, readBudget())
                .childOption(ChannelOption.ALLOCATOR, ALLOCATOR)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(WRITE_LOW, WRITE_HIGH))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (tls != null) {
                            ch.pipeline().addLast(PipelineNames.TLS, tls.newHandler(ch.alloc()));
                            ch.pipeline().addLast(PipelineNames.TLS_LOG, new TlsHandshakeLog());
                        }
                        initPipeline(ch.pipeline(), options, activator, clock, faults);
                    }
                });
    }

    static void initPipeline(ChannelPipeline p, Options o, SwitchActivator activator, Clock clock) {
        initPipeline(p, o, activator, clock, new PeerFaults.Totals());
    }

    static void initPipeline(ChannelPipeline p, Options o, SwitchActivator activator, Clock clock,
                             PeerFaults.Totals faults) {
        PeerFaults.attach(p.channel(), faults);
        if (p.channel() instanceof io.netty.channel.uring.IoUringSocketChannel) {
            p.addFirst(PipelineNames.TURN_READS, new TurnReads());
        }
        OFMessageDecoder decoder = new OFMessageDecoder();
        if (p.get(PipelineNames.TLS) == null) {
            p.channel().config().setRecvByteBufAllocator(new FairReads(decoder));
        }
        p.addLast(PipelineNames.DECODER, decoder);
        p.addLast(PipelineNames.ENCODER, OFMessageEncoder.INSTANCE);
        p.addLast(PipelineNames.KEEPALIVE, new KeepaliveHandler(o.echoInterval(), o.echoTimeout()));
        p.addLast(PipelineNames.HANDSHAKE, new HandshakeHandler(new VersionNegotiation(o.versions()),
                o.handshakeTimeout(), o.installTableMiss(), o.pins(), activator, clock));
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
