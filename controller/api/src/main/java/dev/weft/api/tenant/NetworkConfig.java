package dev.weft.api.tenant;

import org.projectfloodlight.openflow.types.DatapathId;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The tenants, their networks, ports and routers, the transport nodes and the external networks:
 * an immutable snapshot of the configuration (validated: unique names, segment ids, interface
 * names, addresses...).
 */
public final class NetworkConfig {
    private final List<TransportNode> transportNodes;
    private final List<Tenant> tenants;
    private final List<ExternalNetwork> externalNetworks;
    private final List<VlanGateway> vlanGateways;
    private final Map<Integer, LogicalRouter> routerBySegment = new LinkedHashMap<>();
    private final Map<String, ExternalNetwork> externalByName = new LinkedHashMap<>();
    private final Map<Integer, LogicalNetwork> bySegment = new LinkedHashMap<>();
    private final Map<String, LogicalPort> portsByName = new LinkedHashMap<>();
    private final Map<String, LogicalPort> portsByInterface = new LinkedHashMap<>();
    private final Map<DatapathId, TransportNode> nodesByDpid = new LinkedHashMap<>();
    private final Map<String, TransportNode> nodesByName = new LinkedHashMap<>();
    /** Security groups by "tenant/name", their member ports, and the groups whose rules name each as remote. */
    private final Map<String, SecurityGroup> groups = new LinkedHashMap<>();
    private final Map<String, List<LogicalPort>> members = new HashMap<>();
    private final Map<String, List<SecurityGroup>> referrers = new HashMap<>();

    public NetworkConfig(List<TransportNode> transportNodes, List<Tenant> tenants) {
        this(transportNodes, tenants, List.of());
    }

    public NetworkConfig(List<TransportNode> transportNodes, List<Tenant> tenants,
                         List<ExternalNetwork> externalNetworks) {
        this(transportNodes, tenants, externalNetworks, List.of());
    }

    public NetworkConfig(List<TransportNode> transportNodes, List<Tenant> tenants,
                         List<ExternalNetwork> externalNetworks, List<VlanGateway> vlanGateways) {
        this.vlanGateways = List.copyOf(vlanGateways);
        this.transportNodes = List.copyOf(transportNodes);
        this.tenants = List.copyOf(tenants);
        this.externalNetworks = List.copyOf(externalNetworks);
        for (ExternalNetwork x : this.externalNetworks) {
            externalByName.put(x.name(), x);
        }
        for (TransportNode n : this.transportNodes) {
            nodesByDpid.put(n.dpid(), n);
            nodesByName.put(n.name(), n);
        }
        for (Tenant t : this.tenants) {
            for (SecurityGroup g : t.securityGroups()) {
                groups.put(g.qualifiedName(), g);
                for (SecurityRule r : g.rules()) {
                    r.remoteGroup().ifPresent(rg -> {
                        List<SecurityGroup> l = referrers.computeIfAbsent(t.name() + "/" + rg, k -> new ArrayList<>());
                        if (!l.contains(g)) {
                            l.add(g);
                        }
                    });
                }
            }
            for (LogicalNetwork net : t.networks()) {
                bySegment.put(net.segment(), net);
                for (LogicalPort p : net.ports()) {
                    for (String g : p.policy().securityGroups()) {
                        members.computeIfAbsent(t.name() + "/" + g, k -> new ArrayList<>()).add(p);
                    }
                    portsByName.put(p.name(), p);
                    if (p.binding() instanceof Binding.Interface i) {
                        portsByInterface.put(i.name(), p);
                    }
                }
            }
            for (LogicalRouter r : t.routers()) {
                for (RouterPort rp : r.ports()) {
                    routerBySegment.put(rp.segment(), r);
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

    /** Every tenant's routers. */
    public List<LogicalRouter> routers() {
        return tenants.stream().flatMap(t -> t.routers().stream()).toList();
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

    public List<ExternalNetwork> externalNetworks() {
        return externalNetworks;
    }

    /** The L2 gateways to VLANs on physical ports. */
    public List<VlanGateway> vlanGateways() {
        return vlanGateways;
    }

    /** The L2 gateways of one logical network. */
    public List<VlanGateway> vlanGateways(int segment) {
        return vlanGateways.stream().filter(g -> g.segment() == segment).toList();
    }

    public Optional<ExternalNetwork> externalNetwork(String name) {
        return Optional.ofNullable(externalByName.get(name));
    }

    /** The router attached to the network with this segment id (a network joins at most one). */
    public Optional<LogicalRouter> router(int segment) {
        return Optional.ofNullable(routerBySegment.get(segment));
    }

    /**
     * The networks a packet of this network may be routed into on the hypervisor where it is sent:
     * the other networks of its router. Their forwarding must exist wherever this network has ports.
     */
    public Set<Integer> routedPeers(int segment) {
        LogicalRouter r = routerBySegment.get(segment);
        if (r == null) {
            return Set.of();
        }
        Set<Integer> peers = new java.util.TreeSet<>();
        for (RouterPort p : r.ports()) {
            if (p.segment() != segment) {
                peers.add(p.segment());
            }
        }
        return peers;
    }

    /** The gateway transport node the network's router leads out through, if it has a gateway. */
    public Optional<DatapathId> gatewayNode(int segment) {
        return router(segment).flatMap(LogicalRouter::gateway).flatMap(g -> externalNetwork(g.network()))
                .map(ExternalNetwork::dpid);
    }

    /** A tenant's security group by name. */
    public Optional<SecurityGroup> securityGroup(String tenant, String name) {
        return Optional.ofNullable(groups.get(tenant + "/" + name));
    }

    /** Every tenant's security groups. */
    public Collection<SecurityGroup> securityGroups() {
        return groups.values();
    }

    /** The ports that list a tenant's group (in config order). */
    public List<LogicalPort> members(String tenant, String group) {
        return members.getOrDefault(tenant + "/" + group, List.of());
    }

    /** The groups of the same tenant with a rule whose remote is {@code group}. */
    public List<SecurityGroup> referrers(String tenant, String group) {
        return referrers.getOrDefault(tenant + "/" + group, List.of());
    }

    public Optional<TransportNode> node(DatapathId dpid) {
        return Optional.ofNullable(nodesByDpid.get(dpid));
    }

    public Optional<TransportNode> node(String name) {
        return Optional.ofNullable(nodesByName.get(name));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NetworkConfig c && c.transportNodes.equals(transportNodes) && c.tenants.equals(tenants)
                && c.externalNetworks.equals(externalNetworks) && c.vlanGateways.equals(vlanGateways);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * (31 * transportNodes.hashCode() + tenants.hashCode()) + externalNetworks.hashCode())
                + vlanGateways.hashCode();
    }

    @Override
    public String toString() {
        return "NetworkConfig(" + transportNodes.size() + " transport nodes, " + tenants.size() + " tenants, "
                + bySegment.size() + " networks, " + portsByName.size() + " ports"
                + (routerBySegment.isEmpty() ? "" : ", " + routers().size() + " routers")
                + (externalNetworks.isEmpty() ? "" : ", " + externalNetworks.size() + " external networks")
                + (vlanGateways.isEmpty() ? "" : ", " + vlanGateways.size() + " VLAN gateways") + ")";
    }
}
