package dev.weft.api.tenant;

import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;

import java.util.List;
import java.util.Objects;

/**
 * A VM's vNIC on a logical network: its identity (name, MAC, IPs) and policy (security groups,
 * rate limits) apart from where it is. Names are unique across all tenants.
 */
public record LogicalPort(String name, String tenant, String network, int segment, MacAddress mac,
                          List<IPv4Address> ips, Binding binding, PortPolicy policy) {
    public LogicalPort {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(network, "network");
        Objects.requireNonNull(mac, "mac");
        ips = List.copyOf(ips);
        Objects.requireNonNull(binding, "binding");
        Objects.requireNonNull(policy, "policy");
    }

    /** A port without policy (no security groups, no rate limits). */
    public LogicalPort(String name, String tenant, String network, int segment, MacAddress mac,
                       List<IPv4Address> ips, Binding binding) {
        this(name, tenant, network, segment, mac, ips, binding, PortPolicy.NONE);
    }
}
