package dev.weft.api.event;

import dev.weft.api.tenant.LogicalPort;
import dev.weft.api.tenant.PortLocation;

import java.util.Objects;
import java.util.Optional;

/**
 * A logical port was found at a location, moved, or is gone (then {@code location} is empty).
 * {@code previous} is where it was before, if anywhere; {@code cause} says what showed it (for
 * example "port vm-web1 added", "port deleted", "switch disconnected").
 */
public record LogicalPortLocated(LogicalPort port, Optional<PortLocation> location, Optional<PortLocation> previous,
                                 String cause) implements NetworkEvent {
    public LogicalPortLocated {
        Objects.requireNonNull(port, "port");
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(previous, "previous");
        Objects.requireNonNull(cause, "cause");
    }
}
