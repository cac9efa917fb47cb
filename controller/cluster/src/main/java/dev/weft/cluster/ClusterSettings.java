package dev.weft.cluster;

import dev.weft.core.config.ClusterSection;
import dev.weft.core.config.ConfigException;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * How this instance joins its cluster (the config file's {@code cluster:} section, checked).
 *
 * @param zookeeper      ZooKeeper connect string, {@code host:port[,host:port...]} (required)
 * @param instance       this instance's id: letters, digits, {@code . _ -}, at most 64 (required)
 * @param advertise      the address peers and clients see for this instance (shown to the others;
 *                       default: the instance id)
 * @param sessionTimeout how long ZooKeeper keeps a silent instance's claims before its switches
 *                       get new masters (default 2 s; ZooKeeper clamps it to 2-20 ticks of its
 *                       {@code tickTime}, so set {@code tickTime=500} or less for 2 s)
 * @param root           where the cluster's state lives in ZooKeeper (default {@code /weft})
 */
public record ClusterSettings(String zookeeper, String instance, String advertise, Duration sessionTimeout,
                              String root) {
    public static final Duration DEFAULT_SESSION_TIMEOUT = Duration.ofSeconds(2);
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final Pattern ROOT = Pattern.compile("(/[A-Za-z0-9._-]+)+");

    public ClusterSettings {
        if (zookeeper == null || zookeeper.isBlank()) {
            throw new IllegalArgumentException("zookeeper: the ZooKeeper connect string is required (host:port,...)");
        }
        if (instance == null || !ID.matcher(instance).matches()) {
            throw new IllegalArgumentException("instance: " + (instance == null ? "required" : "'" + instance
                    + "' is not an id (letters, digits, '.', '_', '-'; at most 64)"));
        }
        advertise = advertise == null || advertise.isBlank() ? instance : advertise;
        sessionTimeout = sessionTimeout == null ? DEFAULT_SESSION_TIMEOUT : sessionTimeout;
        if (sessionTimeout.toMillis() < 100 || sessionTimeout.compareTo(Duration.ofMinutes(2)) > 0) {
            throw new IllegalArgumentException("session-timeout: " + sessionTimeout.toMillis()
                    + " ms is outside 100 ms .. 2 min");
        }
        root = root == null ? "/weft" : root;
        if (!ROOT.matcher(root).matches()) {
            throw new IllegalArgumentException("root: '" + root + "' is not a ZooKeeper path such as /weft");
        }
    }

    /** The settings of a config file's {@code cluster:} section; empty when there is none. */
    public static Optional<ClusterSettings> of(ClusterSection s, String source) {
        if (s == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(new ClusterSettings(s.zookeeper(), s.instance(), s.advertise(), s.sessionTimeout(),
                    s.root()));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(source, "cluster." + e.getMessage());
        }
    }
}
