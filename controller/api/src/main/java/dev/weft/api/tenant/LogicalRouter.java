package dev.weft.api.tenant;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A tenant's logical router: a port on each of the tenant's networks it joins, static routes,
 * and optionally a gateway to an external network. Routing is distributed: a packet is routed on
 * the hypervisor where it is sent, so a router exists on no single node.
 */
public record LogicalRouter(String tenant, String name, List<RouterPort> ports, List<StaticRoute> routes,
                            Optional<RouterGateway> gateway) {
    public LogicalRouter {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(name, "name");
        ports = List.copyOf(ports);
        routes = List.copyOf(routes);
        Objects.requireNonNull(gateway, "gateway");
    }

    /** {@code tenant/router}, the name used in logs and the API. */
    public String qualifiedName() {
        return tenant + "/" + name;
    }

    /** The router's port on the network with this segment id. */
    public Optional<RouterPort> port(int segment) {
        for (RouterPort p : ports) {
            if (p.segment() == segment) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }
}
