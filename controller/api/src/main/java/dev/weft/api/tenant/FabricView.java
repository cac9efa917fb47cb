package dev.weft.api.tenant;

import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.OFPort;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a tenant compiler needs to know, as one immutable snapshot: the configuration, where each
 * logical port is, each transport node's tunnel ports (remote node name → local port), and the
 * uplink port of each external network (by its name) on its gateway node, once that reported it,
 * and which nodes' tunnels are one flow-based port (their {@code vx-flow} port by datapath id).
 */
public record FabricView(NetworkConfig config, Map<String, PortLocation> locations,
                         Map<DatapathId, Map<String, OFPort>> tunnels, Map<String, OFPort> uplinks,
                         Map<DatapathId, OFPort> flowTunnels) {
    public FabricView {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(locations, "locations");
        Objects.requireNonNull(tunnels, "tunnels");
        Objects.requireNonNull(uplinks, "uplinks");
        Objects.requireNonNull(flowTunnels, "flowTunnels");
    }

    /** A view where every tunnel is a port per remote node. */
    public FabricView(NetworkConfig config, Map<String, PortLocation> locations,
                      Map<DatapathId, Map<String, OFPort>> tunnels, Map<String, OFPort> uplinks) {
        this(config, locations, tunnels, uplinks, Map.of());
    }

    /** A view without uplinks. */
    public FabricView(NetworkConfig config, Map<String, PortLocation> locations,
                      Map<DatapathId, Map<String, OFPort>> tunnels) {
        this(config, locations, tunnels, Map.of());
    }

    /** The uplink port of an external network on its gateway node, when that node has reported it. */
    public Optional<OFPort> uplink(ExternalNetwork x) {
        return Optional.ofNullable(uplinks.get(x.name()));
    }

    public Optional<PortLocation> location(LogicalPort p) {
        return Optional.ofNullable(locations.get(p.name()));
    }

    /** The port on {@code from} of the tunnel towards {@code to}, when {@code from} has reported it. */
    public Optional<OFPort> tunnel(DatapathId from, TransportNode to) {
        Map<String, OFPort> t = tunnels.get(from);
        return t == null ? Optional.empty() : Optional.ofNullable(t.get(to.name()));
    }

    /**
     * The tunnel on {@code from} towards {@code to}, when {@code from} has reported it: its port,
     * and, when that port is flow-based, the remote's address that each packet must carry as
     * {@code tun_dst} (and that packets from {@code to} arrive with as {@code tun_src}).
     */
    public Optional<Tunnel> tunnelTo(DatapathId from, TransportNode to) {
        return tunnel(from, to).map(p -> new Tunnel(p, p.equals(flowTunnels.get(from))
                ? Optional.of(to.tunnelIp()) : Optional.empty()));
    }

    /** A tunnel port, and the remote endpoint a flow-based one needs per packet. */
    public record Tunnel(OFPort port, Optional<IPv4Address> flowRemote) {
        public Tunnel {
            Objects.requireNonNull(port, "port");
            Objects.requireNonNull(flowRemote, "flowRemote");
        }
    }
}
