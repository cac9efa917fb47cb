package dev.weft.api.tenant;

import org.projectfloodlight.openflow.types.IPv4AddressWithMask;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A tenant's L2 network, identified on the wire by its 24-bit segment id (the VXLAN VNI), with
 * DHCP when configured.
 */
public record LogicalNetwork(String tenant, String name, int segment, Optional<IPv4AddressWithMask> subnet,
                             List<LogicalPort> ports, Optional<DhcpSettings> dhcp) {
    public static final int MAX_SEGMENT = (1 << 24) - 1;

    public LogicalNetwork {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(name, "name");
        if (segment < 1 || segment > MAX_SEGMENT) {
            throw new IllegalArgumentException("segment must be 1.." + MAX_SEGMENT + ", was " + segment);
        }
        Objects.requireNonNull(subnet, "subnet");
        ports = List.copyOf(ports);
        Objects.requireNonNull(dhcp, "dhcp");
    }

    /** A network without DHCP. */
    public LogicalNetwork(String tenant, String name, int segment, Optional<IPv4AddressWithMask> subnet,
                          List<LogicalPort> ports) {
        this(tenant, name, segment, subnet, ports, Optional.empty());
    }

    /** {@code tenant/network}, the name used in logs and the API. */
    public String qualifiedName() {
        return tenant + "/" + name;
    }
}
