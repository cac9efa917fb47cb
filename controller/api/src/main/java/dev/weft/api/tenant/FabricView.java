package dev.weft.api.tenant;

import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.OFPort;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a tenant compiler needs to know, as one immutable snapshot: the configuration, where each
 * logical port is, and each transport node's tunnel ports (remote node name → local port).
 */
public record FabricView(NetworkConfig config, Map<String, PortLocation> locations,
                         Map<DatapathId, Map<String, OFPort>> tunnels) {
    public FabricView {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(locations, "locations");
        Objects.requireNonNull(tunnels, "tunnels");
    }

    public Optional<PortLocation> location(LogicalPort p) {
        return Optional.ofNullable(locations.get(p.name()));
    }

    /** The port on {@code from} of the tunnel towards {@code to}, when {@code from} has reported it. */
    public Optional<OFPort> tunnel(DatapathId from, TransportNode to) {
        Map<String, OFPort> t = tunnels.get(from);
        return t == null ? Optional.empty() : Optional.ofNullable(t.get(to.name()));
    }
}
