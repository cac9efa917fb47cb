package dev.weft.api.tenant;

import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.IPv4AddressWithMask;

import java.util.Objects;

/**
 * A static route of a router: packets to {@code destination} go to {@code nextHop}, the address of
 * a logical port on one of the router's networks ({@code nextHopPort}; Weft knows its MAC, so no
 * address resolution is needed), on the network with segment {@code segment}.
 */
public record StaticRoute(IPv4AddressWithMask destination, IPv4Address nextHop, String nextHopPort, int segment) {
    public StaticRoute {
        Objects.requireNonNull(destination, "destination");
        Objects.requireNonNull(nextHop, "nextHop");
        Objects.requireNonNull(nextHopPort, "nextHopPort");
    }
}
