package dev.weft.api.event;

import dev.weft.api.host.Host;

import java.util.Objects;

/** A host is forgotten. */
public record HostRemoved(Host host, Reason reason) implements NetworkEvent {
    public enum Reason {
        /** Not seen for longer than {@code topology: hosts: timeout}. */
        AGED_OUT,
        /** Its port turned out to lead to another switch (a link was discovered there). */
        INTER_SWITCH_PORT
    }

    public HostRemoved {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(reason, "reason");
    }
}
