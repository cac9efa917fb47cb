package dev.weft.sim.net;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;

/**
 * An immutable description of a network, with every port number resolved: switches, hosts,
 * links between switch ports, and tunnels between hypervisor switches. Build one with
 * {@link #parse(String)} (Mininet-style names), {@link TopologyFile} or {@link TopologyBuilder}.
 */
public final class Topology {
    /**
     * A switch. {@code versions} empty means the network's default; {@code tunnelEndpoint} is
     * non-null for hypervisor switches; {@code ports} unattached ports created at start.
     */
    public record SwitchSpec(String name, DatapathId dpid, Set<OFVersion> versions, int ports,
                             IPv4Address tunnelEndpoint) {
        public SwitchSpec {
            versions = Set.copyOf(versions);
        }

        public boolean isHypervisor() {
            return tunnelEndpoint != null;
        }
    }

    /** A host (or VM): its interface {@code iface} is the port's name on its switch. */
    public record HostSpec(String name, MacAddress mac, IPv4Address ip, String switchName, OFPort port, String iface) {
    }

    /** A cable between two switch ports. */
    public record LinkSpec(String switchA, OFPort portA, String switchB, OFPort portB) {
    }

    /**
     * A VXLAN-like tunnel between two hypervisors, like OVS {@code type=vxlan options:key=flow}:
     * port {@code vx-<B>} on A and {@code vx-<A>} on B; output with a tunnel_id arrives on the
     * other end's port with the same tunnel_id.
     */
    public record TunnelSpec(String switchA, OFPort portA, String switchB, OFPort portB) {
    }

    /** A tunnel port whose remote end is chosen per packet by set_field tunnel_ipv4_dst. */
    public record FlowTunnelSpec(String switchName, OFPort port, String portName) {
    }

    private final Map<String, SwitchSpec> switches;
    private final Map<String, HostSpec> hosts;
    private final List<LinkSpec> links;
    private final List<TunnelSpec> tunnels;
    private final List<FlowTunnelSpec> flowTunnels;

    Topology(Map<String, SwitchSpec> switches, Map<String, HostSpec> hosts, List<LinkSpec> links,
             List<TunnelSpec> tunnels, List<FlowTunnelSpec> flowTunnels) {
        this.switches = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(switches));
        this.hosts = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(hosts));
        this.links = List.copyOf(links);
        this.tunnels = List.copyOf(tunnels);
        this.flowTunnels = List.copyOf(flowTunnels);
    }

    /**
     * A named topology with Mininet's semantics and naming: {@code minimal}, {@code single,N},
     * {@code linear,N[,M]}, {@code tree,D[,F]}, {@code ring,N}, {@code torus,X,Y}.
     *
     * @throws TopologyException naming what is wrong with the spec
     */
    public static Topology parse(String spec) {
        return NamedTopologies.parse(spec);
    }

    /** Switches in creation order. */
    public Map<String, SwitchSpec> switches() {
        return switches;
    }

    /** Hosts in creation order. */
    public Map<String, HostSpec> hosts() {
        return hosts;
    }

    public List<LinkSpec> links() {
        return links;
    }

    public List<TunnelSpec> tunnels() {
        return tunnels;
    }

    public List<FlowTunnelSpec> flowTunnels() {
        return flowTunnels;
    }

    @Override
    public String toString() {
        return switches.size() + " switches, " + hosts.size() + " hosts, " + links.size() + " links, "
                + tunnels.size() + " tunnels";
    }
}
