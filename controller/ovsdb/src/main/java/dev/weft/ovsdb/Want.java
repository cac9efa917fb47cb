package dev.weft.ovsdb;

import dev.weft.api.tenant.TransportNode;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How one hypervisor's integration bridge must be: from its transport node, the other nodes and
 * the settings.
 */
record Want(TransportNode node, List<TransportNode> others, OvsdbSettings settings) {
    Want {
        others = List.copyOf(others);
    }

    /** {@code other_config:datapath-id}: 16 hex digits. */
    String datapathId() {
        return String.format("%016x", node.dpid().getLong());
    }

    /** The tunnel ports: name → the options that matter (remote_ip, key). */
    Map<String, Map<String, String>> tunnels() {
        Map<String, Map<String, String>> t = new LinkedHashMap<>();
        if (others.isEmpty()) {
            return t;
        }
        if (settings.tunnels() == OvsdbSettings.Tunnels.FLOW) {
            t.put(TransportNode.FLOW_TUNNEL_PORT, Map.of("remote_ip", "flow", "key", "flow"));
        } else {
            for (TransportNode o : others) {
                t.put(node.tunnelPortTo(o), Map.of("remote_ip", o.tunnelIp().toString(), "key", "flow"));
            }
        }
        return t;
    }
}
