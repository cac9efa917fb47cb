package dev.weft.apps.mobility;

import dev.weft.api.tenant.PortLocation;
import dev.weft.api.tenant.TenantService;
import dev.weft.api.tenant.TransportNode;
import org.projectfloodlight.openflow.types.DatapathId;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** Switches named for people in the log: a transport node's name, else its datapath id. */
final class NodeNames {
    private final TenantService tenants; // null: no tenant configuration, datapath ids only

    NodeNames(TenantService tenants) {
        this.tenants = tenants;
    }

    String node(DatapathId d) {
        return tenants == null ? d.toString()
                : tenants.config().node(d).map(TransportNode::name).orElse(d.toString());
    }

    /** "hv2 port 5". */
    String where(PortLocation at) {
        return node(at.dpid()) + " port " + at.port().getPortNumber();
    }

    /** "hv1, hv3", sorted. */
    String nodes(Set<DatapathId> dpids) {
        return dpids.stream().map(this::node).sorted().collect(Collectors.joining(", "));
    }

    /** "hv1 12, hv2 11", or "none". */
    String flowMods(Map<DatapathId, Integer> mods) {
        if (mods.isEmpty()) {
            return "none";
        }
        Map<String, Integer> sorted = new TreeMap<>();
        mods.forEach((d, n) -> sorted.put(node(d), n));
        return sorted.entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", "));
    }
}
