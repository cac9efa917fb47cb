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
 * @param seenOn         the thread that read that message ("" if not known)
 * @param decidedOn      the thread on which the mobility app decided
 * @param writtenOn      per switch, the thread that wrote its batch
 */
public record MigrationSteps(long seenNanos, long locatedNanos, long sentNanos, Map<DatapathId, Long> writtenNanos,
                             Map<DatapathId, Long> confirmedNanos, String seenOn, String decidedOn,
                             Map<DatapathId, String> writtenOn) {
    public MigrationSteps {
        writtenNanos = Map.copyOf(writtenNanos);
        confirmedNanos = Map.copyOf(confirmedNanos);
        writtenOn = Map.copyOf(writtenOn);
    }

    public MigrationSteps(long seenNanos, long locatedNanos, long sentNanos, Map<DatapathId, Long> writtenNanos,
                          Map<DatapathId, Long> confirmedNanos) {
        this(seenNanos, locatedNanos, sentNanos, writtenNanos, confirmedNanos, "", "", Map.of());
    }

    /**
     * How many times the move passed from one thread to another between reading the report and
     * writing {@code dpid}'s batch (0: decided and written on the thread that read it; each hand-over
     * is a wait for a CPU on a busy machine); -1 when a thread is not known.
     */
    public int handOffs(DatapathId dpid) {
        String written = writtenOn.get(dpid);
        if (seenOn.isEmpty() || decidedOn.isEmpty() || written == null) {
            return -1;
        }
        return (seenOn.equals(decidedOn) ? 0 : 1) + (decidedOn.equals(written) ? 0 : 1);
    }
}
