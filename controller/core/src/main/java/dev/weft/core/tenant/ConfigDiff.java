package dev.weft.core.tenant;

import dev.weft.api.tenant.LogicalNetwork;
import dev.weft.api.tenant.NetworkConfig;

import java.util.HashSet;
import java.util.Objects;
import java.util.Set;

/** What changed between two configurations, per logical network. */
public final class ConfigDiff {
    private ConfigDiff() {
    }

    /** Segments added, removed, or whose network differs in any way (name, subnet, ports). */
    public static Set<Integer> changedSegments(NetworkConfig before, NetworkConfig after) {
        Set<Integer> changed = new HashSet<>();
        for (LogicalNetwork n : after.networks()) {
            if (!Objects.equals(before.network(n.segment()).orElse(null), n)) {
                changed.add(n.segment());
            }
        }
        for (LogicalNetwork n : before.networks()) {
            if (after.network(n.segment()).isEmpty()) {
                changed.add(n.segment());
            }
        }
        return changed;
    }
}
