package dev.weft.api.event;

import dev.weft.api.host.Host;

import java.util.Objects;

/** A host was seen for the first time (or again after it aged out). */
public record HostAdded(Host host) implements NetworkEvent {
    public HostAdded {
        Objects.requireNonNull(host, "host");
    }
}
