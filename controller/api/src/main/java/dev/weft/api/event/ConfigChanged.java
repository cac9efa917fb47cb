package dev.weft.api.event;

import dev.weft.api.tenant.NetworkConfig;

import java.util.Objects;
import java.util.Set;

/**
 * A new valid configuration is in force (at start, or after a reload). {@code changedSegments}
 * are the logical networks that were added, removed or changed in any way (ports, addresses,
 * bindings), so apps recompute only those; {@code nodesChanged} is true when the transport nodes
 * changed (then every network may be affected).
 */
public record ConfigChanged(NetworkConfig previous, NetworkConfig current, Set<Integer> changedSegments,
                            boolean nodesChanged) implements NetworkEvent {
    public ConfigChanged {
        Objects.requireNonNull(previous, "previous");
        Objects.requireNonNull(current, "current");
        changedSegments = Set.copyOf(changedSegments);
    }
}
