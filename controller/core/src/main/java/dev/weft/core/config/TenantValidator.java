package dev.weft.core.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonPointer;
import dev.weft.api.tenant.Binding;
import dev.weft.api.tenant.LogicalNetwork;
import dev.weft.api.tenant.LogicalPort;
import dev.weft.api.tenant.NetworkConfig;
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
 * it is (file, line, column) and what is wrong, in words.
 */
final class TenantValidator {
    /** OVS (Linux) interface names are at most 15 characters; tunnel ports are "vx-" + node name. */
    static final int MAX_IFACE = 15;

    private final String source;
    private final String yaml;

    private TenantValidator(String source, String yaml) {
        this.source = source;
        this.yaml = yaml;
    }

    static NetworkConfig validate(String source, String yaml, List<TenantDocs.Node> nodes, List<TenantDocs.Tenant> tenants) {
        return new TenantValidator(source, yaml).run(nodes == null ? List.of() : nodes,
                tenants == null ? List.of() : tenants);
    }

    private ConfigException error(String pointer, String problem) {
        return error(pointer, problem, false);
    }

    /** A value that clashes with another one (a duplicate): the same message, marked as a conflict. */
    private ConfigException clash(String pointer, String problem) {
        return error(pointer, problem, true);
    }

    private ConfigException error(String pointer, String problem, boolean conflict) {
        Optional<JsonLocation> loc = yaml == null ? Optional.empty() : YamlLocator.find(yaml, JsonPointer.compile(pointer));
        String where = pointer.substring(1).replace('/', '.').replaceAll("\\.(\\d+)", "[$1]");
        return new ConfigException(source, loc.map(JsonLocation::getLineNr).orElse(-1),
                loc.map(JsonLocation::getColumnNr).orElse(-1), where + ": " + problem, conflict);
    }

    private String required(String value, String pointer, String what) {
        if (value == null || value.isBlank()) {
            throw error(pointer, what + " is required");
        }
        return value.trim();
    }

    private NetworkConfig run(List<TenantDocs.Node> nodeDocs, List<TenantDocs.Tenant> tenantDocs) {
        List<TransportNode> nodes = new ArrayList<>();
        Map<String, String> nodeNames = new HashMap<>();
        Map<DatapathId, String> nodeDpids = new HashMap<>();
        Map<IPv4Address, String> tunnelIps = new HashMap<>();
        for (int i = 0; i < nodeDocs.size(); i++) {
            TenantDocs.Node d = nodeDocs.get(i);
            String at = "/transport-nodes/" + i;
            if (d == null) {
                throw error(at, "empty entry");
            }
            String name = required(d.name(), at, "name");
            if (!name.matches("[A-Za-z0-9][A-Za-z0-9_.-]*") || ("vx-" + name).length() > MAX_IFACE) {
                throw error(at + "/name", "'" + name + "' is not a usable node name (letters, digits, '-', '_', '.'; at most "
                        + (MAX_IFACE - 3) + " characters, since its tunnel ports are named vx-" + name + ")");
            }
            if (nodeNames.putIfAbsent(name, at) != null) {
                throw clash(at + "/name", "transport node '" + name + "' is defined twice");
            }
            DatapathId dpid = dpid(required(d.datapathId(), at, "datapath-id"), at + "/datapath-id");
            String other = nodeDpids.putIfAbsent(dpid, name);
            if (other != null) {
                throw clash(at + "/datapath-id", "datapath id " + dpid + " is already transport node '" + other + "'");
            }
            IPv4Address tep = ip(required(d.tunnelIp(), at, "tunnel-ip"), at + "/tunnel-ip");
            other = tunnelIps.putIfAbsent(tep, name);
            if (other != null) {
                throw clash(at + "/tunnel-ip", "tunnel ip " + tep + " is already transport node '" + other + "'");
            }
            nodes.add(new TransportNode(name, dpid, tep));
        }

        List<Tenant> tenants = new ArrayList<>();
        Set<String> tenantNames = new HashSet<>();
        Map<Integer, String> segments = new HashMap<>();
        Map<String, String> portNames = new HashMap<>();
        Map<String, String> interfaces = new HashMap<>();
        Map<MacAddress, String> macBound = new HashMap<>();
        for (int t = 0; t < tenantDocs.size(); t++) {
            TenantDocs.Tenant td = tenantDocs.get(t);
            String at = "/tenants/" + t;
            if (td == null) {
                throw error(at, "empty entry");
            }
            String tname = name(required(td.name(), at, "name"), at + "/name", "tenant");
            if (!tenantNames.add(tname)) {
                throw clash(at + "/name", "tenant '" + tname + "' is defined twice");
            }
            List<LogicalNetwork> networks = new ArrayList<>();
            Set<String> netNames = new HashSet<>();
            List<TenantDocs.Network> netDocs = td.networks() == null ? List.of() : td.networks();
            for (int n = 0; n < netDocs.size(); n++) {
                TenantDocs.Network nd = netDocs.get(n);
                String nat = at + "/networks/" + n;
                if (nd == null) {
                    throw error(nat, "empty entry");
                }
                String nname = name(required(nd.name(), nat, "name"), nat + "/name", "network");
                if (!netNames.add(nname)) {
                    throw clash(nat + "/name", "tenant '" + tname + "' has two networks named '" + nname + "'");
                }
                if (nd.segment() == null) {
                    throw error(nat, "segment is required (1.." + LogicalNetwork.MAX_SEGMENT + ")");
                }
                int seg = nd.segment();
                if (seg < 1 || seg > LogicalNetwork.MAX_SEGMENT) {
                    throw error(nat + "/segment", "segment " + seg + " is out of range 1.." + LogicalNetwork.MAX_SEGMENT);
                }
                String owner = segments.putIfAbsent(seg, tname + "/" + nname);
                if (owner != null) {
                    throw clash(nat + "/segment", "segment " + seg + " is already used by network " + owner);
                }
                Optional<IPv4AddressWithMask> subnet = Optional.empty();
                if (nd.subnet() != null) {
                    try {
                        subnet = Optional.of(IPv4AddressWithMask.of(nd.subnet().trim()));
                    } catch (IllegalArgumentException e) {
                        throw error(nat + "/subnet", "'" + nd.subnet() + "' is not an IPv4 subnet such as 10.0.1.0/24");
                    }
                }
                List<LogicalPort> ports = new ArrayList<>();
                Set<MacAddress> netMacs = new HashSet<>();
                Map<IPv4Address, String> netIps = new HashMap<>();
                List<TenantDocs.Port> portDocs = nd.ports() == null ? List.of() : nd.ports();
                for (int p = 0; p < portDocs.size(); p++) {
                    TenantDocs.Port pd = portDocs.get(p);
                    String pat = nat + "/ports/" + p;
                    if (pd == null) {
                        throw error(pat, "empty entry");
                    }
                    String pname = name(required(pd.name(), pat, "name"), pat + "/name", "port");
                    String prev = portNames.putIfAbsent(pname, tname + "/" + nname);
                    if (prev != null) {
                        throw clash(pat + "/name", "port '" + pname + "' is already defined in network " + prev
                                + " (port names are unique across tenants)");
                    }
                    MacAddress mac = mac(required(pd.mac(), pat, "mac"), pat + "/mac");
                    if (!netMacs.add(mac)) {
                        throw clash(pat + "/mac", "MAC " + mac + " is used twice in network " + tname + "/" + nname);
                    }
                    List<IPv4Address> ips = new ArrayList<>();
                    List<String> ipDocs = pd.ips() == null ? List.of() : pd.ips();
                    for (int k = 0; k < ipDocs.size(); k++) {
                        String iat = pat + "/ips/" + k;
                        IPv4Address ip = ip(ipDocs.get(k), iat);
                        if (subnet.isPresent() && !subnet.get().contains(ip)) {
                            throw error(iat, ip + " is outside the network's subnet " + subnet.get());
                        }
                        String holder = netIps.putIfAbsent(ip, pname);
                        if (holder != null) {
                            throw clash(iat, ip + " is already port '" + holder + "' in network " + tname + "/" + nname);
                        }
                        ips.add(ip);
                    }
                    Binding binding = binding(pd.binding(), pat + "/binding", nodes, pname, mac, interfaces, macBound);
                    ports.add(new LogicalPort(pname, tname, nname, seg, mac, ips, binding));
                }
                networks.add(new LogicalNetwork(tname, nname, seg, subnet, ports));
            }
            tenants.add(new Tenant(tname, networks));
        }
        return new NetworkConfig(nodes, tenants);
    }

    private Binding binding(TenantDocs.Binding b, String at, List<TransportNode> nodes, String port, MacAddress mac,
                            Map<String, String> interfaces, Map<MacAddress, String> macBound) {
        if (b == null) {
            throw error(at.substring(0, at.lastIndexOf('/')), "binding is required: { interface: NAME }, "
                    + "{ by-mac: true } or { switch: NODE, port: N }");
        }
        int forms = (b.iface() != null ? 1 : 0) + (Boolean.TRUE.equals(b.byMac()) ? 1 : 0)
                + (b.sw() != null || b.port() != null ? 1 : 0);
        if (forms != 1) {
            throw error(at, "give exactly one of: interface, by-mac, or switch + port");
        }
        if (b.iface() != null) {
            String name = b.iface().trim();
            if (name.isEmpty() || name.length() > MAX_IFACE || !name.matches("[A-Za-z0-9_.:-]+")) {
                throw error(at + "/interface", "'" + b.iface() + "' is not an interface name (at most " + MAX_IFACE
                        + " characters: letters, digits, '-', '_', '.', ':')");
            }
            String other = interfaces.putIfAbsent(name, port);
            if (other != null) {
                throw clash(at + "/interface", "interface '" + name + "' already binds port '" + other + "'");
            }
            return new Binding.Interface(name);
        }
        if (Boolean.TRUE.equals(b.byMac())) {
            String other = macBound.putIfAbsent(mac, port);
            if (other != null) {
                throw clash(at + "/by-mac", "MAC " + mac + " is bound twice by MAC (ports '" + other + "' and '" + port
                        + "'); a MAC binding must be unique");
            }
            return new Binding.ByMac();
        }
        if (b.sw() == null || b.port() == null) {
            throw error(at, "a static binding needs both switch and port");
        }
        String sw = b.sw().trim();
        DatapathId dpid = nodes.stream().filter(n -> n.name().equals(sw)).map(TransportNode::dpid).findFirst()
                .orElseGet(() -> dpid(sw, at + "/switch"));
        if (b.port() < 1 || b.port() > 0xffffff00L) {
            throw error(at + "/port", "port " + b.port() + " is not a switch port number");
        }
        return new Binding.Static(dpid, OFPort.of(b.port()));
    }

    private String name(String value, String at, String what) {
        if (!value.matches("[A-Za-z0-9][A-Za-z0-9_.-]*")) {
            throw error(at, "'" + value + "' is not a usable " + what + " name (letters, digits, '-', '_', '.')");
        }
        return value;
    }

    private DatapathId dpid(String text, String at) {
        try {
            if (text.contains(":")) {
                return DatapathId.of(text);
            }
            return DatapathId.of(Long.parseUnsignedLong(text.startsWith("0x") ? text.substring(2) : text, 16));
        } catch (IllegalArgumentException e) {
            throw error(at, "'" + text + "' is not a datapath id (e.g. 00:00:00:00:00:00:00:a1 or 0xa1)");
        }
    }

    private IPv4Address ip(String text, String at) {
        try {
            if (text == null || !text.trim().matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
                throw new IllegalArgumentException();
            }
            return IPv4Address.of(text.trim());
        } catch (IllegalArgumentException e) {
            throw error(at, "'" + text + "' is not an IPv4 address");
        }
    }

    private MacAddress mac(String text, String at) {
        MacAddress m;
        try {
            m = MacAddress.of(text.trim());
        } catch (IllegalArgumentException e) {
            throw error(at, "'" + text + "' is not a MAC address (e.g. 02:00:0a:00:01:0b)");
        }
        if (m.isMulticast() || m.equals(MacAddress.NONE)) {
            throw error(at, m + " cannot be a port's address (it is " + (m.isMulticast() ? "multicast" : "zero") + ")");
        }
        return m;
    }
}
