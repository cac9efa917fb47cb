package dev.weft.api.tenant;

import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;

import java.util.List;
import java.util.Objects;

/**
 * A router's way out: its address on an external network (the source of its tenant's outbound
 * traffic when {@code snat} is on) and its floating IPs (one outside address per logical port,
 * translated 1:1). {@code zone} is the connection-tracking zone of the router's translations on
 * the gateway node (unique there), also used to tag packets that arrive for it from the uplink.
 */
public record RouterGateway(String network, IPv4Address ip, MacAddress mac, boolean snat, List<FloatingIp> floatingIps,
                            int zone) {
    public static final int MAX_ZONE = 0xffff;

    public RouterGateway {
        Objects.requireNonNull(network, "network");
        Objects.requireNonNull(ip, "ip");
        Objects.requireNonNull(mac, "mac");
        floatingIps = List.copyOf(floatingIps);
        if (zone < 1 || zone > MAX_ZONE) {
            throw new IllegalArgumentException("zone must be 1.." + MAX_ZONE + ", was " + zone);
        }
    }
}
