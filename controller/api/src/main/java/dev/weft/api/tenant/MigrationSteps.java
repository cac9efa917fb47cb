package dev.weft.api.tenant;

import org.projectfloodlight.openflow.types.DatapathId;

import java.util.Map;

/**
 * Where a migration's time went, as {@link System#nanoTime()} stamps of this process (for
 * measurements and the debug log; not kept in the history).
 *
 * @param seenNanos      the message that showed the new location arrived (PORT_STATUS read, OVSDB
 *                       update read, packet-in read)
 * @param locatedNanos   the mobility app decided and had the core relocate the port
 * @param sentNanos      the flow-mods of every switch were handed to the switches' lanes
 * @param writtenNanos   per switch, when its lane encoded the batch and the barrier (flushed as
 *                       that task ended)
 * @param confirmedNanos per switch, when its barrier reply arrived
 */
public record MigrationSteps(long seenNanos, long locatedNanos, long sentNanos, Map<DatapathId, Long> writtenNanos,
                             Map<DatapathId, Long> confirmedNanos) {
    public MigrationSteps {
        writtenNanos = Map.copyOf(writtenNanos);
        confirmedNanos = Map.copyOf(confirmedNanos);
    }
}
