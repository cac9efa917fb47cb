package dev.weft.api;

import org.projectfloodlight.openflow.protocol.OFErrorMsg;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.types.DatapathId;

/** A switch answered a request with an OpenFlow ERROR message. */
public final class SwitchErrorException extends RuntimeException {
    private final transient OFErrorMsg error;
    private final transient OFMessage request;

    public SwitchErrorException(DatapathId dpid, OFErrorMsg error, OFMessage request) {
        super(dpid + " answered " + (request == null ? "a request" : request.getType()) + " xid "
                + error.getXid() + " with " + ErrorText.describe(error));
        this.error = error;
        this.request = request;
    }

    public OFErrorMsg error() {
        return error;
    }

    /** The request the switch rejected, when the controller still knew it. */
    public OFMessage request() {
        return request;
    }
}
