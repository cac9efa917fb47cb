package dev.weft.ovsdb;

import dev.weft.api.tenant.TransportNode;
import org.projectfloodlight.openflow.types.IPv4Address;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which tunnel IP each hypervisor claims, and the alerts when two claim one (a pure function).
 * A hypervisor states its own tunnel endpoint in its OVSDB, as OVN's {@code ovn-encap-ip} does:
 * {@code ovs-vsctl set open . external_ids:weft-tunnel-ip=IP} (the testbed sets it). Where it
 * says nothing (no such key, or no OVSDB), its claim is the configuration's {@code tunnel-ip}.
 * The configuration alone can never have two nodes on one address (it is refused); a hypervisor's
 * own word can: a cloned underlay, an address given twice, a node listed under the wrong name.
 */
final class TunnelClaims {
    /** The key of the {@code Open_vSwitch} row's {@code external_ids} where a hypervisor states its tunnel IP. */
    static final String KEY = "weft-tunnel-ip";

    private TunnelClaims() {
    }

    /**
     * @param nodes   every transport node of the configuration
     * @param claimed what each node's OVSDB says (by node name; absent when it says nothing or has no OVSDB)
     */
    static List<Alert> check(List<TransportNode> nodes, Map<String, String> claimed) {
        Map<String, List<TransportNode>> byIp = new LinkedHashMap<>();
        for (TransportNode n : nodes) {
            byIp.computeIfAbsent(claim(n, claimed), k -> new ArrayList<>()).add(n);
        }
        List<Alert> out = new ArrayList<>();
        for (var e : byIp.entrySet()) {
            if (e.getValue().size() < 2) {
                continue;
            }
            List<String> who = e.getValue().stream().map(n -> n.name() + " (" + source(n, claimed) + ")").toList();
            for (TransportNode n : e.getValue()) {
                out.add(new Alert(n.name(), Alert.TUNNEL_IP_CLAIMED, e.getKey(), "tunnel IP " + e.getKey()
                        + " is claimed by " + e.getValue().size() + " hypervisors: " + String.join(", ", who)
                        + "; VXLAN meant for one reaches whichever answers for the address: give each hypervisor "
                        + "its own", false));
            }
        }
        for (TransportNode n : nodes) {
            String c = claimed.get(n.name());
            if (c != null && !c.equals(n.tunnelIp().toString()) && byIp.get(c).size() < 2) {
                out.add(new Alert(n.name(), Alert.TUNNEL_IP_MISMATCH, c, n.name() + "'s OVSDB says its tunnel IP is "
                        + c + " (external_ids:" + KEY + "), the configuration says " + n.tunnelIp()
                        + ": the other hypervisors send its VMs' traffic to " + n.tunnelIp(), false));
            }
        }
        return out;
    }

    /** What the node's OVSDB says, if it says something that is an IPv4 address (else ignored). */
    static Optional<String> parse(Map<String, String> externalIds) {
        String v = externalIds.get(KEY);
        if (v == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(IPv4Address.of(v.trim()).toString());
        } catch (IllegalArgumentException e) {
            return Optional.empty(); // not an address: nothing claimed (the operator sees it with ovs-vsctl)
        }
    }

    private static String claim(TransportNode n, Map<String, String> claimed) {
        return claimed.getOrDefault(n.name(), n.tunnelIp().toString());
    }

    private static String source(TransportNode n, Map<String, String> claimed) {
        return claimed.containsKey(n.name()) ? "its OVSDB's external_ids:" + KEY : "tunnel-ip in the configuration";
    }
}
