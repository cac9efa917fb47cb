package dev.weft.core.topology;

import dev.weft.core.config.TopologySection;
import dev.weft.core.hosts.HostSettings;

import java.time.Duration;
import java.util.Objects;

/**
 * Discovery and host-tracking settings ({@code topology:} in the config file).
 *
 * @param discovery     send LLDP probes and discover links; without it every working port is an
 *                      edge port at once (only safe on a network without loops)
 * @param probeInterval how often every port of every switch is probed (besides on connect and
 *                      port up)
 * @param linkTimeout   a link whose probes have not arrived for this long is removed
 * @param edgeGrace     how long after its first probe a port without a link becomes an edge port
 *                      (until then it is pending: no floods out of it)
 */
public record TopologySettings(boolean discovery, Duration probeInterval, Duration linkTimeout, Duration edgeGrace,
                               HostSettings hosts) {
    public static final TopologySettings DEFAULTS = new TopologySettings(true, Duration.ofSeconds(3),
            Duration.ofSeconds(10), Duration.ofSeconds(1), HostSettings.DEFAULTS);

    public TopologySettings {
        Objects.requireNonNull(probeInterval, "probeInterval");
        Objects.requireNonNull(linkTimeout, "linkTimeout");
        Objects.requireNonNull(edgeGrace, "edgeGrace");
        Objects.requireNonNull(hosts, "hosts");
        if (probeInterval.toMillis() < 10) {
            throw new IllegalArgumentException("probe-interval must be at least 10ms (was " + probeInterval.toMillis()
                    + "ms)");
        }
        if (linkTimeout.compareTo(probeInterval) <= 0) {
            throw new IllegalArgumentException("link-timeout (" + linkTimeout.toMillis()
                    + "ms) must be longer than probe-interval (" + probeInterval.toMillis()
                    + "ms), or every late probe would remove a link");
        }
        if (edgeGrace.isNegative()) {
            throw new IllegalArgumentException("edge-grace must not be negative");
        }
    }

    /** These settings with the keys present in a config file's {@code topology:} section. */
    public TopologySettings with(TopologySection c) {
        HostSettings h = hosts;
        TopologySection.Hosts ch = c.hosts();
        if (ch != null) {
            h = new HostSettings(ch.tracking() != null ? ch.tracking() : h.tracking(),
                    ch.timeout() != null ? ch.timeout() : h.timeout(), ch.max() != null ? ch.max() : h.max(),
                    ch.flapMoves() != null ? ch.flapMoves() : h.flapMoves(),
                    ch.flapWindow() != null ? ch.flapWindow() : h.flapWindow(),
                    ch.flapHold() != null ? ch.flapHold() : h.flapHold());
        }
        return new TopologySettings(c.discovery() != null ? c.discovery() : discovery,
                c.probeInterval() != null ? c.probeInterval() : probeInterval,
                c.linkTimeout() != null ? c.linkTimeout() : linkTimeout,
                c.edgeGrace() != null ? c.edgeGrace() : edgeGrace, h);
    }

    public TopologySettings withDiscovery(boolean d) {
        return new TopologySettings(d, probeInterval, linkTimeout, edgeGrace, hosts);
    }

    public TopologySettings withProbeInterval(Duration d) {
        return new TopologySettings(discovery, d, linkTimeout, edgeGrace, hosts);
    }

    public TopologySettings withLinkTimeout(Duration d) {
        return new TopologySettings(discovery, probeInterval, d, edgeGrace, hosts);
    }

    public TopologySettings withEdgeGrace(Duration d) {
        return new TopologySettings(discovery, probeInterval, linkTimeout, d, hosts);
    }

    public TopologySettings withHosts(HostSettings h) {
        return new TopologySettings(discovery, probeInterval, linkTimeout, edgeGrace, h);
    }
}
