package dev.weft.sim.channel;

import dev.weft.ovsext.OvsMessageReader;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageCodec;
import java.util.List;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFMessageReader;

/**
 * One framed OpenFlow message ↔ a Loxi {@link OFMessage}. A frame Loxi cannot parse becomes an
 * {@link UnparsableMessage} so the switch answers it with an ERROR instead of dropping the link.
 */
final class OfMessageCodec extends MessageToMessageCodec<ByteBuf, OFMessage> {
    private static final OFMessageReader<OFMessage> READER = OvsMessageReader.wrap(OFFactories.getGenericReader());

    @Override
    protected void encode(ChannelHandlerContext ctx, OFMessage msg, List<Object> out) {
        ByteBuf buf = ctx.alloc().buffer();
        msg.writeTo(buf);
        out.add(buf);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf frame, List<Object> out) {
        byte[] bytes = new byte[frame.readableBytes()];
        frame.getBytes(frame.readerIndex(), bytes);
        try {
            OFMessage m = READER.readFrom(frame);
            out.add(m != null ? m : new UnparsableMessage(bytes, "incomplete message"));
        } catch (Exception e) {
            out.add(new UnparsableMessage(bytes, e.toString()));
        } finally {
            frame.skipBytes(frame.readableBytes());
        }
    }
}
