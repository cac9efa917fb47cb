package dev.weft.api.event;

import dev.weft.api.host.Host;
import dev.weft.api.topology.SwitchPort;

import java.time.Instant;
import java.util.Objects;

/**
 * A host moved too often (more than {@code topology: hosts: flap-moves} times within
 * {@code flap-window}: a MAC cloned on two ports, or a loop outside the controller's view). Its
 * location is frozen at {@code host.location()} until {@code dampedUntil}: sightings elsewhere
 * are ignored and no {@link HostMoved} is sent, so apps do not thrash flows.
 */
public record HostFlapping(Host host, SwitchPort seenAt, Instant dampedUntil) implements NetworkEvent {
    public HostFlapping {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(seenAt, "seenAt");
        Objects.requireNonNull(dampedUntil, "dampedUntil");
    }
}
