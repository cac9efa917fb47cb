package dev.weft.core.openflow;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.concurrent.ScheduledFuture;
import org.projectfloodlight.openflow.protocol.OFEchoReply;
import org.projectfloodlight.openflow.protocol.OFEchoRequest;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * ECHO both ways, on the I/O thread. Answers the switch's ECHO_REQUESTs at once (they never
 * wait behind a busy dispatch thread); when nothing has been read for {@code interval}, sends an
 * ECHO_REQUEST; when nothing has been read for {@code timeout}, declares the switch gone and
 * closes the connection. Any message read counts as a sign of life.
 */
final class KeepaliveHandler extends ChannelDuplexHandler {
    private static final Logger log = LoggerFactory.getLogger(KeepaliveHandler.class);

    private final long intervalNanos;
    private final long timeoutNanos;
    private volatile OFFactory factory;
    private boolean readSinceTick;
    private long idleNanos;
    private ScheduledFuture<?> tick;
    private volatile long lastEchoXid = -1;

    KeepaliveHandler(Duration interval, Duration timeout) {
        if (interval.isZero() || interval.isNegative() || timeout.compareTo(interval) < 0) {
            throw new IllegalArgumentException("echo interval must be positive and the timeout at least the interval");
        }
        this.intervalNanos = interval.toNanos();
        this.timeoutNanos = timeout.toNanos();
    }

    /** Start sending echoes with the negotiated version. */
    void negotiated(OFFactory f) {
        this.factory = f;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive()) {
            start(ctx);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        start(ctx);
        super.channelActive(ctx);
    }

    private void start(ChannelHandlerContext ctx) {
        if (tick == null) {
            tick = ctx.executor().scheduleAtFixedRate(() -> tick(ctx), intervalNanos, intervalNanos, TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (tick != null) {
            tick.cancel(false);
        }
        PeerFaults.of(ctx.channel()).summarise();
        super.channelInactive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        readSinceTick = true;
        if (msg instanceof OFEchoRequest req) {
            OFFactory f = OFFactories.getFactory(req.getVersion());
            ctx.writeAndFlush(f.buildEchoReply().setXid(req.getXid()).setData(req.getData()).build());
            return;
        }
        if (msg instanceof OFEchoReply r && r.getXid() == lastEchoXid) {
            return; // ours; replies to apps' own echo requests go on to them
        }
        ctx.fireChannelRead(msg);
    }

    private void tick(ChannelHandlerContext ctx) {
        if (readSinceTick) {
            readSinceTick = false;
            idleNanos = 0;
            return;
        }
        idleNanos += intervalNanos;
        if (idleNanos >= timeoutNanos) {
            log.warn("{} silent for {} ms (no echo reply), disconnecting", ConnectionLabel.of(ctx.channel()),
                    TimeUnit.NANOSECONDS.toMillis(idleNanos));
            ctx.close();
            return;
        }
        OFFactory f = factory;
        if (f != null) {
            OFEchoRequest echo = f.buildEchoRequest().setData(new byte[0]).build();
            lastEchoXid = echo.getXid();
            ctx.writeAndFlush(echo);
        }
    }
}
