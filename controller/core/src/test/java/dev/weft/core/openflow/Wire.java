package dev.weft.core.openflow;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFMessage;

import java.util.ArrayList;
import java.util.List;

/** Encoding and decoding for tests that play the switch. */
final class Wire {
    private Wire() {
    }

    static ByteBuf encode(OFMessage... messages) {
        ByteBuf b = Unpooled.buffer();
        for (OFMessage m : messages) {
            m.writeTo(b);
        }
        return b;
    }

    /** Everything the controller wrote to the channel so far, decoded. */
    static List<OFMessage> drain(EmbeddedChannel ch) {
        List<OFMessage> out = new ArrayList<>();
        Object o;
        while ((o = ch.readOutbound()) != null) {
            ByteBuf b = (ByteBuf) o;
            try {
                while (b.isReadable()) {
                    out.add(OFFactories.getGenericReader().readFrom(b));
                }
            } catch (Exception e) {
                throw new AssertionError("controller wrote an undecodable message", e);
            } finally {
                b.release();
            }
        }
        return out;
    }
}
