package dev.weft.sim.datapath;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.Arrays;
import org.projectfloodlight.openflow.protocol.OFBadActionCode;
import org.projectfloodlight.openflow.protocol.OFBadInstructionCode;
import org.projectfloodlight.openflow.protocol.OFBadMatchCode;
import org.projectfloodlight.openflow.protocol.OFBadRequestCode;
import org.projectfloodlight.openflow.protocol.OFErrorMsg;
import org.projectfloodlight.openflow.protocol.OFErrorType;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFFlowModFailedCode;
import org.projectfloodlight.openflow.protocol.OFGroupModFailedCode;
import org.projectfloodlight.openflow.protocol.OFHelloFailedCode;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFPortModFailedCode;
import org.projectfloodlight.openflow.protocol.OFSwitchConfigFailedCode;
import org.projectfloodlight.openflow.protocol.OFTableModFailedCode;
import org.projectfloodlight.openflow.protocol.errormsg.OFErrorMsgs;
import org.projectfloodlight.openflow.types.OFErrorCauseData;

/** Builds OpenFlow ERROR messages in the negotiated version, carrying the offending request. */
public final class ErrorMessages {
    /** The most request bytes an error carries (the spec asks for at least 64; we send it whole). */
    private static final int MAX_DATA = 0xffff - 12;

    private ErrorMessages() {
    }

    /** The wire bytes of a message, as the switch received it (Loxi round-trips losslessly). */
    public static byte[] bytesOf(OFMessage m) {
        ByteBuf buf = Unpooled.buffer();
        try {
            m.writeTo(buf);
            byte[] b = new byte[Math.min(buf.readableBytes(), MAX_DATA)];
            buf.readBytes(b);
            return b;
        } catch (RuntimeException e) {
            return new byte[0];
        } finally {
            buf.release();
        }
    }

    /** The error for {@code e}, answering {@code request}. */
    public static OFErrorMsg forRequest(OFFactory f, OfErrorException e, OFMessage request) {
        return build(f, request.getXid(), e.errorType(), e.code(), bytesOf(request));
    }

    /**
     * An error message. When the code does not exist in this OpenFlow version (e.g. BAD_PORT in
     * 1.0), falls back to BAD_REQUEST/EPERM so the controller still gets an answer.
     */
    public static OFErrorMsg build(OFFactory f, long xid, OFErrorType type, Enum<?> code, byte[] data) {
        byte[] d = data.length > MAX_DATA ? Arrays.copyOf(data, MAX_DATA) : data;
        OFErrorCauseData cause = OFErrorCauseData.of(d, f.getVersion());
        try {
            OFErrorMsg m = buildExact(f.errorMsgs(), xid, type, code, cause);
            ErrorMessages.bytesOrThrow(m);
            return m;
        } catch (IllegalArgumentException | UnsupportedOperationException | ClassCastException e) {
            return f.errorMsgs().buildBadRequestErrorMsg().setXid(xid).setCode(OFBadRequestCode.EPERM)
                    .setData(cause).build();
        }
    }

    private static void bytesOrThrow(OFMessage m) {
        ByteBuf buf = Unpooled.buffer();
        try {
            m.writeTo(buf);
        } finally {
            buf.release();
        }
    }

    private static OFErrorMsg buildExact(OFErrorMsgs e, long xid, OFErrorType type, Enum<?> code,
                                         OFErrorCauseData d) {
        return switch (type) {
            case HELLO_FAILED -> e.buildHelloFailedErrorMsg().setXid(xid).setCode((OFHelloFailedCode) code).setData(d).build();
            case BAD_REQUEST -> e.buildBadRequestErrorMsg().setXid(xid).setCode((OFBadRequestCode) code).setData(d).build();
            case BAD_ACTION -> e.buildBadActionErrorMsg().setXid(xid).setCode((OFBadActionCode) code).setData(d).build();
            case BAD_INSTRUCTION -> e.buildBadInstructionErrorMsg().setXid(xid).setCode((OFBadInstructionCode) code).setData(d).build();
            case BAD_MATCH -> e.buildBadMatchErrorMsg().setXid(xid).setCode((OFBadMatchCode) code).setData(d).build();
            case FLOW_MOD_FAILED -> e.buildFlowModFailedErrorMsg().setXid(xid).setCode((OFFlowModFailedCode) code).setData(d).build();
            case GROUP_MOD_FAILED -> e.buildGroupModFailedErrorMsg().setXid(xid).setCode((OFGroupModFailedCode) code).setData(d).build();
            case PORT_MOD_FAILED -> e.buildPortModFailedErrorMsg().setXid(xid).setCode((OFPortModFailedCode) code).setData(d).build();
            case TABLE_MOD_FAILED -> e.buildTableModFailedErrorMsg().setXid(xid).setCode((OFTableModFailedCode) code).setData(d).build();
            case SWITCH_CONFIG_FAILED -> e.buildSwitchConfigFailedErrorMsg().setXid(xid).setCode((OFSwitchConfigFailedCode) code).setData(d).build();
            default -> throw new IllegalArgumentException("no builder for " + type);
        };
    }
}
