package dev.weft.api.event;

import dev.weft.api.Switch;
import org.projectfloodlight.openflow.protocol.OFFlowRemoved;

import java.util.Objects;

/** A flow entry that asked for it (SEND_FLOW_REM) expired or was deleted. */
public record FlowRemoved(Switch sw, OFFlowRemoved message) implements SwitchEvent {
    public FlowRemoved {
        Objects.requireNonNull(sw, "sw");
        Objects.requireNonNull(message, "message");
    }
}
