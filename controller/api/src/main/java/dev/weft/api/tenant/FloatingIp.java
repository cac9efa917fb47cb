package dev.weft.api.tenant;

import org.projectfloodlight.openflow.types.IPv4Address;

import java.util.Objects;

/** An outside address translated 1:1 to a logical port's address ({@code fixedIp}, its first IP). */
public record FloatingIp(IPv4Address ip, String port, IPv4Address fixedIp) {
    public FloatingIp {
        Objects.requireNonNull(ip, "ip");
        Objects.requireNonNull(port, "port");
        Objects.requireNonNull(fixedIp, "fixedIp");
    }
}
