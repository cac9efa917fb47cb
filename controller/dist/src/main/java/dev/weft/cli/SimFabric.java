package dev.weft.cli;

import dev.weft.api.tenant.Binding;
import dev.weft.api.tenant.ExternalNetwork;
import dev.weft.api.tenant.LogicalPort;
import dev.weft.api.tenant.NetworkConfig;
import dev.weft.api.tenant.TransportNode;
import dev.weft.sim.net.Topology;
import dev.weft.sim.net.TopologyBuilder;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.IPv4Address;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A simulated fabric for a tenant configuration: a hypervisor switch per transport node (its
 * datapath id and tunnel endpoint), a full mesh of tunnels (ports {@code vx-<node>}), and a VM per
 * logical port bound by interface name, named after the logical port, plugged in under its
 * interface name. VMs go where {@code placement} says, or round-robin over the transport nodes.
 * Each external network gets a host named after it behind its uplink: the outside router (its
 * gateway address and MAC).
 */
public final class SimFabric {
    private SimFabric() {
    }

    public static Topology topology(NetworkConfig cfg, Map<String, String> placement) {
        List<TransportNode> nodes = cfg.transportNodes();
        if (nodes.isEmpty()) {
            throw new IllegalArgumentException("the configuration has no transport nodes to simulate");
        }
        TopologyBuilder b = new TopologyBuilder();
        for (TransportNode n : nodes) {
            b.addSwitch(n.name(), n.dpid(), Set.of(OFVersion.OF_13), 0, n.tunnelIp());
        }
        if (nodes.size() > 1) {
            b.addFullTunnelMesh();
        }
        int next = 0;
        for (Map.Entry<String, String> e : place(cfg, placement).entrySet()) {
            LogicalPort p = cfg.port(e.getKey()).orElseThrow();
            IPv4Address ip = p.ips().isEmpty() ? null : p.ips().get(0);
            b.addHost(p.name(), p.mac(), ip, e.getValue(), null, ((Binding.Interface) p.binding()).name());
            next++;
        }
        for (ExternalNetwork x : cfg.externalNetworks()) {
            b.addHost(x.name(), x.gatewayMac().orElseThrow(), x.gateway(), x.node(), null, x.uplink());
        }
        return b.build();
    }

    /** Logical port → transport node name, for every port bound by interface. */
    public static Map<String, String> place(NetworkConfig cfg, Map<String, String> placement) {
        Map<String, String> out = new LinkedHashMap<>();
        List<TransportNode> nodes = cfg.transportNodes();
        int i = 0;
        for (LogicalPort p : cfg.ports()) {
            if (!(p.binding() instanceof Binding.Interface)) {
                continue;
            }
            String node = placement.get(p.name());
            if (node == null) {
                node = nodes.get(i++ % nodes.size()).name();
            } else if (cfg.node(node).isEmpty()) {
                throw new IllegalArgumentException("placement of " + p.name() + ": no transport node named " + node);
            }
            out.put(p.name(), node);
        }
        return out;
    }
}
