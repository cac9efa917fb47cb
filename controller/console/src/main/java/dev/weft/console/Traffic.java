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

    /**
     * A logical port's counters and rates (bytes per second; 0 on the first read). {@code fresh}
     * is false when this read could not count it (not located, its switch did not answer, it was
     * moving): the counters are then those of the last read that did ({@code known}), or zero
     * when none has yet.
     */
    record Port(String tenant, String network, PortCounters counters, double txBytesPerSecond,
                double rxBytesPerSecond, boolean fresh, boolean known) {
        Port(String tenant, String network, PortCounters counters, double tx, double rx, boolean fresh) {
            this(tenant, network, counters, tx, rx, fresh, fresh);
        }
    }

    /**
     * A tenant's counters (the sum of its ports') and rates. {@code complete} is false while some
     * of its ports have never been counted (after a start, before their hypervisors reported).
     */
    record Sum(PortCounters counters, double txBytesPerSecond, double rxBytesPerSecond, boolean complete) {
    }
}
