package dev.weft.api.tenant;

import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.IPv4Address;

import java.util.Objects;

/**
 * A hypervisor's integration bridge and its tunnel endpoint. The tunnel towards node X is the
 * bridge port named {@link #tunnelPortTo(TransportNode) vx-X}.
 */
public record TransportNode(String name, DatapathId dpid, IPv4Address tunnelIp) {
    public TransportNode {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(dpid, "dpid");
        Objects.requireNonNull(tunnelIp, "tunnelIp");
    }

    /** The name of this node's tunnel port towards {@code remote}. */
    public String tunnelPortTo(TransportNode remote) {
        return "vx-" + remote.name();
    }
}
