package dev.weft.ovsdb.rpc;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where an OVSDB server listens, written as Open vSwitch writes it: {@code tcp:HOST[:PORT]},
 * {@code ssl:HOST[:PORT]} (port 6640 when omitted) or {@code unix:PATH}. IPv6 hosts go in
 * brackets ({@code tcp:[fd00::5]:6640}).
 */
public record OvsdbAddress(Kind kind, String host, int port, Path path) {
    public static final int DEFAULT_PORT = 6640;

    public enum Kind { TCP, SSL, UNIX }

    public OvsdbAddress {
        Objects.requireNonNull(kind, "kind");
        if (kind == Kind.UNIX) {
            Objects.requireNonNull(path, "path");
        } else {
            Objects.requireNonNull(host, "host");
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port " + port + " is not 1..65535");
            }
        }
    }

    public static OvsdbAddress unix(Path socket) {
        return new OvsdbAddress(Kind.UNIX, null, 0, socket);
    }

    /**
     * Parses an address; throws {@link IllegalArgumentException} with a sentence saying what is
     * wrong and what is expected.
     */
    public static OvsdbAddress parse(String text) {
        Objects.requireNonNull(text, "text");
        String t = text.trim();
        int colon = t.indexOf(':');
        if (colon < 0) {
            throw bad(t, "no kind");
        }
        String kind = t.substring(0, colon);
        String rest = t.substring(colon + 1);
        switch (kind) {
            case "unix" -> {
                if (rest.isEmpty()) {
                    throw bad(t, "no socket path");
                }
                return unix(Path.of(rest));
            }
            case "tcp", "ssl" -> {
                String host;
                String portText = null;
                if (rest.startsWith("[")) {
                    int end = rest.indexOf(']');
                    if (end < 0) {
                        throw bad(t, "unclosed [");
                    }
                    host = rest.substring(1, end);
                    String after = rest.substring(end + 1);
                    if (!after.isEmpty()) {
                        if (!after.startsWith(":")) {
                            throw bad(t, "junk after ]");
                        }
                        portText = after.substring(1);
                    }
                } else {
                    int c = rest.lastIndexOf(':');
                    host = c < 0 ? rest : rest.substring(0, c);
                    portText = c < 0 ? null : rest.substring(c + 1);
                    if (host.contains(":")) {
                        throw bad(t, "an IPv6 host goes in brackets");
                    }
                }
                if (host.isEmpty()) {
                    throw bad(t, "no host");
                }
                int port = DEFAULT_PORT;
                if (portText != null) {
                    try {
                        port = Integer.parseInt(portText);
                    } catch (NumberFormatException e) {
                        throw bad(t, "port '" + portText + "' is not a number");
                    }
                    if (port < 1 || port > 65535) {
                        throw bad(t, "port " + port + " is not 1..65535");
                    }
                }
                return new OvsdbAddress(kind.equals("tcp") ? Kind.TCP : Kind.SSL, host, port, null);
            }
            default -> throw bad(t, "unknown kind '" + kind + "'");
        }
    }

    private static IllegalArgumentException bad(String text, String why) {
        return new IllegalArgumentException("'" + text + "' is not an OVSDB address (" + why
                + "); expected tcp:HOST[:PORT], ssl:HOST[:PORT] or unix:PATH");
    }

    @Override
    public String toString() {
        return switch (kind) {
            case UNIX -> "unix:" + path;
            case TCP, SSL -> kind.name().toLowerCase(java.util.Locale.ROOT) + ":"
                    + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        };
    }
}
