package dev.weft.api.tenant;

import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.IPv4AddressWithMask;
import org.projectfloodlight.openflow.types.MacAddress;

import java.util.Objects;
import java.util.Optional;

/**
 * The outside world as a router sees it: a subnet reached through the uplink port (an OVS
 * interface name) of a gateway transport node, with the outside router at {@code gateway} (the
 * next hop of everything not inside a tenant). Its MAC is configured or learned by ARP.
 */
public record ExternalNetwork(String name, String node, DatapathId dpid, String uplink, IPv4AddressWithMask subnet,
                              IPv4Address gateway, Optional<MacAddress> gatewayMac) {
    public ExternalNetwork {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(dpid, "dpid");
        Objects.requireNonNull(uplink, "uplink");
        Objects.requireNonNull(subnet, "subnet");
        Objects.requireNonNull(gateway, "gateway");
        Objects.requireNonNull(gatewayMac, "gatewayMac");
    }
}
