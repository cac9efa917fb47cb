package dev.weft.api.tenant;

import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.IPv4AddressWithMask;
import org.projectfloodlight.openflow.types.MacAddress;

import java.util.Objects;

/**
 * A router's interface on one logical network: its address there (inside the network's subnet,
 * the VMs' default gateway) and its MAC.
 */
public record RouterPort(String network, int segment, IPv4Address ip, IPv4AddressWithMask subnet, MacAddress mac) {
    public RouterPort {
        Objects.requireNonNull(network, "network");
        Objects.requireNonNull(ip, "ip");
        Objects.requireNonNull(subnet, "subnet");
        Objects.requireNonNull(mac, "mac");
    }
}
