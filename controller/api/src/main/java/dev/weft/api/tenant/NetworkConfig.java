package dev.weft.api.tenant;

import org.projectfloodlight.openflow.types.DatapathId;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The tenants, their networks and ports, and the transport nodes: an immutable snapshot of the
 * configuration (validated: unique names, segment ids, interface names...).
 */
public final class NetworkConfig {
    private final List<TransportNode> transportNodes;
    private final List<Tenant> tenants;
    private final Map<Integer, LogicalNetwork> bySegment = new LinkedHashMap<>();
    private final Map<String, LogicalPort> portsByName = new LinkedHashMap<>();
    private final Map<String, LogicalPort> portsByInterface = new LinkedHashMap<>();
    private final Map<DatapathId, TransportNode> nodesByDpid = new LinkedHashMap<>();
    private final Map<String, TransportNode> nodesByName = new LinkedHashMap<>();

    public NetworkConfig(List<TransportNode> transportNodes, List<Tenant> tenants) {
        this.transportNodes = List.copyOf(transportNodes);
        this.tenants = List.copyOf(tenants);
        for (TransportNode n : this.transportNodes) {
            nodesByDpid.put(n.dpid(), n);
            nodesByName.put(n.name(), n);
        }
        for (Tenant t : this.tenants) {
            for (LogicalNetwork net : t.networks()) {
                bySegment.put(net.segment(), net);
                for (LogicalPort p : net.ports()) {
                    portsByName.put(p.name(), p);
                    if (p.binding() instanceof Binding.Interface i) {
                        portsByInterface.put(i.name(), p);
                    }
                }
            }
        }
    }

    public static NetworkConfig empty() {
        return new NetworkConfig(List.of(), List.of());
    }

    public List<TransportNode> transportNodes() {
        return transportNodes;
    }

    public List<Tenant> tenants() {
        return tenants;
    }

    public Collection<LogicalNetwork> networks() {
        return bySegment.values();
    }

    public Optional<LogicalNetwork> network(int segment) {
        return Optional.ofNullable(bySegment.get(segment));
    }

    public Collection<LogicalPort> ports() {
        return portsByName.values();
    }

    public Optional<LogicalPort> port(String name) {
        return Optional.ofNullable(portsByName.get(name));
    }

    /** The logical port bound to an OVS interface name. */
    public Optional<LogicalPort> portByInterface(String interfaceName) {
        return Optional.ofNullable(portsByInterface.get(interfaceName));
    }

    public Optional<TransportNode> node(DatapathId dpid) {
        return Optional.ofNullable(nodesByDpid.get(dpid));
    }

    public Optional<TransportNode> node(String name) {
        return Optional.ofNullable(nodesByName.get(name));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NetworkConfig c && c.transportNodes.equals(transportNodes) && c.tenants.equals(tenants);
    }

    @Override
    public int hashCode() {
        return 31 * transportNodes.hashCode() + tenants.hashCode();
    }

    @Override
    public String toString() {
        return "NetworkConfig(" + transportNodes.size() + " transport nodes, " + tenants.size() + " tenants, "
                + bySegment.size() + " networks, " + portsByName.size() + " ports)";
    }
}
