package dev.weft.rest;

import dev.weft.core.ControllerSettings;
import dev.weft.core.config.RestSection;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Where the REST API listens and how it is protected ({@code rest:} in the config file).
 *
 * <p>The rule: on a loopback address (127.0.0.0/8, ::1) the API is open to the machine's own
 * users, like the config file; on any other address a bearer token is required, and a server
 * without one refuses to exist (the constructor throws). {@code requireToken} asks for the token
 * on loopback too. The token comes from a file or an environment variable, never from a default.
 */
public record RestSettings(InetSocketAddress listen, Optional<ApiToken> token, boolean requireToken,
                           Optional<dev.weft.core.tls.PemTls> tls, RestLimits limits) {
    public static final int DEFAULT_PORT = 8080;
    public static final InetSocketAddress DEFAULT_LISTEN = new InetSocketAddress(InetAddress.getLoopbackAddress(),
            DEFAULT_PORT);

    /** Plain HTTP. */
    public RestSettings(InetSocketAddress listen, Optional<ApiToken> token, boolean requireToken) {
        this(listen, token, requireToken, Optional.empty());
    }

    /** With the default limits. */
    public RestSettings(InetSocketAddress listen, Optional<ApiToken> token, boolean requireToken,
                        Optional<dev.weft.core.tls.PemTls> tls) {
        this(listen, token, requireToken, tls, RestLimits.DEFAULTS);
    }

    /** The same settings with other limits. */
    public RestSettings withLimits(RestLimits l) {
        return new RestSettings(listen, token, requireToken, tls, l);
    }

    public RestSettings {
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(listen, "listen");
        Objects.requireNonNull(token, "token");
        if (token.isEmpty() && needsToken(listen, requireToken)) {
            throw new IllegalArgumentException(requireToken
                    ? "rest: require-token is set but no token is configured (rest: token-file FILE or token-env VARIABLE)"
                    : "the REST API would listen on " + text(listen) + ", which is not a loopback address, without "
                    + "a token; configure one (rest: token-file FILE or token-env VARIABLE) or listen on 127.0.0.1");
        }
    }

    /** 127.0.0.1:8080, no token. */
    public static RestSettings defaults() {
        return new RestSettings(DEFAULT_LISTEN, Optional.empty(), false);
    }

    /** Whether requests must carry the token. */
    public boolean tokenRequired() {
        return needsToken(listen, requireToken);
    }

    /** The address rule: a token is needed off loopback (a wildcard address is not loopback), or when asked for. */
    public static boolean needsToken(InetSocketAddress listen, boolean requireToken) {
        InetAddress a = listen.getAddress();
        return requireToken || a == null || !a.isLoopbackAddress();
    }

    static String text(InetSocketAddress a) {
        String host = a.getAddress() == null ? a.getHostString() : a.getAddress().getHostAddress();
        host = host.equals("0:0:0:0:0:0:0:0") ? "::" : host;
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    /**
     * These settings with a config file's {@code rest:} section applied; empty when it says
     * {@code enabled: false}. The token is read now: a missing file or variable is an error.
     */
    public static Optional<RestSettings> with(Optional<RestSettings> base, RestSection c, String source,
                                              Map<String, String> env) {
        if (Boolean.FALSE.equals(c.enabled())) {
            return Optional.empty();
        }
        RestSettings b = base.orElseGet(RestSettings::defaults);
        String at = "/rest/listen"; // the value an error is about, for its line
        try {
            InetSocketAddress listen = c.listen() == null ? b.listen() : parseListen(c.listen());
            Optional<ApiToken> token = b.token();
            at = c.tokenFile() != null ? "/rest/token-file" : "/rest/token-env";
            if (c.tokenFile() != null && c.tokenEnv() != null) {
                throw new IllegalArgumentException("give token-file or token-env, not both");
            }
            if (c.tokenFile() != null) {
                token = Optional.of(readTokenFile(Path.of(c.tokenFile())));
            } else if (c.tokenEnv() != null) {
                String v = env.get(c.tokenEnv());
                if (v == null || v.isBlank()) {
                    throw new IllegalArgumentException("token-env: the environment variable " + c.tokenEnv()
                            + " is not set (or empty)");
                }
                token = Optional.of(ApiToken.of(v.trim()));
            }
            boolean require = c.requireToken() != null ? c.requireToken() : b.requireToken();
            at = "/rest/private-key";
            Optional<dev.weft.core.tls.PemTls> tls = b.tls();
            if ((c.privateKey() == null) != (c.certificate() == null)) {
                throw new IllegalArgumentException("HTTPS needs both private-key and certificate");
            }
            if (c.privateKey() != null) {
                tls = Optional.of(new dev.weft.core.tls.PemTls(Path.of(c.privateKey()), Path.of(c.certificate()),
                        Optional.empty()));
            }
            at = c.listen() != null ? "/rest/listen" : c.requireToken() != null ? "/rest/require-token" : "/rest";
            return Optional.of(new RestSettings(listen, token, require, tls, b.limits().with(c.limits())));
        } catch (IllegalArgumentException e) {
            throw dev.weft.core.config.ConfigLoader.error(source, at, "rest: " + e.getMessage());
        }
    }

    /** Read a token file (its content, trimmed). */
    public static ApiToken readTokenFile(Path file) {
        try {
            String t = Files.readString(file).trim();
            if (t.isEmpty()) {
                throw new IllegalArgumentException("token-file: " + file + " is empty");
            }
            return ApiToken.of(t);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("token-file: no such file " + file);
        } catch (IOException e) {
            throw new IllegalArgumentException("token-file: cannot read " + file + ": " + e.getMessage());
        }
    }

    /** HOST:PORT, [IPv6]:PORT or PORT (then on 127.0.0.1: the API is local unless asked otherwise). */
    public static InetSocketAddress parseListen(String text) {
        String t = text.trim();
        if (t.matches("\\d+")) {
            return new InetSocketAddress(InetAddress.getLoopbackAddress(), ControllerSettings.parseListen(t).getPort());
        }
        InetSocketAddress a = ControllerSettings.parseListen(t);
        if (a.isUnresolved()) {
            throw new IllegalArgumentException("cannot resolve the host of '" + text + "'");
        }
        return a;
    }

    @Override
    public String toString() {
        return "RestSettings(" + text(listen) + (token.isPresent() ? ", token" : "") + (requireToken
                ? ", token required" : "") + ")";
    }
}
