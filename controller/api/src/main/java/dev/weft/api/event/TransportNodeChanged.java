package dev.weft.api.event;

import dev.weft.api.tenant.TransportNode;
import org.projectfloodlight.openflow.types.OFPort;

import java.util.Map;
import java.util.Objects;

/**
 * A transport node's switch connected, or its tunnel ports changed: {@code tunnelPorts} maps a
 * remote node's name to the local port number of the tunnel towards it.
 */
public record TransportNodeChanged(TransportNode node, Map<String, OFPort> tunnelPorts) implements NetworkEvent {
    public TransportNodeChanged {
        Objects.requireNonNull(node, "node");
        tunnelPorts = Map.copyOf(tunnelPorts);
    }
}
