package dev.weft.api.event;

import dev.weft.api.Switch;

import java.util.Objects;

/** A switch completed the handshake and is ready: features and ports are known. */
public record SwitchConnected(Switch sw) implements SwitchEvent {
    public SwitchConnected {
        Objects.requireNonNull(sw, "sw");
    }
}
