package dev.weft.core.openflow;

import dev.weft.core.dispatch.IoTurn;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;

/**
 * An active switch's messages go straight to its {@link SwitchConnection} on the event loop that
 * read them (which is the switch's dispatch lane); what the apps send in answer is flushed once,
 * with the answers to the other switches read in the same turn of the loop ({@link IoTurn}).
 */
final class ActiveSwitchHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(ActiveSwitchHandler.class);

    private final SwitchConnection conn;
    private boolean unflushed;

    ActiveSwitchHandler(SwitchConnection conn) {
        this.conn = conn;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof OFMessage m) {
            conn.inbound(m);
        } else if (msg instanceof DecodeFailure f) {
            PeerFaults.of(ctx.channel()).record(f.badVersion() ? PeerFault.WRONG_VERSION : PeerFault.UNDECODABLE,
                    MalformedReplies.describe(f));
            ctx.write(MalformedReplies.errorFor(conn.factory(), f)); // flushed when the read completes
            unflushed = true;
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        IoTurn.flushAtTurnEnd(conn.lane()); // one flush for everything this turn's reads produced
        if (unflushed) {
            unflushed = false;
            ctx.flush(); // and the errors written here
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
            ctx.close();
            return;
        }
        // Not the peer's bytes (the decoder never throws on them): a fault of ours while reading.
        // The message is lost; the switch stays connected.
        PeerFaults.of(ctx.channel()).record(PeerFault.UNEXPECTED, "processing failed: " + cause);
        log.debug("{} processing failed", conn.id(), cause);
    }
}
