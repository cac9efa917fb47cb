package dev.weft.api.tenant;

import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * DHCP on a logical network, resolved: the server's address and MAC (the router's port on the
 * network when there is one), the default gateway offered (that router port), DNS servers, the
 * MTU offered to VMs (their frames travel in VXLAN, which adds 50 bytes) and the lease time.
 * Addresses are each port's configured one; ports configured without one got theirs from
 * {@code range} when the configuration was read.
 */
public record DhcpSettings(IPv4Address server, MacAddress serverMac, Optional<IPv4Address> gateway,
                           List<IPv4Address> dns, Duration lease, int mtu, Optional<String> domain,
                           Optional<IPv4Address> rangeStart, Optional<IPv4Address> rangeEnd) {
    public static final int DEFAULT_MTU = 1450;
    public static final Duration DEFAULT_LEASE = Duration.ofHours(1);

    public DhcpSettings {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(serverMac, "serverMac");
        Objects.requireNonNull(gateway, "gateway");
        dns = List.copyOf(dns);
        Objects.requireNonNull(lease, "lease");
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(rangeStart, "rangeStart");
        Objects.requireNonNull(rangeEnd, "rangeEnd");
    }
}
