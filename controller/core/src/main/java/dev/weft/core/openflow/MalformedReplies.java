package dev.weft.core.openflow;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.projectfloodlight.openflow.protocol.OFBadRequestCode;
import org.projectfloodlight.openflow.protocol.OFErrorMsg;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.types.OFErrorCauseData;

/**
 * The ERROR a controller answers a message it cannot take with, as a switch would (OpenFlow
 * 1.3.5 section 6.4: BAD_REQUEST, with at least the first 64 bytes of the offending message).
 */
final class MalformedReplies {
    static final int CAUSE_BYTES = 64;

    private MalformedReplies() {
    }

    /** BAD_VERSION for a message in another version than the negotiated one, BAD_LEN otherwise. */
    static OFErrorMsg errorFor(OFFactory factory, DecodeFailure f) {
        OFBadRequestCode code = f.badVersion() ? OFBadRequestCode.BAD_VERSION : OFBadRequestCode.BAD_LEN;
        return factory.errorMsgs().buildBadRequestErrorMsg()
                .setXid(f.xid())
                .setCode(code)
                .setData(OFErrorCauseData.of(f.head(), factory.getVersion()))
                .build();
    }

    /** BAD_TYPE for a message that is not HELLO before the HELLO (not allowed in that state). */
    static OFErrorMsg beforeHello(OFFactory factory, OFMessage m) {
        ByteBuf b = Unpooled.buffer();
        byte[] head;
        try {
            m.writeTo(b);
            head = ByteBufUtil.getBytes(b, 0, Math.min(CAUSE_BYTES, b.readableBytes()));
        } catch (RuntimeException e) {
            head = new byte[0];
        } finally {
            b.release();
        }
        return factory.errorMsgs().buildBadRequestErrorMsg()
                .setXid(m.getXid())
                .setCode(OFBadRequestCode.BAD_TYPE)
                .setData(OFErrorCauseData.of(head, factory.getVersion()))
                .build();
    }

    /** For the log: the frame's version, type, xid and why it did not decode. */
    static String describe(DecodeFailure f) {
        return "version " + f.wireVersion() + ", type " + f.type() + ", xid " + f.xid() + ": " + f.reason();
    }
}
