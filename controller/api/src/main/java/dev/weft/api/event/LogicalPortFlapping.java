package dev.weft.api.event;

import dev.weft.api.tenant.LogicalPort;
import dev.weft.api.tenant.PortLocation;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A logical port moved too often (the mobility app's {@code flap-moves} within {@code flap-window}):
 * a VM running twice, or a port bouncing between hypervisors. Its location is frozen at
 * {@code keptAt} (empty: nowhere) until {@code dampedUntil}; {@code seenAt} is where it was seen
 * last. Then it is located from what the switches show at that time.
 */
public record LogicalPortFlapping(LogicalPort port, Optional<PortLocation> keptAt, PortLocation seenAt,
                                  Instant dampedUntil) implements NetworkEvent {
    public LogicalPortFlapping {
        Objects.requireNonNull(port, "port");
        Objects.requireNonNull(keptAt, "keptAt");
        Objects.requireNonNull(seenAt, "seenAt");
        Objects.requireNonNull(dampedUntil, "dampedUntil");
    }
}
