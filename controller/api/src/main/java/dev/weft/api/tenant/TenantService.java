package dev.weft.api.tenant;

import java.util.Map;
import java.util.Optional;

/**
 * The tenant configuration and where each logical port currently is. Snapshots are immutable;
 * safe from any thread. Changes are announced with {@link dev.weft.api.event.ConfigChanged} and
 * {@link dev.weft.api.event.LogicalPortLocated}.
 */
public interface TenantService {
    NetworkConfig config();

    /** Every located logical port, by port name. */
    Map<String, PortLocation> locations();

    Optional<PortLocation> location(String portName);

    /** A transport node's tunnel ports, by remote node name (empty until its switch connects). */
    Map<String, org.projectfloodlight.openflow.types.OFPort> tunnelPorts(org.projectfloodlight.openflow.types.DatapathId dpid);

    /**
     * The uplink port of each external network, by its name, on its gateway node (absent until
     * that node reported a port with the uplink's name). Changes are announced like tunnel ports,
     * with {@link dev.weft.api.event.TransportNodeChanged} for the gateway node.
     */
    default Map<String, org.projectfloodlight.openflow.types.OFPort> uplinkPorts() {
        return Map.of();
    }
}
