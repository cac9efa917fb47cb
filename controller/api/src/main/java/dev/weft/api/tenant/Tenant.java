package dev.weft.api.tenant;

import java.util.List;
import java.util.Objects;

public record Tenant(String name, List<LogicalNetwork> networks) {
    public Tenant {
        Objects.requireNonNull(name, "name");
        networks = List.copyOf(networks);
    }
}
