package dev.weft.api.event;

import dev.weft.api.host.Host;
import dev.weft.api.topology.SwitchPort;

import java.util.Objects;

/** A known host was seen at another edge port; {@code host} has the new location. */
public record HostMoved(Host host, SwitchPort previous) implements NetworkEvent {
    public HostMoved {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(previous, "previous");
    }
}
