package dev.weft.core.openflow;

import org.projectfloodlight.openflow.protocol.OFBadRequestCode;
import org.projectfloodlight.openflow.protocol.OFErrorMsg;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.types.OFErrorCauseData;

/** The ERROR a controller answers an undecodable message with (as a switch would). */
final class MalformedReplies {
    private MalformedReplies() {
    }

    static OFErrorMsg errorFor(OFFactory factory, DecodeFailure f) {
        OFBadRequestCode code = f.badVersion() ? OFBadRequestCode.BAD_VERSION : OFBadRequestCode.BAD_LEN;
        return factory.errorMsgs().buildBadRequestErrorMsg()
                .setXid(f.xid())
                .setCode(code)
                .setData(OFErrorCauseData.of(f.head(), factory.getVersion()))
                .build();
    }
}
