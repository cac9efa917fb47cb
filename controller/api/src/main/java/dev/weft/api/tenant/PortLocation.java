package dev.weft.api.tenant;

import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.OFPort;

import java.util.Objects;

/** Where a logical port is plugged in right now: a switch and a port number. */
public record PortLocation(DatapathId dpid, OFPort port) {
    public PortLocation {
        Objects.requireNonNull(dpid, "dpid");
        Objects.requireNonNull(port, "port");
    }

    @Override
    public String toString() {
        return dpid + "/" + port;
    }
}
