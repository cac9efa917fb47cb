package dev.weft.sim.datapath;

import org.projectfloodlight.openflow.protocol.OFErrorType;

/**
 * A request the switch rejects, with the OpenFlow error type and code to answer it with.
 * {@code code} is the Loxi code enum of that type (e.g. {@code OFBadActionCode.BAD_OUT_PORT}).
 */
public final class OfErrorException extends Exception {
    private final OFErrorType errorType;
    private final Enum<?> code;

    public OfErrorException(OFErrorType errorType, Enum<?> code, String why) {
        super(errorType + "/" + code + ": " + why, null, false, false);
        this.errorType = errorType;
        this.code = code;
    }

    public OFErrorType errorType() {
        return errorType;
    }

    public Enum<?> code() {
        return code;
    }
}
