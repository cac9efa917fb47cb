package dev.weft.api.event;

import dev.weft.api.Switch;
import org.projectfloodlight.openflow.protocol.OFPortDesc;
import org.projectfloodlight.openflow.protocol.OFPortReason;

import java.util.Objects;
import java.util.Optional;

/**
 * A PORT_STATUS from the switch: a port was added, deleted or modified. {@code previous} is the
 * port's description before this message, when the controller knew the port.
 */
public record PortStatusChanged(Switch sw, OFPortReason reason, OFPortDesc port, Optional<OFPortDesc> previous)
        implements SwitchEvent {
    public PortStatusChanged {
        Objects.requireNonNull(sw, "sw");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(port, "port");
        Objects.requireNonNull(previous, "previous");
    }
}
