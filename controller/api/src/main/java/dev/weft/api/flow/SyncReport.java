package dev.weft.api.flow;

import org.projectfloodlight.openflow.types.DatapathId;

import java.util.Map;
import java.util.Set;

/**
 * What a {@link FlowService#syncReport()} did and waited for: the flow-mods it sent to each switch
 * (the changes that were due), and when the barrier reply of each switch it waited for arrived
 * ({@link System#nanoTime()}): those it sent to, and those with changes sent earlier that were not
 * confirmed yet (their flow-mods are counted by whoever sent them). Switches whose barrier failed
 * (disconnected, timeout) are in {@code failed} instead. {@code sentNanos}: when the flow-mods
 * were handed to the switches (the controller's part of a convergence ends there);
 * {@code writtenNanos}: when each switch's connection wrote the last batch it confirmed here
 * (encoded and flushed to the socket, on the switch's lane), and {@code writtenOn} the name of
 * the thread that wrote it.
 */
public record SyncReport(Map<DatapathId, Integer> flowMods, Map<DatapathId, Long> confirmedNanos,
                         Set<DatapathId> failed, long sentNanos, Map<DatapathId, Long> writtenNanos,
                         Map<DatapathId, String> writtenOn) {
    public static final SyncReport EMPTY = new SyncReport(Map.of(), Map.of(), Set.of(), 0, Map.of(), Map.of());

    public SyncReport {
        flowMods = Map.copyOf(flowMods);
        confirmedNanos = Map.copyOf(confirmedNanos);
        failed = Set.copyOf(failed);
        writtenNanos = Map.copyOf(writtenNanos);
        writtenOn = Map.copyOf(writtenOn);
    }

    public SyncReport(Map<DatapathId, Integer> flowMods, Map<DatapathId, Long> confirmedNanos,
                      Set<DatapathId> failed, long sentNanos, Map<DatapathId, Long> writtenNanos) {
        this(flowMods, confirmedNanos, failed, sentNanos, writtenNanos, Map.of());
    }

    public SyncReport(Map<DatapathId, Integer> flowMods, Map<DatapathId, Long> confirmedNanos,
                      Set<DatapathId> failed, long sentNanos) {
        this(flowMods, confirmedNanos, failed, sentNanos, Map.of());
    }

    /** When the last barrier reply arrived, or {@code orElse} when nothing had to be confirmed. */
    public long lastConfirmedNanos(long orElse) {
        return confirmedNanos.values().stream().mapToLong(Long::longValue).max().orElse(orElse);
    }
}
