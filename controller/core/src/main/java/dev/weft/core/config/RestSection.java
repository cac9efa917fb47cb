package dev.weft.core.config;

import java.time.Duration;

/**
 * The {@code rest:} section of the config file: the northbound HTTP API. Every key is optional.
 * See {@link dev.weft.rest.RestSettings} for the meaning and the defaults.
 *
 * @param enabled      false: no HTTP server at all
 * @param listen       HOST:PORT (default 127.0.0.1:8080)
 * @param tokenFile    a file whose content (trimmed) is the bearer token
 * @param tokenEnv     the name of an environment variable holding the bearer token
 * @param requireToken require the token even on a loopback address
 * @param privateKey   with {@code certificate}: serve HTTPS with this PEM key (as ovs-pki makes them)
 * @param certificate  the PEM certificate for {@code privateKey}
 * @param limits       what one client may take of the server (connections, time, body size)
 */
public record RestSection(Boolean enabled, String listen, String tokenFile, String tokenEnv, Boolean requireToken,
                          String privateKey, String certificate, Limits limits) {
    /** Plain HTTP. */
    public RestSection(Boolean enabled, String listen, String tokenFile, String tokenEnv, Boolean requireToken) {
        this(enabled, listen, tokenFile, tokenEnv, requireToken, null, null, null);
    }

    /** With the default limits. */
    public RestSection(Boolean enabled, String listen, String tokenFile, String tokenEnv, Boolean requireToken,
                       String privateKey, String certificate) {
        this(enabled, listen, tokenFile, tokenEnv, requireToken, privateKey, certificate, null);
    }

    /**
     * {@code rest: limits:}; every key optional (null: the default). Ranges are checked by the
     * loader ({@link ConfigRanges}), with the line of the value.
     *
     * @param maxConnections          open connections in all
     * @param maxConnectionsPerClient open connections from one client address
     * @param headerTimeout           from connecting (or the first byte of a request) to its last header line
     * @param requestTimeout          from the first byte of a request to the end of its body
     * @param idleTimeout             how long a keep-alive connection may wait for its next request
     * @param maxBodyBytes            the largest request body
     * @param maxEntriesPerRequest    how many entries (networks, ports, ...) one request may add
     * @param maxOutputBytes          the bytes of answers held for sending, across all connections
     * @param sendTimeout             how long a client may take to read one answer whole
     */
    public record Limits(Integer maxConnections, Integer maxConnectionsPerClient, Duration headerTimeout,
                         Duration requestTimeout, Duration idleTimeout, Integer maxBodyBytes,
                         Integer maxEntriesPerRequest, Integer maxOutputBytes, Duration sendTimeout) {
        /** Without the output limits (their defaults). */
        public Limits(Integer maxConnections, Integer maxConnectionsPerClient, Duration headerTimeout,
                      Duration requestTimeout, Duration idleTimeout, Integer maxBodyBytes, Integer maxEntriesPerRequest) {
            this(maxConnections, maxConnectionsPerClient, headerTimeout, requestTimeout, idleTimeout, maxBodyBytes,
                    maxEntriesPerRequest, null, null);
        }
    }
}
