package dev.weft.apps.securitygroups;

/**
 * {@code apps: security-groups:} in the config file.
 *
 * @param defaultBroadcastPps    packets per second each VM port may broadcast or multicast when
 *                               its own {@code rate-limit} sets no {@code broadcast-pps} (default
 *                               1000; 0: no default limit)
 * @param migrationGraceSeconds  for how long after a port moves to another hypervisor its TCP
 *                               connections are picked up there in the middle (segments without
 *                               SYN that its rules allow the other way round; default 60; 0: never)
 */
public record SecurityGroupsConfig(Long defaultBroadcastPps, Long migrationGraceSeconds) {
    public SecurityGroupsConfig {
        defaultBroadcastPps = defaultBroadcastPps == null ? 1000L : defaultBroadcastPps;
        if (defaultBroadcastPps < 0 || defaultBroadcastPps > 0xffffffffL) {
            throw new IllegalArgumentException("default-broadcast-pps must be 0..4294967295, was " + defaultBroadcastPps);
        }
        migrationGraceSeconds = migrationGraceSeconds == null ? 60L : migrationGraceSeconds;
        if (migrationGraceSeconds < 0 || migrationGraceSeconds > 3600) {
            throw new IllegalArgumentException("migration-grace-seconds must be 0..3600, was " + migrationGraceSeconds);
        }
    }
}
