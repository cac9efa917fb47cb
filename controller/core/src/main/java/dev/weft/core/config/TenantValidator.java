package dev.weft.core.config;

import dev.weft.api.tenant.Binding;
import dev.weft.api.tenant.ExternalNetwork;
import dev.weft.api.tenant.LogicalNetwork;
import dev.weft.api.tenant.LogicalPort;
import dev.weft.api.tenant.NetworkConfig;
import dev.weft.api.tenant.RouterPort;
import dev.weft.api.tenant.Tenant;
import dev.weft.api.tenant.TransportNode;
import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.IPv4AddressWithMask;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Turns the tenant sections into a {@link NetworkConfig}, or fails with the first problem: where
 * it is (file, line, column) and what is wrong, in words. Transport nodes and external networks
 * first, then each tenant: its networks and ports, its routers' ports, the addresses DHCP gives
 * out of a range, then its routes and gateways ({@link RouterValidator}, {@link DhcpResolver}).
 */
final class TenantValidator {
    /** OVS (Linux) interface names are at most 15 characters; tunnel ports are "vx-" + node name. */
    static final int MAX_IFACE = 15;

    private final ConfigPlaces at;

    private TenantValidator(String source, String yaml) {
        this.at = new ConfigPlaces(source, yaml);
    }

    static NetworkConfig validate(String source, String yaml, List<TenantDocs.Node> nodes, List<TenantDocs.Tenant> tenants) {
        return validate(source, yaml, nodes, null, tenants);
    }

    static NetworkConfig validate(String source, String yaml, List<TenantDocs.Node> nodes,
                                  List<TenantDocs.External> externals, List<TenantDocs.Tenant> tenants) {
        return validate(source, yaml, nodes, externals, tenants, null);
    }

    static NetworkConfig validate(String source, String yaml, List<TenantDocs.Node> nodes,
                                  List<TenantDocs.External> externals, List<TenantDocs.Tenant> tenants,
                                  List<TenantDocs.VlanGateway> vlanGateways) {
        TenantValidator v = new TenantValidator(source, yaml);
        NetworkConfig c = v.run(nodes == null ? List.of() : nodes,
                externals == null ? List.of() : externals, tenants == null ? List.of() : tenants);
        if (vlanGateways == null || vlanGateways.isEmpty()) {
            return c;
        }
        return new NetworkConfig(c.transportNodes(), c.tenants(), c.externalNetworks(),
                new VlanGatewayValidator(v.at, c).run(vlanGateways));
    }

    /** A network as read, before DHCP gave out addresses and routers were attached. */
    static final class Draft {
        final String tenant;
        final String name;
        final int segment;
        final Optional<IPv4AddressWithMask> subnet;
        final List<LogicalPort> ports = new ArrayList<>();
        final Map<IPv4Address, String> ips = new HashMap<>();
        final Set<MacAddress> macs = new HashSet<>();
        final TenantDocs.Dhcp dhcp;
        final String pointer;

        Draft(String tenant, String name, int segment, Optional<IPv4AddressWithMask> subnet, TenantDocs.Dhcp dhcp,
              String pointer) {
            this.tenant = tenant;
            this.name = name;
            this.segment = segment;
            this.subnet = subnet;
            this.dhcp = dhcp;
            this.pointer = pointer;
        }

        String qualifiedName() {
            return tenant + "/" + name;
        }
    }

    private NetworkConfig run(List<TenantDocs.Node> nodeDocs, List<TenantDocs.External> externalDocs,
                              List<TenantDocs.Tenant> tenantDocs) {
        List<TransportNode> nodes = nodes(nodeDocs);
        Map<String, String> interfaces = new HashMap<>();
        List<ExternalNetwork> externals = new ExternalNetworkValidator(at, nodes, interfaces).run(externalDocs);
        RouterValidator.Outside outside = new RouterValidator.Outside(externals);

        List<Tenant> tenants = new ArrayList<>();
        Set<String> tenantNames = new HashSet<>();
        Map<Integer, String> segments = new HashMap<>();
        Map<String, String> portNames = new HashMap<>();
        Map<MacAddress, String> macBound = new HashMap<>();
        for (int t = 0; t < tenantDocs.size(); t++) {
            TenantDocs.Tenant td = tenantDocs.get(t);
            String tat = "/tenants/" + t;
            if (td == null) {
                throw at.error(tat, "empty entry");
            }
            String tname = at.name(at.required(td.name(), tat, "name"), tat + "/name", "tenant");
            if (!tenantNames.add(tname)) {
                throw at.clash(tat + "/name", "tenant '" + tname + "' is defined twice");
            }
            SecurityGroupValidator policies = new SecurityGroupValidator(at, tname);
            List<dev.weft.api.tenant.SecurityGroup> groups = policies.groups(td.securityGroups(), tat);
            List<Draft> drafts = new ArrayList<>();
            Set<String> netNames = new HashSet<>();
            List<TenantDocs.Network> netDocs = td.networks() == null ? List.of() : td.networks();
            for (int n = 0; n < netDocs.size(); n++) {
                TenantDocs.Network nd = netDocs.get(n);
                String nat = tat + "/networks/" + n;
                if (nd == null) {
                    throw at.error(nat, "empty entry");
                }
                String nname = at.name(at.required(nd.name(), nat, "name"), nat + "/name", "network");
                if (!netNames.add(nname)) {
                    throw at.clash(nat + "/name", "tenant '" + tname + "' has two networks named '" + nname + "'");
                }
                if (nd.segment() == null) {
                    throw at.error(nat, "segment is required (1.." + LogicalNetwork.MAX_SEGMENT + ")");
                }
                int seg = nd.segment();
                if (seg < 1 || seg > LogicalNetwork.MAX_SEGMENT) {
                    throw at.error(nat + "/segment", "segment " + seg + " is out of range 1.." + LogicalNetwork.MAX_SEGMENT);
                }
                String owner = segments.putIfAbsent(seg, tname + "/" + nname);
                if (owner != null) {
                    throw at.clash(nat + "/segment", "segment " + seg + " is already used by network " + owner);
                }
                Optional<IPv4AddressWithMask> subnet = nd.subnet() == null ? Optional.empty()
                        : Optional.of(at.subnet(nd.subnet(), nat + "/subnet"));
                Draft draft = new Draft(tname, nname, seg, subnet, nd.dhcp(), nat);
                List<TenantDocs.Port> portDocs = nd.ports() == null ? List.of() : nd.ports();
                for (int p = 0; p < portDocs.size(); p++) {
                    draft.ports.add(port(draft, portDocs.get(p), nat + "/ports/" + p, nodes, portNames, interfaces,
                            macBound, policies));
                }
                drafts.add(draft);
            }
            RouterValidator routers = new RouterValidator(at, tname, drafts, outside);
            List<TenantDocs.Router> routerDocs = td.routers() == null ? List.of() : td.routers();
            Map<Integer, RouterPort> attached = routers.ports(routerDocs, tat);
            List<LogicalNetwork> networks = new ArrayList<>();
            for (Draft d : drafts) {
                networks.add(new DhcpResolver(at, d, Optional.ofNullable(attached.get(d.segment))).resolve());
            }
            tenants.add(new Tenant(tname, networks, routers.routers(routerDocs, tat, networks), groups));
        }
        return new NetworkConfig(nodes, tenants, externals);
    }

    private List<TransportNode> nodes(List<TenantDocs.Node> nodeDocs) {
        List<TransportNode> nodes = new ArrayList<>();
        Map<String, String> nodeNames = new HashMap<>();
        Map<DatapathId, String> nodeDpids = new HashMap<>();
        Map<IPv4Address, String> tunnelIps = new HashMap<>();
        for (int i = 0; i < nodeDocs.size(); i++) {
            TenantDocs.Node d = nodeDocs.get(i);
            String nat = "/transport-nodes/" + i;
            if (d == null) {
                throw at.error(nat, "empty entry");
            }
            String name = at.required(d.name(), nat, "name");
            if (!name.matches("[A-Za-z0-9][A-Za-z0-9_.-]*") || ("vx-" + name).length() > MAX_IFACE) {
                throw at.error(nat + "/name", "'" + name + "' is not a usable node name (letters, digits, '-', '_', '.'; at most "
                        + (MAX_IFACE - 3) + " characters, since its tunnel ports are named vx-" + name + ")");
            }
            if (name.equals("flow")) {
                throw at.error(nat + "/name", "'flow' is reserved (the flow-based tunnel port is named "
                        + TransportNode.FLOW_TUNNEL_PORT + "); name the node otherwise");
            }
            if (nodeNames.putIfAbsent(name, nat) != null) {
                throw at.clash(nat + "/name", "transport node '" + name + "' is defined twice");
            }
            DatapathId dpid = at.dpid(at.required(d.datapathId(), nat, "datapath-id"), nat + "/datapath-id");
            String other = nodeDpids.putIfAbsent(dpid, name);
            if (other != null) {
                throw at.clash(nat + "/datapath-id", "datapath id " + dpid + " is already transport node '" + other + "'");
            }
            IPv4Address tep = at.ip(at.required(d.tunnelIp(), nat, "tunnel-ip"), nat + "/tunnel-ip");
            other = tunnelIps.putIfAbsent(tep, name);
            if (other != null) {
                throw at.clash(nat + "/tunnel-ip", "tunnel ip " + tep + " is already transport node '" + other + "'");
            }
            java.util.Optional<String> ovsdb = java.util.Optional.ofNullable(d.ovsdb()).map(String::trim);
            if (ovsdb.isPresent() && !ovsdb.get().matches("(tcp|ssl):(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9_.-]+)(:\\d{1,5})?|unix:/.+")) {
                throw at.error(nat + "/ovsdb", "'" + d.ovsdb() + "' is not an OVSDB address; expected tcp:HOST[:PORT], "
                        + "ssl:HOST[:PORT] or unix:/PATH (what ovs-vsctl set-manager ptcp:PORT or pssl:PORT opens)");
            }
            nodes.add(new TransportNode(name, dpid, tep, ovsdb));
        }
        return nodes;
    }

    private LogicalPort port(Draft net, TenantDocs.Port pd, String pat, List<TransportNode> nodes,
                             Map<String, String> portNames, Map<String, String> interfaces,
                             Map<MacAddress, String> macBound, SecurityGroupValidator policies) {
        if (pd == null) {
            throw at.error(pat, "empty entry");
        }
        String pname = at.name(at.required(pd.name(), pat, "name"), pat + "/name", "port");
        String prev = portNames.putIfAbsent(pname, net.qualifiedName());
        if (prev != null) {
            throw at.clash(pat + "/name", "port '" + pname + "' is already defined in network " + prev
                    + " (port names are unique across tenants)");
        }
        MacAddress mac = at.mac(at.required(pd.mac(), pat, "mac"), pat + "/mac");
        if (!net.macs.add(mac)) {
            throw at.clash(pat + "/mac", "MAC " + mac + " is used twice in network " + net.qualifiedName());
        }
        List<IPv4Address> ips = new ArrayList<>();
        List<String> ipDocs = pd.ips() == null ? List.of() : pd.ips();
        for (int k = 0; k < ipDocs.size(); k++) {
            String iat = pat + "/ips/" + k;
            IPv4Address ip = at.ip(ipDocs.get(k), iat);
            if (net.subnet.isPresent() && !net.subnet.get().contains(ip)) {
                throw at.error(iat, ip + " is outside the network's subnet " + net.subnet.get());
            }
            String holder = net.ips.putIfAbsent(ip, pname);
            if (holder != null) {
                throw at.clash(iat, ip + " is already port '" + holder + "' in network " + net.qualifiedName());
            }
            ips.add(ip);
        }
        Binding binding = binding(pd.binding(), pat + "/binding", nodes, pname, mac, interfaces, macBound);
        return new LogicalPort(pname, net.tenant, net.name, net.segment, mac, ips, binding, policies.policy(pd, pat));
    }

    private Binding binding(TenantDocs.Binding b, String bat, List<TransportNode> nodes, String port, MacAddress mac,
                            Map<String, String> interfaces, Map<MacAddress, String> macBound) {
        if (b == null) {
            throw at.error(bat.substring(0, bat.lastIndexOf('/')), "binding is required: { interface: NAME }, "
                    + "{ iface-id: true }, { by-mac: true } or { switch: NODE, port: N }");
        }
        int forms = (b.iface() != null ? 1 : 0) + (Boolean.TRUE.equals(b.byMac()) ? 1 : 0)
                + (b.sw() != null || b.port() != null ? 1 : 0) + (Boolean.TRUE.equals(b.ifaceId()) ? 1 : 0);
        if (forms != 1) {
            throw at.error(bat, "give exactly one of: interface, iface-id, by-mac, or switch + port");
        }
        if (Boolean.TRUE.equals(b.ifaceId())) {
            // The port's name is the iface-id: unique like every port name.
            return new Binding.IfaceId();
        }
        if (b.iface() != null) {
            String name = interfaceName(b.iface(), bat + "/interface");
            String other = interfaces.putIfAbsent(name, "binds port '" + port + "'");
            if (other != null) {
                throw at.clash(bat + "/interface", "interface '" + name + "' "
                        + (other.startsWith("binds") ? "already " + other : "is already " + other));
            }
            return new Binding.Interface(name);
        }
        if (Boolean.TRUE.equals(b.byMac())) {
            String other = macBound.putIfAbsent(mac, port);
            if (other != null) {
                throw at.clash(bat + "/by-mac", "MAC " + mac + " is bound twice by MAC (ports '" + other + "' and '" + port
                        + "'); a MAC binding must be unique");
            }
            return new Binding.ByMac();
        }
        if (b.sw() == null || b.port() == null) {
            throw at.error(bat, "a static binding needs both switch and port");
        }
        String sw = b.sw().trim();
        DatapathId dpid = nodes.stream().filter(n -> n.name().equals(sw)).map(TransportNode::dpid).findFirst()
                .orElseGet(() -> at.dpid(sw, bat + "/switch"));
        if (b.port() < 1 || b.port() > 0xffffff00L) {
            throw at.error(bat + "/port", "port " + b.port() + " is not a switch port number");
        }
        return new Binding.Static(dpid, OFPort.of(b.port()));
    }

    /** An OVS interface name as the config gives it (a VM's vNIC, an uplink). */
    static String interfaceName(String text, String pointer, ConfigPlaces at) {
        String name = text.trim();
        if (name.isEmpty() || name.length() > MAX_IFACE || !name.matches("[A-Za-z0-9_.:-]+")) {
            throw at.error(pointer, "'" + text + "' is not an interface name (at most " + MAX_IFACE
                    + " characters: letters, digits, '-', '_', '.', ':')");
        }
        return name;
    }

    private String interfaceName(String text, String pointer) {
        return interfaceName(text, pointer, at);
    }
}
