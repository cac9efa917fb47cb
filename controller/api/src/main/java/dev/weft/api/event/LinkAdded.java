package dev.weft.api.event;

import dev.weft.api.topology.Link;

import java.util.Objects;

/** A directed link was discovered (a cable gives one event per direction). */
public record LinkAdded(Link link) implements NetworkEvent {
    public LinkAdded {
        Objects.requireNonNull(link, "link");
    }
}
