package dev.weft.api.tenant;

import java.util.List;
import java.util.Objects;

/** A tenant: its logical networks and the routers between them. */
public record Tenant(String name, List<LogicalNetwork> networks, List<LogicalRouter> routers) {
    public Tenant {
        Objects.requireNonNull(name, "name");
        networks = List.copyOf(networks);
        routers = List.copyOf(routers);
    }

    /** A tenant without routers. */
    public Tenant(String name, List<LogicalNetwork> networks) {
        this(name, networks, List.of());
    }
}
