package dev.weft.core.openflow;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;
import org.projectfloodlight.openflow.protocol.OFBarrierReply;
import org.projectfloodlight.openflow.protocol.OFErrorMsg;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFFeaturesReply;
import org.projectfloodlight.openflow.protocol.OFHello;
import org.projectfloodlight.openflow.protocol.OFHelloFailedCode;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFPortDesc;
import org.projectfloodlight.openflow.protocol.OFPortDescStatsReply;
import org.projectfloodlight.openflow.protocol.OFStatsReplyFlags;
import org.projectfloodlight.openflow.protocol.OFType;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.errormsg.OFHelloFailedErrorMsg;
import org.projectfloodlight.openflow.types.OFBufferId;
import org.projectfloodlight.openflow.types.OFErrorCauseData;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.TableId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The controller side of the OpenFlow handshake, as a small state machine on the I/O thread:
 * HELLO (version bitmap) → FEATURES → PORT_DESC (1.3+, every REPLY_MORE part) → SET_CONFIG
 * (no-buffer miss length) → table-miss entry (1.3+) → BARRIER → active. Then the handler hands
 * the switch to the {@link SwitchActivator} and replaces itself with the active handler (the
 * POX pattern: the handshake swaps the handler table once). PACKET_IN, PORT_STATUS,
 * FLOW_REMOVED and ERROR that arrive on the way are kept (within {@link EarlyMessages}' bounds)
 * and delivered afterwards. A handshake that does not finish in time closes the connection.
 * Whatever else a peer sends (messages before its HELLO, undecodable ones) is answered with an
 * ERROR and counted; only broken framing, no common version or the timeout end the handshake.
 * While the peer does not read what we send, we do not read what it sends (bounded output).
 */
final class HandshakeHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(HandshakeHandler.class);
    /** OFPCML_NO_BUFFER: send whole packets to the controller, do not buffer them. */
    static final int NO_BUFFER_MISS_LEN = 0xffff;

    enum State { WAIT_HELLO, WAIT_FEATURES, WAIT_PORT_DESC, WAIT_BARRIER, DONE }

    private final VersionNegotiation versions;
    private final Duration timeout;
    private final boolean installTableMiss;
    private final DatapathPins pins;
    private final SwitchActivator activator;
    private final Clock clock;

    private State state = State.WAIT_HELLO;
    private OFVersion version;
    private OFFactory factory;
    private OFFeaturesReply features;
    private final EarlyMessages early = new EarlyMessages();
    /** What we sent after negotiation, so that a later ERROR can name it. */
    private final List<OFMessage> sent = new ArrayList<>();
    private long featuresXid;
    private long portDescXid;
    private long barrierXid;
    private long startNanos;
    private long helloNanos;
    private ScheduledFuture<?> timer;

    HandshakeHandler(VersionNegotiation versions, Duration timeout, boolean installTableMiss,
                     SwitchActivator activator, Clock clock) {
        this(versions, timeout, installTableMiss, DatapathPins.NONE, activator, clock);
    }

    HandshakeHandler(VersionNegotiation versions, Duration timeout, boolean installTableMiss, DatapathPins pins,
                     SwitchActivator activator, Clock clock) {
        this.versions = versions;
        this.timeout = timeout;
        this.installTableMiss = installTableMiss;
        this.pins = pins;
        this.activator = activator;
        this.clock = clock;
    }

    State state() {
        return state;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive()) {
            begin(ctx);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        begin(ctx);
        super.channelActive(ctx);
    }

    private void begin(ChannelHandlerContext ctx) {
        if (timer != null) {
            return;
        }
        startNanos = System.nanoTime();
        timer = ctx.executor().schedule(() -> timedOut(ctx), timeout.toNanos(), TimeUnit.NANOSECONDS);
        OFFactory ours = OFFactories.getFactory(versions.highest());
        OFHello hello = versions.highest() == OFVersion.OF_10
                ? ours.buildHello().build()
                : ours.buildHello().setElements(List.of(ours.buildHelloElemVersionbitmap()
                        .setBitmaps(versions.bitmap()).build())).build();
        ctx.writeAndFlush(hello);
    }

    private void timedOut(ChannelHandlerContext ctx) {
        if (state != State.DONE) {
            log.warn("{} handshake timed out after {} ms waiting for {}; closing", ConnectionLabel.of(ctx.channel()),
                    timeout.toMillis(), describe(state));
            ctx.close();
        }
    }

    private static String describe(State s) {
        return switch (s) {
            case WAIT_HELLO -> "HELLO";
            case WAIT_FEATURES -> "FEATURES_REPLY";
            case WAIT_PORT_DESC -> "PORT_DESC reply";
            case WAIT_BARRIER -> "BARRIER_REPLY";
            case DONE -> "nothing";
        };
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (timer != null) {
            timer.cancel(false);
        }
        if (state != State.DONE) {
            log.info("{} closed the connection during the handshake (waiting for {})",
                    ConnectionLabel.of(ctx.channel()), describe(state));
        }
        super.channelInactive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof FutureVersionHello fh) {
            onHello(ctx, fh.hello(), fh.wireVersion());
            return;
        }
        if (msg instanceof DecodeFailure f) {
            onDecodeFailure(ctx, f);
            return;
        }
        OFMessage m = (OFMessage) msg;
        switch (state) {
            case WAIT_HELLO -> {
                if (m instanceof OFHello h) {
                    onHello(ctx, h, h.getVersion().getWireVersion());
                } else {
                    // Not the way to start, but no reason to hang up: say so and wait for the HELLO.
                    PeerFaults.of(ctx.channel()).record(PeerFault.BEFORE_HELLO, m.getType() + " xid " + m.getXid());
                    OFFactory f = OFFactories.getFactory(m.getVersion());
                    ctx.writeAndFlush(MalformedReplies.beforeHello(f, m));
                }
            }
            case WAIT_FEATURES -> {
                if (m instanceof OFFeaturesReply fr && fr.getXid() == featuresXid) {
                    onFeatures(ctx, fr);
                } else {
                    other(ctx, m);
                }
            }
            case WAIT_PORT_DESC -> {
                if (m instanceof OFPortDescStatsReply pd && pd.getXid() == portDescXid) {
                    addPorts(ctx, pd.getEntries());
                    if (!pd.getFlags().contains(OFStatsReplyFlags.REPLY_MORE)) {
                        step(ctx, "PORT_DESC reply");
                        configure(ctx);
                    }
                } else {
                    other(ctx, m);
                }
            }
            case WAIT_BARRIER -> {
                if (m instanceof OFBarrierReply br && br.getXid() == barrierXid) {
                    activate(ctx);
                } else {
                    other(ctx, m);
                }
            }
            case DONE -> ctx.fireChannelRead(m);
        }
    }

    private void onHello(ChannelHandlerContext ctx, OFHello hello, int peerWire) {
        if (state != State.WAIT_HELLO) {
            log.debug("{} sent a second HELLO; ignored", ConnectionLabel.of(ctx.channel()));
            return;
        }
        helloNanos = System.nanoTime() - startNanos;
        Optional<OFVersion> v = versions.negotiate(hello, peerWire);
        if (v.isEmpty()) {
            String offer = VersionNegotiation.describeOffer(hello, peerWire);
            String text = "no common OpenFlow version: switch offers " + offer + ", controller supports "
                    + versions.describeSupported();
            log.warn("{} {}; closing", ConnectionLabel.of(ctx.channel()), text);
            // Answer in a version the switch understands: its own, if Loxi knows it.
            OFFactory f = OFFactories.getFactory(peerWire <= OFVersion.OF_15.getWireVersion()
                    ? wireToVersion(peerWire) : versions.highest());
            OFHelloFailedErrorMsg err = f.errorMsgs().buildHelloFailedErrorMsg()
                    .setCode(OFHelloFailedCode.INCOMPATIBLE)
                    .setData(OFErrorCauseData.of(text.getBytes(StandardCharsets.US_ASCII), f.getVersion()))
                    .build();
            state = State.DONE;
            ctx.writeAndFlush(err).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        version = v.get();
        factory = OFFactories.getFactory(version);
        var decoder = ctx.pipeline().get(OFMessageDecoder.class);
        if (decoder != null) {
            decoder.negotiated(version);
        }
        var keepalive = ctx.pipeline().get(KeepaliveHandler.class);
        if (keepalive != null) {
            keepalive.negotiated(factory);
        }
        var req = factory.buildFeaturesRequest().build();
        featuresXid = req.getXid();
        state = State.WAIT_FEATURES;
        ctx.writeAndFlush(req);
    }

    private static OFVersion wireToVersion(int wire) {
        for (OFVersion v : OFVersion.values()) {
            if (v.getWireVersion() == wire) {
                return v;
            }
        }
        return OFVersion.OF_10;
    }

    private void onFeatures(ChannelHandlerContext ctx, OFFeaturesReply fr) {
        features = fr;
        step(ctx, "FEATURES_REPLY");
        Optional<String> refused = pins.refusal(fr.getDatapathId(), peerCertificate(ctx));
        if (refused.isPresent()) {
            log.warn("{} from {} refused: {}", fr.getDatapathId(), ctx.channel().remoteAddress(), refused.get());
            state = State.DONE;
            timer.cancel(false);
            ctx.close();
            return;
        }
        ConnectionLabel.set(ctx.channel(), fr.getDatapathId().toString());
        if (version.compareTo(OFVersion.OF_13) < 0) {
            addPorts(ctx, fr.getPorts());
            configure(ctx);
        } else {
            var req = factory.buildPortDescStatsRequest().build();
            portDescXid = req.getXid();
            state = State.WAIT_PORT_DESC;
            ctx.writeAndFlush(req);
        }
    }

    /** The certificate the switch presented, when the connection is TLS. */
    private static Optional<java.security.cert.X509Certificate> peerCertificate(ChannelHandlerContext ctx) {
        var tls = ctx.pipeline().get(io.netty.handler.ssl.SslHandler.class);
        if (tls == null) {
            return Optional.empty();
        }
        try {
            var chain = tls.engine().getSession().getPeerCertificates();
            return chain.length > 0 && chain[0] instanceof java.security.cert.X509Certificate x
                    ? Optional.of(x) : Optional.empty();
        } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
            return Optional.empty();
        }
    }

    private void configure(ChannelHandlerContext ctx) {
        OFMessage setConfig = factory.buildSetConfig().setMissSendLen(NO_BUFFER_MISS_LEN).build();
        sent.add(setConfig);
        ctx.write(setConfig);
        if (installTableMiss) {
            // OpenFlow 1.3 drops table misses by default; send them to the controller instead. On
            // 1.0 this is the default behaviour, but the explicit entry is still sent: a flow-table
            // change makes Open vSwitch revalidate the datapath flows it cached while it had no
            // controller (they drop misses), which otherwise blackhole traffic after a reconnect.
            var miss = factory.buildFlowAdd()
                    .setPriority(0)
                    .setBufferId(OFBufferId.NO_BUFFER)
                    .setMatch(factory.buildMatch().build())
                    .setActions(List.of(factory.actions().output(OFPort.CONTROLLER, NO_BUFFER_MISS_LEN)));
            if (version.compareTo(OFVersion.OF_13) >= 0) {
                miss.setTableId(TableId.of(0));
            }
            OFMessage m = miss.build();
            sent.add(m);
            ctx.write(m);
        }
        var barrier = factory.buildBarrierRequest().build();
        barrierXid = barrier.getXid();
        sent.add(barrier);
        state = State.WAIT_BARRIER;
        ctx.writeAndFlush(barrier);
        // Active now, not at the BARRIER_REPLY: the switch applies what we sent in order anyway,
        // and a switch that sends packet-ins right after its FEATURES_REPLY (cbench does; so does
        // any busy switch) queues the reply behind all of them. Waiting for it left such switches
        // in the handshake for seconds, unserved, their packet-ins piling up in memory.
        activate(ctx);
    }

    private void activate(ChannelHandlerContext ctx) {
        step(ctx, "BARRIER_REPLY");
        state = State.DONE;
        timer.cancel(false);
        long took = System.nanoTime() - startNanos;
        HandshakeResult result = new HandshakeResult(version, factory, features, early.ports(), early.queued(), sent,
                clock.instant(), took, helloNanos);
        if (ctx.channel().config().getRecvByteBufAllocator() instanceof FairReads reads) {
            reads.handshakeDone();
        }
        SwitchConnection conn = activator.activate(ctx.channel(), result);
        ctx.pipeline().replace(this, PipelineNames.ACTIVE, new ActiveSwitchHandler(conn));
        conn.updateAutoRead(); // from now on the connection decides when to read
    }

    private void addPorts(ChannelHandlerContext ctx, List<OFPortDesc> more) {
        int ignored = early.addPorts(more);
        if (ignored > 0) {
            PeerFaults.of(ctx.channel()).record(PeerFault.TOO_MANY_PORTS, ignored + " ports beyond the first "
                    + EarlyMessages.MAX_PORTS);
        }
    }

    /** Read from the peer only while it reads from us: its echoes and errors cannot pile up here. */
    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        ctx.channel().config().setAutoRead(ctx.channel().isWritable());
        super.channelWritabilityChanged(ctx);
    }

    private void step(ChannelHandlerContext ctx, String what) {
        if (log.isDebugEnabled()) {
            log.debug("{} {} after {} ms", ConnectionLabel.of(ctx.channel()), what,
                    String.format("%.1f", (System.nanoTime() - startNanos) / 1e6));
        }
    }

    /** A message that is not the next step of the handshake. */
    private void other(ChannelHandlerContext ctx, OFMessage m) {
        OFType t = m.getType();
        switch (t) {
            case PACKET_IN, PORT_STATUS, FLOW_REMOVED -> keep(ctx, m);
            case ERROR -> {
                OFErrorMsg e = (OFErrorMsg) m;
                if (e.getXid() == featuresXid || e.getXid() == portDescXid) {
                    log.warn("{} rejected the handshake request xid {}: {}; closing", ConnectionLabel.of(ctx.channel()),
                            e.getXid(), dev.weft.api.ErrorText.describe(e));
                    ctx.close();
                } else {
                    log.debug("{} error during the handshake: {} (xid {}); delivered afterwards",
                            ConnectionLabel.of(ctx.channel()), dev.weft.api.ErrorText.describe(e), e.getXid());
                    keep(ctx, m);
                }
            }
            default -> log.debug("{} ignored {} during the handshake", ConnectionLabel.of(ctx.channel()), t);
        }
    }

    private void keep(ChannelHandlerContext ctx, OFMessage m) {
        if (!early.queue(m)) {
            PeerFaults.of(ctx.channel()).record(PeerFault.HANDSHAKE_QUEUE_FULL, m.getType() + " dropped; "
                    + early.queued().size() + " messages (" + early.queuedBytes() + " bytes) kept already");
        }
    }

    /** For tests: how much is kept for after the handshake. */
    int queuedBytes() {
        return early.queuedBytes();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof java.io.IOException) {
            log.info("{} connection error during the handshake: {}", ConnectionLabel.of(ctx.channel()), cause.getMessage());
        } else {
            log.warn("{} protocol error during the handshake: {}; closing", ConnectionLabel.of(ctx.channel()),
                    cause.getMessage());
        }
        ctx.close();
    }

    private void onDecodeFailure(ChannelHandlerContext ctx, DecodeFailure f) {
        // Before negotiation, answer in the frame's own version if it is one we know, else ours.
        OFFactory f0 = factory != null ? factory : OFFactories.getFactory(
                f.wireVersion() >= 1 && f.wireVersion() <= OFVersion.OF_15.getWireVersion()
                        ? wireToVersion(f.wireVersion()) : versions.highest());
        ctx.writeAndFlush(MalformedReplies.errorFor(f0, f));
        PeerFaults.of(ctx.channel()).record(f.badVersion() ? PeerFault.WRONG_VERSION : PeerFault.UNDECODABLE,
                MalformedReplies.describe(f));
    }
}
