package dev.weft.api.tenant;

import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.IPv4Address;

import java.util.Objects;
import java.util.Optional;

/**
 * A hypervisor's integration bridge and its tunnel endpoint. The tunnel towards node X is the
 * bridge port named {@link #tunnelPortTo(TransportNode) vx-X}, or the one flow-based port
 * {@link #FLOW_TUNNEL_PORT vx-flow} (VXLAN with {@code remote_ip=flow}, {@code key=flow}) that
 * reaches every other node (each packet names its remote: {@code tun_dst}).
 *
 * @param ovsdb where Weft reaches this hypervisor's OVSDB ({@code tcp:HOST:PORT}, {@code ssl:...},
 *              {@code unix:PATH}); when given, Weft builds and keeps its integration bridge
 */
public record TransportNode(String name, DatapathId dpid, IPv4Address tunnelIp, Optional<String> ovsdb) {
    /** The name of the one flow-based tunnel port of a node (no node may be named {@code flow}). */
    public static final String FLOW_TUNNEL_PORT = "vx-flow";

    public TransportNode {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(dpid, "dpid");
        Objects.requireNonNull(tunnelIp, "tunnelIp");
        Objects.requireNonNull(ovsdb, "ovsdb");
    }

    /** A node whose Open vSwitch is managed by someone else (no OVSDB access). */
    public TransportNode(String name, DatapathId dpid, IPv4Address tunnelIp) {
        this(name, dpid, tunnelIp, Optional.empty());
    }

    /** The name of this node's tunnel port towards {@code remote}. */
    public String tunnelPortTo(TransportNode remote) {
        return "vx-" + remote.name();
    }
}
