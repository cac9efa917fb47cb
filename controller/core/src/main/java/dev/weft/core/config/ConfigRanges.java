package dev.weft.core.config;

import java.time.Duration;

/**
 * The ranges of the values of the {@code controller:} and {@code rest: limits:} sections, checked
 * when the file is read so that an error names the file, the line and the column of the value.
 * A timer of zero breaks every switch connection ({@code echo-interval: 0s}) or every handshake
 * ({@code handshake-timeout: 0ms}); these are refused here, not discovered at run time.
 */
final class ConfigRanges {
    /** The controller's defaults for the timers checked against each other (see ControllerSettings). */
    static final Duration DEFAULT_ECHO_INTERVAL = Duration.ofSeconds(5);
    static final Duration DEFAULT_ECHO_TIMEOUT = Duration.ofSeconds(15);
    static final Duration DEFAULT_HEADER_TIMEOUT = Duration.ofSeconds(10);
    static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);

    private final ConfigPlaces places;

    private ConfigRanges(ConfigPlaces places) {
        this.places = places;
    }

    static void check(ConfigPlaces places, ControllerSection c, RestSection rest) {
        ConfigRanges r = new ConfigRanges(places);
        if (c != null) {
            r.controller(c);
        }
        if (rest != null && rest.limits() != null) {
            r.limits(rest.limits());
        }
    }

    private void controller(ControllerSection c) {
        String at = "/controller/";
        whole(at + "dispatch-threads", c.dispatchThreads(), 1, 256, "threads that run the apps");
        within(at + "echo-interval", c.echoInterval(), ms(100), Duration.ofMinutes(10),
                "how often an idle switch is sent an echo request");
        within(at + "echo-timeout", c.echoTimeout(), ms(100), Duration.ofHours(1),
                "how long a switch may stay silent before it is dropped");
        Duration interval = c.echoInterval() == null ? DEFAULT_ECHO_INTERVAL : c.echoInterval();
        Duration timeout = c.echoTimeout() == null ? DEFAULT_ECHO_TIMEOUT : c.echoTimeout();
        if (timeout.compareTo(interval) < 0) {
            String key = c.echoTimeout() != null ? "echo-timeout" : "echo-interval";
            throw places.error(at + key, "echo-timeout (" + Durations.format(timeout)
                    + (c.echoTimeout() == null ? ", the default" : "") + ") must be at least echo-interval ("
                    + Durations.format(interval) + (c.echoInterval() == null ? ", the default" : "")
                    + "): a switch is dropped only after it missed an echo");
        }
        within(at + "handshake-timeout", c.handshakeTimeout(), ms(100), Duration.ofMinutes(10),
                "how long a connecting switch has to finish the handshake");
        within(at + "request-timeout", c.requestTimeout(), ms(100), Duration.ofMinutes(10),
                "how long a switch has to answer a request");
        if (c.flowAuditInterval() != null && !c.flowAuditInterval().isZero()) {
            within(at + "flow-audit-interval", c.flowAuditInterval(), Duration.ofSeconds(1), Duration.ofDays(1),
                    "how often every switch's flow table is re-read; 0s turns the audit off");
        }
        within(at + "startup-hold", c.startupHold(), Duration.ZERO, Duration.ofHours(1),
                "how long flows wait at start for every transport node to connect");
        within(at + "takeover-probe-timeout", c.takeoverProbeTimeout(), ms(100), Duration.ofMinutes(1),
                "how long a connected switch has to answer before a newcomer with its datapath id replaces it");
    }

    private void limits(RestSection.Limits l) {
        String at = "/rest/limits/";
        whole(at + "max-connections", l.maxConnections(), 1, 10_000, "open connections to the API in all");
        int max = l.maxConnections() == null ? Integer.MAX_VALUE : l.maxConnections();
        whole(at + "max-connections-per-client", l.maxConnectionsPerClient(), 1, Math.min(max, 10_000),
                "open connections from one client address; at most max-connections");
        within(at + "header-timeout", l.headerTimeout(), ms(100), Duration.ofMinutes(5),
                "from connecting (or a request's first byte) to its last header line");
        Duration header = l.headerTimeout() == null ? DEFAULT_HEADER_TIMEOUT : l.headerTimeout();
        within(at + "request-timeout", l.requestTimeout(), ms(100), Duration.ofHours(1),
                "from a request's first byte to the end of its body");
        Duration request = l.requestTimeout() == null ? DEFAULT_REQUEST_TIMEOUT : l.requestTimeout();
        if (request.compareTo(header) < 0) {
            String key = l.requestTimeout() != null ? "request-timeout" : "header-timeout";
            throw places.error(at + key, "request-timeout (" + Durations.format(request) + ") must be at least "
                    + "header-timeout (" + Durations.format(header) + "): the headers are part of the request");
        }
        within(at + "idle-timeout", l.idleTimeout(), Duration.ofSeconds(1), Duration.ofHours(1),
                "how long a keep-alive connection may wait for its next request");
        whole(at + "max-body-bytes", l.maxBodyBytes(), 1024, 64 << 20, "the largest request body");
        whole(at + "max-entries-per-request", l.maxEntriesPerRequest(), 1, 100_000,
                "how many entries (networks, ports, ...) one request may add");
        whole(at + "max-output-bytes", l.maxOutputBytes(), 1 << 20, 1 << 30,
                "the bytes of answers held for sending, across all connections");
        within(at + "send-timeout", l.sendTimeout(), Duration.ofSeconds(1), Duration.ofHours(1),
                "how long a client may take to read one answer whole");
    }

    private static Duration ms(long n) {
        return Duration.ofMillis(n);
    }

    private void within(String pointer, Duration d, Duration min, Duration max, String what) {
        if (d != null && (d.compareTo(min) < 0 || d.compareTo(max) > 0)) {
            throw places.error(pointer, Durations.format(d) + " is out of range: it must be from "
                    + Durations.format(min) + " to " + Durations.format(max) + " (" + what + ")");
        }
    }

    private void whole(String pointer, Integer n, int min, int max, String what) {
        if (n != null && (n < min || n > max)) {
            throw places.error(pointer, n + " is out of range: it must be from " + min + " to " + max
                    + " (" + what + ")");
        }
    }
}
