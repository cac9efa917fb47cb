package dev.weft.sim.bench;

/** How a simulated switch decides when to send the next packet-in (cbench's two modes). */
public enum BenchMode {
    /** One packet-in outstanding per switch; the next is sent when a response arrives. */
    LATENCY,
    /** Keep the connection's send buffer full (cbench {@code -t}). */
    THROUGHPUT;

    String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
