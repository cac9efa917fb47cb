package dev.weft.api.flow;

import org.projectfloodlight.openflow.types.DatapathId;

import java.util.Map;
import java.util.Set;

/**
 * What a {@link FlowService#syncReport()} waited for: the switches that had changes to confirm,
 * how many flow-mods each was sent for them, and when each switch's barrier reply arrived
 * ({@link System#nanoTime()}). Switches whose barrier failed (disconnected, timeout) are in
 * {@code failed} instead.
 */
public record SyncReport(Map<DatapathId, Integer> flowMods, Map<DatapathId, Long> confirmedNanos,
                         Set<DatapathId> failed) {
    public static final SyncReport EMPTY = new SyncReport(Map.of(), Map.of(), Set.of());

    public SyncReport {
        flowMods = Map.copyOf(flowMods);
        confirmedNanos = Map.copyOf(confirmedNanos);
        failed = Set.copyOf(failed);
    }

    /** When the last barrier reply arrived, or {@code orElse} when nothing had to be confirmed. */
    public long lastConfirmedNanos(long orElse) {
        return confirmedNanos.values().stream().mapToLong(Long::longValue).max().orElse(orElse);
    }
}
