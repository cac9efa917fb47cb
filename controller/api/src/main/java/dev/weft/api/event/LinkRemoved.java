package dev.weft.api.event;

import dev.weft.api.topology.Link;

import java.util.Objects;

/** A directed link is gone. */
public record LinkRemoved(Link link, Reason reason) implements NetworkEvent {
    public enum Reason {
        /** A port at either end went down (link down or administratively down). */
        PORT_DOWN,
        /** A port at either end was deleted from its switch. */
        PORT_DELETED,
        /** A switch at either end disconnected from the controller. */
        SWITCH_DISCONNECTED,
        /** Its probes stopped arriving for longer than {@code topology: link-timeout}. */
        EXPIRED
    }

    public LinkRemoved {
        Objects.requireNonNull(link, "link");
        Objects.requireNonNull(reason, "reason");
    }
}
