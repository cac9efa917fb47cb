package dev.weft.apps.securitygroups;

/**
 * {@code apps: security-groups:} in the config file.
 *
 * @param defaultBroadcastPps packets per second each VM port may broadcast or multicast when its
 *                            own {@code rate-limit} sets no {@code broadcast-pps} (default 1000;
 *                            0: no default limit)
 */
public record SecurityGroupsConfig(Long defaultBroadcastPps) {
    public SecurityGroupsConfig {
        defaultBroadcastPps = defaultBroadcastPps == null ? 1000L : defaultBroadcastPps;
        if (defaultBroadcastPps < 0 || defaultBroadcastPps > 0xffffffffL) {
            throw new IllegalArgumentException("default-broadcast-pps must be 0..4294967295, was " + defaultBroadcastPps);
        }
    }
}
