package dev.weft.ovsext;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.projectfloodlight.openflow.exceptions.OFParseError;
import org.projectfloodlight.openflow.protocol.OFObject;
import org.projectfloodlight.openflow.protocol.action.OFAction;

import java.util.List;

/** Hex in, hex out: the golden bytes in these tests are what {@code ovs-ofctl} itself sent. */
final class Bytes {
    private Bytes() {
    }

    static String hex(OFObject o) {
        ByteBuf b = Unpooled.buffer();
        o.writeTo(b);
        return ByteBufUtil.hexDump(b);
    }

    static ByteBuf buf(String hex) {
        return Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump(hex.replace(" ", "")));
    }

    /** The actions in {@code hex}, as the reader decodes an apply-actions list. */
    static List<OFAction> actions(String hex) throws OFParseError {
        return ActionReader.read(buf(hex), 0);
    }

    static OFAction action(String hex) throws OFParseError {
        List<OFAction> l = actions(hex);
        if (l.size() != 1) {
            throw new AssertionError("expected one action, got " + l);
        }
        return l.get(0);
    }
}
