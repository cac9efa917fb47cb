package dev.weft.api.event;

import dev.weft.api.Switch;
import org.projectfloodlight.openflow.protocol.OFErrorMsg;
import org.projectfloodlight.openflow.protocol.OFMessage;

import java.util.Objects;
import java.util.Optional;

/**
 * The switch sent an ERROR. {@code request} is the message that caused it (matched by xid),
 * when the controller still remembers it.
 */
public record ErrorReceived(Switch sw, OFErrorMsg error, Optional<OFMessage> request) implements SwitchEvent {
    public ErrorReceived {
        Objects.requireNonNull(sw, "sw");
        Objects.requireNonNull(error, "error");
        Objects.requireNonNull(request, "request");
    }
}
