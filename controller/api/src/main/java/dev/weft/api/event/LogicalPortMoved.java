package dev.weft.api.event;

import dev.weft.api.tenant.Migration;
import dev.weft.api.tenant.MigrationSteps;

import java.util.Objects;
import java.util.Optional;

/**
 * A logical port migrated and its network followed: sent once the switches the move changed have
 * confirmed it (barrier), with where it came from and went to, what showed it, and how long the
 * network took to converge ({@code steps}: where that time went, when it was measured). See the
 * mobility app's {@code MobilityService} for the history.
 */
public record LogicalPortMoved(Migration migration, Optional<MigrationSteps> steps) implements NetworkEvent {
    public LogicalPortMoved {
        Objects.requireNonNull(migration, "migration");
        Objects.requireNonNull(steps, "steps");
    }

    public LogicalPortMoved(Migration migration) {
        this(migration, Optional.empty());
    }
}
