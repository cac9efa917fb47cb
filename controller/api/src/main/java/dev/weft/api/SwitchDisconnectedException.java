package dev.weft.api;

import org.projectfloodlight.openflow.types.DatapathId;

/** The switch disconnected before it answered. */
public final class SwitchDisconnectedException extends RuntimeException {
    public SwitchDisconnectedException(DatapathId dpid) {
        super(dpid + " disconnected before answering");
    }
}
