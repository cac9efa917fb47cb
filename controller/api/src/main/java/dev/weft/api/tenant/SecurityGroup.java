package dev.weft.api.tenant;

import java.util.List;
import java.util.Objects;

/**
 * A tenant's named set of {@link SecurityRule}s. Logical ports list the groups they are in; a port
 * in at least one group receives only what some rule of its groups allows (default deny ingress)
 * and sends anything unless its groups have egress rules, then only what those allow. Names are
 * unique within a tenant; two tenants may use the same names.
 */
public record SecurityGroup(String tenant, String name, List<SecurityRule> rules) {
    public SecurityGroup {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(name, "name");
        rules = List.copyOf(rules);
    }

    /** {@code tenant/group}, the name used in logs and the API. */
    public String qualifiedName() {
        return tenant + "/" + name;
    }
}
