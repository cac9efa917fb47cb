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

    /** Everything the controller wrote, decoded; frames Loxi cannot read back are skipped. */
    static List<OFMessage> drainLenient(EmbeddedChannel ch) {
        List<OFMessage> out = new ArrayList<>();
        Object o;
        while ((o = ch.readOutbound()) != null) {
            ByteBuf b = (ByteBuf) o;
            try {
                while (b.readableBytes() >= 8) {
                    int len = b.getUnsignedShort(b.readerIndex() + 2);
                    ByteBuf one = b.readSlice(Math.min(Math.max(len, 8), b.readableBytes()));
                    try {
                        out.add(OFFactories.getGenericReader().readFrom(one));
                    } catch (Exception e) {
                        // e.g. an ERROR quoting bytes Loxi rejects; not what the caller looks for
                    }
                }
            } finally {
                b.release();
            }
        }
        return out;
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
