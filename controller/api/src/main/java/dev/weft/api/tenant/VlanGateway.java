package dev.weft.api.tenant;

import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.OFPort;

import java.util.Objects;

/**
 * An L2 gateway: logical network {@code segment} bridged to VLAN {@code vlan} on port {@code port}
 * of transport node {@code node} (a legacy server segment behind a physical port). Frames of the
 * network leave that port tagged; tagged frames from it enter the network, isolated like any
 * port's.
 */
public record VlanGateway(String name, String network, int segment, String node, DatapathId dpid, OFPort port,
                          int vlan) {
    public VlanGateway {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(network, "network");
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(dpid, "dpid");
        Objects.requireNonNull(port, "port");
        if (vlan < 1 || vlan > 4094) {
            throw new IllegalArgumentException("vlan must be 1..4094, was " + vlan);
        }
    }
}
