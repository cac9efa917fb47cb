package dev.weft.core.openflow;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;

/**
 * An active switch's messages go straight to its {@link SwitchConnection} on the event loop that
 * read them (which is the switch's dispatch lane); what the apps send in answer is flushed once
 * when the read completes.
 */
final class ActiveSwitchHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(ActiveSwitchHandler.class);

    private final SwitchConnection conn;

    ActiveSwitchHandler(SwitchConnection conn) {
        this.conn = conn;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof OFMessage m) {
            conn.inbound(m);
        } else if (msg instanceof DecodeFailure f) {
            log.warn("{} sent an undecodable message type {} ({}); answered with an error", conn.id(), f.type(), f.reason());
            ctx.writeAndFlush(MalformedReplies.errorFor(conn.factory(), f));
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        conn.lane().flushDirty(); // one flush for everything this read produced
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
