package dev.weft.api.event;

import dev.weft.api.tenant.Migration;

import java.util.Objects;

/**
 * A logical port migrated and its network followed: sent once the switches the move changed have
 * confirmed it (barrier), with where it came from and went to, what showed it, and how long the
 * network took to converge. See the mobility app's {@code MobilityService} for the history.
 */
public record LogicalPortMoved(Migration migration) implements NetworkEvent {
    public LogicalPortMoved {
        Objects.requireNonNull(migration, "migration");
    }
}
