package dev.weft.sim.datapath;

/** Per-port counters at one moment. */
public record PortCounters(long rxPackets, long txPackets, long rxBytes, long txBytes, long rxDropped,
                           long txDropped) {
}
