package dev.weft.core.config;

import java.util.Set;

/**
 * The outcome of a config reload: applied (with the logical networks it changed), unchanged, or
 * rejected (with the same message the log shows; the running configuration is untouched).
 */
public record ReloadResult(Outcome outcome, String message, Set<Integer> changedSegments) {
    public enum Outcome { APPLIED, UNCHANGED, REJECTED }

    public ReloadResult {
        changedSegments = Set.copyOf(changedSegments);
    }

    public boolean applied() {
        return outcome == Outcome.APPLIED;
    }
}
