package dev.weft.api;

import org.projectfloodlight.openflow.protocol.OFErrorMsg;
import org.projectfloodlight.openflow.protocol.errormsg.OFBadActionErrorMsg;
import org.projectfloodlight.openflow.protocol.errormsg.OFBadInstructionErrorMsg;
import org.projectfloodlight.openflow.protocol.errormsg.OFBadMatchErrorMsg;
import org.projectfloodlight.openflow.protocol.errormsg.OFBadRequestErrorMsg;
import org.projectfloodlight.openflow.protocol.errormsg.OFFlowModFailedErrorMsg;
import org.projectfloodlight.openflow.protocol.errormsg.OFGroupModFailedErrorMsg;
import org.projectfloodlight.openflow.protocol.errormsg.OFHelloFailedErrorMsg;
import org.projectfloodlight.openflow.protocol.errormsg.OFPortModFailedErrorMsg;
import org.projectfloodlight.openflow.protocol.errormsg.OFSwitchConfigFailedErrorMsg;
import org.projectfloodlight.openflow.protocol.errormsg.OFTableModFailedErrorMsg;

/** Readable text for OpenFlow ERROR messages, for logs and exceptions. */
public final class ErrorText {
    private ErrorText() {
    }

    /** The error code's name (for example {@code BAD_MATCH/BAD_FIELD}), or the type when unknown. */
    public static String describe(OFErrorMsg error) {
        Object code;
        if (error instanceof OFBadRequestErrorMsg e) {
            code = e.getCode();
        } else if (error instanceof OFBadActionErrorMsg e) {
            code = e.getCode();
        } else if (error instanceof OFBadMatchErrorMsg e) {
            code = e.getCode();
        } else if (error instanceof OFBadInstructionErrorMsg e) {
            code = e.getCode();
        } else if (error instanceof OFFlowModFailedErrorMsg e) {
            code = e.getCode();
        } else if (error instanceof OFGroupModFailedErrorMsg e) {
            code = e.getCode();
        } else if (error instanceof OFPortModFailedErrorMsg e) {
            code = e.getCode();
        } else if (error instanceof OFTableModFailedErrorMsg e) {
            code = e.getCode();
        } else if (error instanceof OFSwitchConfigFailedErrorMsg e) {
            code = e.getCode();
        } else if (error instanceof OFHelloFailedErrorMsg e) {
            code = e.getCode();
        } else {
            code = null;
        }
        return code == null ? error.getErrType().toString() : error.getErrType() + "/" + code;
    }
}
