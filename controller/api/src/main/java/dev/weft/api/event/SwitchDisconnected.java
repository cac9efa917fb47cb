package dev.weft.api.event;

import dev.weft.api.Switch;

import java.util.Objects;

/**
 * A switch's connection closed, or was replaced by a new connection from the same datapath id
 * (in which case a {@link SwitchConnected} for the new connection follows).
 */
public record SwitchDisconnected(Switch sw, String reason) implements SwitchEvent {
    public SwitchDisconnected {
        Objects.requireNonNull(sw, "sw");
        Objects.requireNonNull(reason, "reason");
    }
}
