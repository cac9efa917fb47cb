package dev.weft.core.openflow;

import com.google.common.collect.ImmutableMap;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.projectfloodlight.openflow.protocol.OFPortDesc;
import org.projectfloodlight.openflow.protocol.OFPortReason;
import org.projectfloodlight.openflow.protocol.OFPortStatus;
import org.projectfloodlight.openflow.types.OFPort;

/**
 * A switch's ports as it last described them: from the handshake, then each PORT_STATUS (applied
 * on the lane). Any thread reads an immutable snapshot.
 */
final class SwitchPorts {
    private volatile ImmutableMap<OFPort, OFPortDesc> ports;

    SwitchPorts(List<OFPortDesc> initial) {
        var b = ImmutableMap.<OFPort, OFPortDesc>builder();
        initial.forEach(p -> b.put(p.getPortNo(), p));
        this.ports = b.buildKeepingLast();
    }

    Collection<OFPortDesc> all() {
        return ports.values();
    }

    Optional<OFPortDesc> get(OFPort number) {
        return Optional.ofNullable(ports.get(number));
    }

    Optional<OFPortDesc> named(String name) {
        for (OFPortDesc p : ports.values()) {
            if (p.getName().equals(name)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** Lane: applies a PORT_STATUS; returns the port as it was before, if it existed. */
    Optional<OFPortDesc> apply(OFPortStatus ps) {
        OFPortDesc desc = ps.getDesc();
        OFPortDesc previous = ports.get(desc.getPortNo());
        Map<OFPort, OFPortDesc> next = new HashMap<>(ports);
        if (ps.getReason() == OFPortReason.DELETE) {
            next.remove(desc.getPortNo());
        } else {
            next.put(desc.getPortNo(), desc);
        }
        ports = ImmutableMap.copyOf(next);
        return Optional.ofNullable(previous);
    }
}
