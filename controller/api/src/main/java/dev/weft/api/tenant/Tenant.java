package dev.weft.api.tenant;

import java.util.List;
import java.util.Objects;

/** A tenant: its logical networks, the routers between them and its security groups. */
public record Tenant(String name, List<LogicalNetwork> networks, List<LogicalRouter> routers,
                     List<SecurityGroup> securityGroups) {
    public Tenant {
        Objects.requireNonNull(name, "name");
        networks = List.copyOf(networks);
        routers = List.copyOf(routers);
        securityGroups = List.copyOf(securityGroups);
    }

    /** A tenant without security groups. */
    public Tenant(String name, List<LogicalNetwork> networks, List<LogicalRouter> routers) {
        this(name, networks, routers, List.of());
    }

    /** A tenant without routers. */
    public Tenant(String name, List<LogicalNetwork> networks) {
        this(name, networks, List.of());
    }
}
