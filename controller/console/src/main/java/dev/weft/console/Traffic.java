package dev.weft.console;

import dev.weft.apps.mobility.api.PortCounters;

import java.time.Instant;
import java.util.Map;

/**
 * What the last read of the flow statistics found: every logical port's counters (summed over
 * its moves) and their rates since the read before, and each tenant's sum.
 *
 * @param at        when the read completed
 * @param available false when this controller cannot count (no mobility app): all empty
 * @param ports     by logical port name, in the config's order
 * @param tenants   by tenant name, in the config's order
 */
record Traffic(Instant at, boolean available, Map<String, Port> ports, Map<String, Sum> tenants) {
    static final Traffic NONE = new Traffic(Instant.EPOCH, false, Map.of(), Map.of());

    /** A logical port's counters and rates (bytes per second; 0 on the first read). */
    record Port(String tenant, String network, PortCounters counters, double txBytesPerSecond,
                double rxBytesPerSecond) {
    }

    /** A tenant's counters (the sum of its ports') and rates. */
    record Sum(PortCounters counters, double txBytesPerSecond, double rxBytesPerSecond) {
    }
}
