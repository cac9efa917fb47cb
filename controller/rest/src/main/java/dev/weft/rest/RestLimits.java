package dev.weft.rest;

import dev.weft.core.config.RestSection;

import java.time.Duration;

/**
 * What the HTTP server lets one client take ({@code rest: limits:} in the config file): open
 * connections in all and per client (an IPv4 address, an IPv6 /64), deadlines for a request's
 * headers and for the whole request, how long an idle keep-alive connection is kept, the largest
 * body, how many entries one request may add; and on the way out, the bytes of answers held for
 * sending across all connections and how long a client may take to read one answer. The defaults
 * suit an API used by operators, scripts and the console; a public address needs nothing more
 * (the token is checked as soon as the headers are in).
 */
public record RestLimits(int maxConnections, int maxConnectionsPerClient, Duration headerTimeout,
                         Duration requestTimeout, Duration idleTimeout, int maxBodyBytes, int maxEntriesPerRequest,
                         int maxOutputBytes, Duration sendTimeout) {
    public static final int DEFAULT_MAX_OUTPUT_BYTES = 64 << 20;
    public static final Duration DEFAULT_SEND_TIMEOUT = Duration.ofSeconds(60);
    public static final RestLimits DEFAULTS = new RestLimits(256, 32, Duration.ofSeconds(10), Duration.ofSeconds(30),
            Duration.ofSeconds(60), 1 << 20, 1000, DEFAULT_MAX_OUTPUT_BYTES, DEFAULT_SEND_TIMEOUT);

    public RestLimits {
        if (maxConnections < 1 || maxConnectionsPerClient < 1 || maxConnectionsPerClient > maxConnections) {
            throw new IllegalArgumentException("max-connections-per-client must be 1..max-connections");
        }
        if (!positive(headerTimeout) || !positive(requestTimeout) || !positive(idleTimeout) || !positive(sendTimeout)
                || requestTimeout.compareTo(headerTimeout) < 0) {
            throw new IllegalArgumentException("the timeouts must be positive, request-timeout at least header-timeout");
        }
        if (maxBodyBytes < 1 || maxEntriesPerRequest < 1 || maxOutputBytes < 1) {
            throw new IllegalArgumentException(
                    "max-body-bytes, max-entries-per-request and max-output-bytes must be positive");
        }
    }

    /** With the default output limits. */
    public RestLimits(int maxConnections, int maxConnectionsPerClient, Duration headerTimeout, Duration requestTimeout,
                      Duration idleTimeout, int maxBodyBytes, int maxEntriesPerRequest) {
        this(maxConnections, maxConnectionsPerClient, headerTimeout, requestTimeout, idleTimeout, maxBodyBytes,
                maxEntriesPerRequest, DEFAULT_MAX_OUTPUT_BYTES, DEFAULT_SEND_TIMEOUT);
    }

    /** These limits with other output limits. */
    public RestLimits withOutput(int maxOutput, Duration send) {
        return new RestLimits(maxConnections, maxConnectionsPerClient, headerTimeout, requestTimeout, idleTimeout,
                maxBodyBytes, maxEntriesPerRequest, maxOutput, send);
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
                l.maxEntriesPerRequest() != null ? l.maxEntriesPerRequest() : maxEntriesPerRequest,
                l.maxOutputBytes() != null ? l.maxOutputBytes() : maxOutputBytes,
                l.sendTimeout() != null ? l.sendTimeout() : sendTimeout);
    }
}
