package dev.weft.core.config;

import dev.weft.api.tenant.ExternalNetwork;
import dev.weft.api.tenant.TransportNode;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.IPv4AddressWithMask;
import org.projectfloodlight.openflow.types.MacAddress;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code external-networks} section: each on a gateway transport node, through an uplink port
 * whose name no logical port may use, with a subnet and the outside router in it.
 */
final class ExternalNetworkValidator {
    private final ConfigPlaces at;
    private final List<TransportNode> nodes;
    private final Map<String, String> interfaces;

    ExternalNetworkValidator(ConfigPlaces at, List<TransportNode> nodes, Map<String, String> interfaces) {
        this.at = at;
        this.nodes = nodes;
        this.interfaces = interfaces;
    }

    List<ExternalNetwork> run(List<TenantDocs.External> docs) {
        List<ExternalNetwork> out = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < docs.size(); i++) {
            TenantDocs.External d = docs.get(i);
            String xat = "/external-networks/" + i;
            if (d == null) {
                throw at.error(xat, "empty entry");
            }
            String name = at.name(at.required(d.name(), xat, "name"), xat + "/name", "external network");
            if (!names.add(name)) {
                throw at.clash(xat + "/name", "external network '" + name + "' is defined twice");
            }
            String nodeName = at.required(d.node(), xat, "node");
            TransportNode node = nodes.stream().filter(n -> n.name().equals(nodeName)).findFirst()
                    .orElseThrow(() -> at.error(xat + "/node", "'" + nodeName + "' is not a transport node (known: "
                            + String.join(", ", nodes.stream().map(TransportNode::name).toList()) + ")"));
            String uplink = TenantValidator.interfaceName(at.required(d.uplink(), xat, "uplink"), xat + "/uplink", at);
            if (uplink.startsWith("vx-")) {
                throw at.error(xat + "/uplink", "'" + uplink + "' looks like a tunnel port (vx-...); name the uplink otherwise");
            }
            String other = interfaces.putIfAbsent(uplink, "the uplink of external network '" + name + "'");
            if (other != null) {
                throw at.clash(xat + "/uplink", "interface '" + uplink + "' is already " + other);
            }
            IPv4AddressWithMask subnet = at.subnet(at.required(d.subnet(), xat, "subnet"), xat + "/subnet");
            IPv4Address gateway = at.ip(at.required(d.gateway(), xat, "gateway"), xat + "/gateway");
            if (!subnet.contains(gateway)) {
                throw at.error(xat + "/gateway", gateway + " is outside the external network's subnet " + subnet);
            }
            if (d.gatewayMac() == null) {
                throw at.error(xat + "/gateway", "gateway-mac is required: the MAC of the outside router at " + gateway
                        + " (Weft does not learn it by ARP)");
            }
            Optional<MacAddress> gatewayMac = Optional.of(at.mac(d.gatewayMac(), xat + "/gateway-mac"));
            out.add(new ExternalNetwork(name, node.name(), node.dpid(), uplink, subnet, gateway, gatewayMac));
        }
        return out;
    }
}
