package dev.weft.rest;

import dev.weft.core.config.RestSection;

import java.time.Duration;

/**
 * What the HTTP server lets one client take ({@code rest: limits:} in the config file): open
 * connections in all and per client address, deadlines for a request's headers and for the whole
 * request, how long an idle keep-alive connection is kept, the largest body, and how many entries
 * one request may add. The defaults suit an API used by operators, scripts and the console; a
 * public address needs nothing more (the token is checked as soon as the headers are in).
 */
public record RestLimits(int maxConnections, int maxConnectionsPerClient, Duration headerTimeout,
                         Duration requestTimeout, Duration idleTimeout, int maxBodyBytes, int maxEntriesPerRequest) {
    public static final RestLimits DEFAULTS = new RestLimits(256, 32, Duration.ofSeconds(10), Duration.ofSeconds(30),
            Duration.ofSeconds(60), 1 << 20, 1000);

    public RestLimits {
        if (maxConnections < 1 || maxConnectionsPerClient < 1 || maxConnectionsPerClient > maxConnections) {
            throw new IllegalArgumentException("max-connections-per-client must be 1..max-connections");
        }
        if (!positive(headerTimeout) || !positive(requestTimeout) || !positive(idleTimeout)
                || requestTimeout.compareTo(headerTimeout) < 0) {
            throw new IllegalArgumentException("the timeouts must be positive, request-timeout at least header-timeout");
        }
        if (maxBodyBytes < 1 || maxEntriesPerRequest < 1) {
            throw new IllegalArgumentException("max-body-bytes and max-entries-per-request must be positive");
        }
    }

    private static boolean positive(Duration d) {
        return d != null && !d.isNegative() && !d.isZero();
    }

    /** These limits with the values a config file's {@code rest: limits:} gives (the loader checked their ranges). */
    public RestLimits with(RestSection.Limits l) {
        if (l == null) {
            return this;
        }
        int max = l.maxConnections() != null ? l.maxConnections() : maxConnections;
        int perClient = l.maxConnectionsPerClient() != null ? l.maxConnectionsPerClient()
                : Math.min(maxConnectionsPerClient, max);
        return new RestLimits(max, perClient,
                l.headerTimeout() != null ? l.headerTimeout() : headerTimeout,
                l.requestTimeout() != null ? l.requestTimeout() : requestTimeout,
                l.idleTimeout() != null ? l.idleTimeout() : idleTimeout,
                l.maxBodyBytes() != null ? l.maxBodyBytes() : maxBodyBytes,
                l.maxEntriesPerRequest() != null ? l.maxEntriesPerRequest() : maxEntriesPerRequest);
    }
}
