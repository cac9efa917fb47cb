package dev.weft.core.openflow;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;
import org.projectfloodlight.openflow.protocol.OFMessage;

/**
 * Writes Loxi messages. Batches encoded by a dispatch thread arrive as ready {@link ByteBuf}s
 * and pass through untouched.
 */
@ChannelHandler.Sharable
final class OFMessageEncoder extends MessageToByteEncoder<OFMessage> {
    static final OFMessageEncoder INSTANCE = new OFMessageEncoder();

    private OFMessageEncoder() {
        super(OFMessage.class);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, OFMessage msg, ByteBuf out) {
        msg.writeTo(out);
    }
}
