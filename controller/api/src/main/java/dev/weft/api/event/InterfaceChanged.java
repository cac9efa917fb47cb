package dev.weft.api.event;

import dev.weft.api.tenant.LogicalPort;
import dev.weft.api.tenant.PortLocation;

import java.time.Instant;
import java.util.Objects;

/**
 * A switch port whose name binds a logical port ({@code binding: { interface: NAME }}) appeared on
 * a transport node ({@code present}) or disappeared from it: what PORT_DESC (when the switch
 * connects) and PORT_STATUS show. The core sends it on the control lane whoever locates logical
 * ports, also again for every such port present when the configuration changes.
 *
 * <p>{@code seenAt} / {@code seenNanos} are when the message that showed it arrived from the switch
 * ({@code seenNanos} is {@link System#nanoTime()}, for measuring convergence), {@code seenOn} the
 * thread that read it ("" if not known).
 */
public record InterfaceChanged(LogicalPort port, PortLocation at, boolean present, String cause, Instant seenAt,
                               long seenNanos, String seenOn) implements NetworkEvent {
    public InterfaceChanged {
        Objects.requireNonNull(port, "port");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(cause, "cause");
        Objects.requireNonNull(seenAt, "seenAt");
        Objects.requireNonNull(seenOn, "seenOn");
    }

    public InterfaceChanged(LogicalPort port, PortLocation at, boolean present, String cause, Instant seenAt,
                            long seenNanos) {
        this(port, at, present, cause, seenAt, seenNanos, "");
    }
}
