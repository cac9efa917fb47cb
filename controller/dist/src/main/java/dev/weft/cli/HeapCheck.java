package dev.weft.cli;

import dev.weft.api.tenant.NetworkConfig;
import java.util.Locale;
import java.util.Optional;

/**
 * Whether the JVM's heap limit fits the configured site, by {@code weft scale-bench}'s figures:
 * about 4.7 KB of heap per logical port (100,000 ports: 472 MB), 11 KB with routers (1,095 MB),
 * plus the controller itself. The launcher's default heap is 1 GB; a larger site gets a clear
 * line at startup instead of an OutOfMemoryError later.
 */
final class HeapCheck {
    static final long BASE_BYTES = 128L << 20;
    static final long PER_PORT_BYTES = 5 * 1024;
    static final long PER_ROUTED_PORT_BYTES = 11 * 1024;

    private HeapCheck() {
    }

    static long neededBytes(NetworkConfig config) {
        long perPort = config.routers().isEmpty() ? PER_PORT_BYTES : PER_ROUTED_PORT_BYTES;
        return BASE_BYTES + config.ports().size() * perPort;
    }

    /** A warning when {@code maxHeapBytes} is below what {@code config} needs, else empty. */
    static Optional<String> warning(NetworkConfig config, long maxHeapBytes) {
        long needed = neededBytes(config);
        if (maxHeapBytes >= needed) {
            return Optional.empty();
        }
        long suggestGb = Math.max(1, (needed * 3 / 2 + (1L << 30) - 1) >> 30);
        return Optional.of(String.format(Locale.ROOT, "the heap may be too small for this site: %,d logical ports%s"
                        + " need about %,d MB of heap, and this JVM may use %,d MB; start with e.g."
                        + " JAVA_OPTS=\"-XX:+UseG1GC -Xmx%dg -XX:G1PeriodicGCInterval=5000\" (README: Quick start, Memory)",
                config.ports().size(), config.routers().isEmpty() ? "" : " with " + config.routers().size() + " routers",
                needed >> 20, maxHeapBytes >> 20, suggestGb));
    }
}
