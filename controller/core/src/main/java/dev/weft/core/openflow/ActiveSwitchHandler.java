package dev.weft.core.openflow;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;

/**
 * The I/O-thread side of an active switch: collects the messages decoded from one read into a
 * batch and hands the batch to the switch's dispatch lane when the read completes. Nothing here
 * blocks; when too much is queued, the switch's connection stops reading (backpressure).
 */
final class ActiveSwitchHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(ActiveSwitchHandler.class);

    private final SwitchConnection conn;
    private ArrayList<OFMessage> batch = new ArrayList<>();

    ActiveSwitchHandler(SwitchConnection conn) {
        this.conn = conn;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof OFMessage m) {
            batch.add(m);
        } else if (msg instanceof DecodeFailure f) {
            log.warn("{} sent an undecodable message type {} ({}); answered with an error", conn.id(), f.type(), f.reason());
            ctx.writeAndFlush(MalformedReplies.errorFor(conn.factory(), f));
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (!batch.isEmpty()) {
            ArrayList<OFMessage> b = batch;
            batch = new ArrayList<>(Math.max(8, b.size()));
            conn.deliver(b);
        }
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        conn.updateAutoRead();
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        conn.closed("connection closed");
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException) {
            log.info("{} connection error: {}", conn.id(), cause.getMessage());
        } else {
            log.warn("{} connection error; closing", conn.id(), cause);
        }
        ctx.close();
    }
}
