package dev.weft.core.tenant;

import dev.weft.api.tenant.ExternalNetwork;
import dev.weft.api.tenant.NetworkConfig;
import dev.weft.api.tenant.TransportNode;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.OFPort;

/**
 * The ports the tenant pipeline sends through on transport nodes, from the port names their switches
 * reported: tunnel ports by remote node ({@code vx-<node>}, or the flow-based {@code vx-flow} for
 * every other node), and each external network's uplink on its gateway node. Recomputed on the
 * control lane; read from any thread.
 */
final class TransportPorts {
    /** Written on the control lane, one node at a time; read from any thread. */
    private final Map<DatapathId, Map<String, OFPort>> tunnels = new ConcurrentHashMap<>();
    /** The node's flow-based tunnel port ({@code vx-flow}), where it has one; like {@link #tunnels}. */
    private final Map<DatapathId, OFPort> flowTunnels = new ConcurrentHashMap<>();
    /** External network name → its uplink port on its gateway node; published as a snapshot. */
    private volatile Map<String, OFPort> uplinks = Map.of();

    Map<String, OFPort> tunnelPorts(DatapathId dpid) {
        return tunnels.getOrDefault(dpid, Map.of());
    }

    Optional<OFPort> flowTunnelPort(DatapathId dpid) {
        return Optional.ofNullable(flowTunnels.get(dpid));
    }

    Map<String, OFPort> uplinks() {
        return uplinks;
    }

    static boolean isUplink(NetworkConfig config, DatapathId dpid, String name) {
        return config.externalNetworks().stream().anyMatch(x -> x.dpid().equals(dpid) && x.uplink().equals(name));
    }

    /** Every external network's uplink from what the gateway nodes reported; true when that changed. */
    boolean recomputeUplinks(NetworkConfig config, Map<DatapathId, Map<String, OFPort>> portsBySwitch) {
        Map<String, OFPort> m = new HashMap<>();
        for (ExternalNetwork x : config.externalNetworks()) {
            OFPort p = portsBySwitch.getOrDefault(x.dpid(), Map.of()).get(x.uplink());
            if (p != null) {
                m.put(x.name(), p);
            }
        }
        if (m.equals(uplinks)) {
            return false;
        }
        uplinks = Map.copyOf(m);
        return true;
    }

    /** Every node's tunnel ports (after a configuration change: the set of nodes may differ). */
    void recomputeTunnels(NetworkConfig config, Map<DatapathId, Map<String, OFPort>> portsBySwitch) {
        tunnels.keySet().removeIf(d -> config.node(d).isEmpty());
        flowTunnels.keySet().removeIf(d -> config.node(d).isEmpty());
        for (TransportNode n : config.transportNodes()) {
            recomputeTunnels(config, n, portsBySwitch.get(n.dpid()));
        }
    }

    /** One node's tunnel ports from its switch's ports by name (null: not reported). */
    void recomputeTunnels(NetworkConfig config, TransportNode n, Map<String, OFPort> ports) {
        if (ports == null) {
            tunnels.remove(n.dpid());
            flowTunnels.remove(n.dpid());
            return;
        }
        // A vx-<remote> port reaches that remote; the flow-based vx-flow port reaches the others.
        OFPort flow = ports.get(TransportNode.FLOW_TUNNEL_PORT);
        Map<String, OFPort> byRemote = new HashMap<>();
        if (flow != null) {
            config.transportNodes().stream().filter(r -> !r.name().equals(n.name()))
                    .forEach(r -> byRemote.put(r.name(), flow));
            flowTunnels.put(n.dpid(), flow);
        } else {
            flowTunnels.remove(n.dpid());
        }
        for (var e : ports.entrySet()) {
            String name = e.getKey();
            if (name.startsWith(TenantManager.TUNNEL_PREFIX)) {
                String remote = name.substring(TenantManager.TUNNEL_PREFIX.length());
                if (!remote.equals(n.name()) && config.node(remote).isPresent()) {
                    byRemote.put(remote, e.getValue());
                }
            }
        }
        tunnels.put(n.dpid(), Map.copyOf(byRemote));
    }
}
