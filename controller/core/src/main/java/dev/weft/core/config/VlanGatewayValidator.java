package dev.weft.core.config;

import dev.weft.api.tenant.LogicalNetwork;
import dev.weft.api.tenant.NetworkConfig;
import dev.weft.api.tenant.TransportNode;
import dev.weft.api.tenant.VlanGateway;
import org.projectfloodlight.openflow.types.OFPort;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code vlan-gateways} section: each bridges one logical network ({@code tenant/network}) to
 * a VLAN on a numbered port of a transport node. Names are unique; a (node, port, VLAN) is used
 * once; a network has at most one gateway.
 */
final class VlanGatewayValidator {
    private final ConfigPlaces at;
    private final NetworkConfig config;

    VlanGatewayValidator(ConfigPlaces at, NetworkConfig config) {
        this.at = at;
        this.config = config;
    }

    List<VlanGateway> run(List<TenantDocs.VlanGateway> docs) {
        List<VlanGateway> out = new ArrayList<>();
        Set<String> names = new HashSet<>();
        Set<String> places = new HashSet<>();
        Set<Integer> bridged = new HashSet<>();
        for (int i = 0; i < docs.size(); i++) {
            TenantDocs.VlanGateway d = docs.get(i);
            String gat = "/vlan-gateways/" + i;
            if (d == null) {
                throw at.error(gat, "empty entry");
            }
            String name = at.name(at.required(d.name(), gat, "name"), gat + "/name", "VLAN gateway");
            if (!names.add(name)) {
                throw at.clash(gat + "/name", "VLAN gateway '" + name + "' is defined twice");
            }
            String network = at.required(d.network(), gat, "network").trim();
            Optional<LogicalNetwork> net = config.networks().stream()
                    .filter(n -> n.qualifiedName().equals(network)).findFirst();
            if (net.isEmpty()) {
                throw at.error(gat + "/network", "'" + network + "' is not a network; name it tenant/network");
            }
            if (!bridged.add(net.get().segment())) {
                throw at.clash(gat + "/network", "network " + network + " already has a VLAN gateway");
            }
            String nodeName = at.required(d.node(), gat, "node");
            TransportNode node = config.node(nodeName)
                    .orElseThrow(() -> at.error(gat + "/node", "'" + nodeName + "' is not a transport node"));
            if (d.port() == null) {
                throw at.error(gat, "port is required: the number of the physical port on " + nodeName);
            }
            if (d.port() < 1 || d.port() > 0xffffff00L) {
                throw at.error(gat + "/port", "port " + d.port() + " is not a switch port number");
            }
            if (d.vlan() == null || d.vlan() < 1 || d.vlan() > 4094) {
                throw at.error(d.vlan() == null ? gat : gat + "/vlan", "vlan must be 1..4094"
                        + (d.vlan() == null ? "" : ", was " + d.vlan()));
            }
            if (!places.add(nodeName + "/" + d.port() + "/" + d.vlan())) {
                throw at.clash(gat + "/vlan", "VLAN " + d.vlan() + " on port " + d.port() + " of " + nodeName
                        + " is already a gateway");
            }
            out.add(new VlanGateway(name, network, net.get().segment(), node.name(), node.dpid(), OFPort.of(d.port()),
                    d.vlan()));
        }
        return out;
    }
}
