package dev.weft.core.openflow;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * Where switches connect: an address, plain TCP or TLS. Written {@code [tcp:|ssl:]HOST:PORT},
 * {@code [tcp:|ssl:]PORT} (all addresses) or {@code ssl:[IPv6]:PORT}, like Open vSwitch's
 * controller targets.
 */
public record ListenAddress(InetSocketAddress address, boolean tls) {

    public ListenAddress {
        Objects.requireNonNull(address, "address");
    }

    public static ListenAddress tcp(InetSocketAddress a) {
        return new ListenAddress(a, false);
    }

    /**
     * Parse {@code [tcp:|ssl:]ADDRESS}; the address part by {@code hostPort}, which throws
     * {@link IllegalArgumentException} for what it cannot read.
     */
    public static ListenAddress parse(String text, java.util.function.Function<String, InetSocketAddress> hostPort) {
        String t = text.trim();
        if (t.startsWith("ssl:")) {
            return new ListenAddress(hostPort.apply(t.substring(4)), true);
        }
        if (t.startsWith("tcp:")) {
            return new ListenAddress(hostPort.apply(t.substring(4)), false);
        }
        return new ListenAddress(hostPort.apply(t), false);
    }

    @Override
    public String toString() {
        String host = address.getAddress() == null ? address.getHostString() : address.getAddress().getHostAddress();
        return (tls ? "ssl:" : "tcp:") + (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
    }
}
