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

    /**
     * A transport node's tunnel ports, by remote node name (empty until its switch connects): its
     * {@code vx-<remote>} port, or else its flow-based {@code vx-flow} port.
     */
    Map<String, org.projectfloodlight.openflow.types.OFPort> tunnelPorts(org.projectfloodlight.openflow.types.DatapathId dpid);

    /**
     * The node's flow-based tunnel port ({@code vx-flow}: VXLAN with {@code remote_ip=flow}), when
     * it has one: a packet sent there must name its remote hypervisor ({@code tun_dst}), and one
     * received there is from the hypervisor its {@code tun_src} says.
     */
    default Optional<org.projectfloodlight.openflow.types.OFPort> flowTunnelPort(
            org.projectfloodlight.openflow.types.DatapathId dpid) {
        return Optional.empty();
    }

    /**
     * The uplink port of each external network, by its name, on its gateway node (absent until
     * that node reported a port with the uplink's name). Changes are announced like tunnel ports,
     * with {@link dev.weft.api.event.TransportNodeChanged} for the gateway node.
     */
    default Map<String, org.projectfloodlight.openflow.types.OFPort> uplinkPorts() {
        return Map.of();
    }
}
