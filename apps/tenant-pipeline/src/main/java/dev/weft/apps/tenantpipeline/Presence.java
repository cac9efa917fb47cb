package dev.weft.apps.tenantpipeline;

import dev.weft.api.tenant.FabricView;
import dev.weft.api.tenant.LogicalNetwork;
import dev.weft.api.tenant.LogicalPort;
import dev.weft.api.tenant.PortLocation;
import org.projectfloodlight.openflow.types.DatapathId;

import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

/**
 * Where a logical network must exist. Its <em>hosts</em> are the transport nodes with its ports;
 * its <em>reach</em> adds the hypervisors where packets are routed into it: routing is done where
 * a packet is sent, so the hosts of every network on its router, and the router's gateway node,
 * forward into this network too (its L2 entries there, its segment accepted from their tunnels).
 */
public final class Presence {
    private Presence() {
    }

    /**
     * Transport nodes where the network has located ports, in port order, then those that bridge
     * it to a VLAN ({@link dev.weft.api.tenant.VlanGateway}): they carry it like a host.
     */
    public static Set<DatapathId> hosts(LogicalNetwork net, FabricView view) {
        Set<DatapathId> out = new LinkedHashSet<>();
        for (LogicalPort p : net.ports()) {
            Optional<PortLocation> at = view.location(p);
            if (at.isPresent() && view.config().node(at.get().dpid()).isPresent()) {
                out.add(at.get().dpid());
            }
        }
        view.config().vlanGateways(net.segment()).forEach(g -> out.add(g.dpid()));
        return out;
    }

    /** The hosts, then the hosts of the networks routed with it, then its router's gateway node. */
    public static Set<DatapathId> reach(LogicalNetwork net, FabricView view) {
        Set<DatapathId> out = hosts(net, view);
        for (int peer : view.config().routedPeers(net.segment())) {
            view.config().network(peer).ifPresent(n -> out.addAll(hosts(n, view)));
        }
        view.config().gatewayNode(net.segment()).filter(d -> view.config().node(d).isPresent()).ifPresent(out::add);
        return out;
    }
}
