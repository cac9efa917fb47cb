package dev.weft.api.tenant;

import java.util.List;
import java.util.Objects;

/**
 * A logical port's policy, which travels with it: the security groups it is in (names of its
 * tenant's groups; none means no filtering at all, as before security groups existed) and its
 * rate limits.
 */
public record PortPolicy(List<String> securityGroups, RateLimit rateLimit) {
    public static final PortPolicy NONE = new PortPolicy(List.of(), RateLimit.NONE);

    public PortPolicy {
        securityGroups = List.copyOf(securityGroups);
        Objects.requireNonNull(rateLimit, "rateLimit");
    }

    /** True when the port's traffic is filtered by security groups. */
    public boolean filtered() {
        return !securityGroups.isEmpty();
    }
}
