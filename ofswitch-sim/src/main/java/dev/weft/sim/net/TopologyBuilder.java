package dev.weft.sim.net;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;

/**
 * Builds a {@link Topology} step by step, numbering ports as Mininet does (each new attachment
 * takes the switch's highest port + 1), naming switch ports {@code <switch>-eth<port>}, and
 * giving the n-th host MAC {@code 00:00:00:00:00:0n} and IP {@code 10.0.0.n} unless told
 * otherwise. A switch's default dpid is the first number in its name (s12 → 0x0c), as in Mininet.
 * Names must be unique; MACs and IPs may repeat (tenants may overlap).
 */
public final class TopologyBuilder {
    private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_.-]*");
    private static final Pattern DIGITS = Pattern.compile("\\d+");

    private final Map<String, Topology.SwitchSpec> switches = new LinkedHashMap<>();
    private final Map<String, Topology.HostSpec> hosts = new LinkedHashMap<>();
    private final List<Topology.LinkSpec> links = new ArrayList<>();
    private final List<Topology.TunnelSpec> tunnels = new ArrayList<>();
    private final List<Topology.FlowTunnelSpec> flowTunnels = new ArrayList<>();
    private final Map<String, Set<Integer>> usedPorts = new HashMap<>();
    private final Set<DatapathId> dpids = new HashSet<>();
    private int hostCount;

    public TopologyBuilder addSwitch(String name) {
        return addSwitch(name, defaultDpid(name), Set.of(), 0, null);
    }

    /** Adds a switch; {@code versions} empty = network default; {@code tunnelEndpoint} null unless a hypervisor. */
    public TopologyBuilder addSwitch(String name, DatapathId dpid, Set<OFVersion> versions, int ports,
                                     IPv4Address tunnelEndpoint) {
        checkNewName(name);
        if (!dpids.add(dpid)) {
            throw new TopologyException("switch " + name + ": datapath id " + dpid + " is already used");
        }
        switches.put(name, new Topology.SwitchSpec(name, dpid, versions, ports, tunnelEndpoint));
        Set<Integer> used = new HashSet<>();
        for (int i = 1; i <= ports; i++) {
            used.add(i);
        }
        usedPorts.put(name, used);
        return this;
    }

    /** Adds a host on the switch's next port, with the next default MAC and IP. */
    public TopologyBuilder addHost(String name, String switchName) {
        int n = hostCount + 1;
        return addHost(name, MacAddress.of(n), IPv4Address.of(0x0a000000 + n), switchName, null, null);
    }

    /** Adds a host; {@code port} null = next port; {@code iface} null = the port's name. */
    public TopologyBuilder addHost(String name, MacAddress mac, IPv4Address ip, String switchName, OFPort port,
                                   String iface) {
        checkNewName(name);
        OFPort p = claim(switchName, port, "host " + name);
        String ifName = iface == null ? portName(switchName, p) : iface;
        hosts.put(name, new Topology.HostSpec(name, mac, ip, switchName, p, ifName));
        hostCount++;
        return this;
    }

    public TopologyBuilder addLink(String a, String b) {
        return addLink(a, null, b, null);
    }

    /** Links two switch ports; a null port takes the switch's next port. */
    public TopologyBuilder addLink(String a, OFPort portA, String b, OFPort portB) {
        if (a.equals(b)) {
            throw new TopologyException("link " + a + "-" + b + ": a switch cannot link to itself");
        }
        OFPort pa = claim(a, portA, "link " + a + "-" + b);
        OFPort pb = claim(b, portB, "link " + a + "-" + b);
        links.add(new Topology.LinkSpec(a, pa, b, pb));
        return this;
    }

    /** A tunnel between two hypervisors: ports vx-B on A and vx-A on B. */
    public TopologyBuilder addTunnel(String a, String b) {
        requireHypervisor(a, "tunnel " + a + "-" + b);
        requireHypervisor(b, "tunnel " + a + "-" + b);
        if (a.equals(b)) {
            throw new TopologyException("tunnel " + a + "-" + b + ": a hypervisor cannot tunnel to itself");
        }
        for (Topology.TunnelSpec t : tunnels) {
            if ((t.switchA().equals(a) && t.switchB().equals(b)) || (t.switchA().equals(b) && t.switchB().equals(a))) {
                throw new TopologyException("tunnel " + a + "-" + b + " is defined twice");
            }
        }
        tunnels.add(new Topology.TunnelSpec(a, claim(a, null, "tunnel"), b, claim(b, null, "tunnel")));
        return this;
    }

    /** A tunnel between every pair of hypervisors not yet tunnelled. */
    public TopologyBuilder addFullTunnelMesh() {
        List<String> hvs = switches.values().stream().filter(Topology.SwitchSpec::isHypervisor)
                .map(Topology.SwitchSpec::name).toList();
        for (int i = 0; i < hvs.size(); i++) {
            for (int j = i + 1; j < hvs.size(); j++) {
                String a = hvs.get(i);
                String b = hvs.get(j);
                boolean exists = tunnels.stream().anyMatch(t -> (t.switchA().equals(a) && t.switchB().equals(b))
                        || (t.switchA().equals(b) && t.switchB().equals(a)));
                if (!exists) {
                    addTunnel(a, b);
                }
            }
        }
        return this;
    }

    /** A flow-based tunnel port on a hypervisor (remote chosen by set_field tunnel_ipv4_dst). */
    public TopologyBuilder addFlowTunnel(String sw, String portName) {
        requireHypervisor(sw, "flow tunnel on " + sw);
        flowTunnels.add(new Topology.FlowTunnelSpec(sw, claim(sw, null, "flow tunnel"), portName));
        return this;
    }

    public Topology build() {
        return new Topology(switches, hosts, links, tunnels, flowTunnels);
    }

    boolean hasSwitch(String name) {
        return switches.containsKey(name);
    }

    static String portName(String switchName, OFPort port) {
        return switchName + "-eth" + port.getPortNumber();
    }

    /** Mininet's rule: the first number in the name, e.g. s12 → 00:00:00:00:00:00:00:0c. */
    static DatapathId defaultDpid(String name) {
        Matcher m = DIGITS.matcher(name);
        if (!m.find()) {
            throw new TopologyException("switch " + name + ": no number in the name to derive a dpid from; give dpid=");
        }
        try {
            return DatapathId.of(Long.parseLong(m.group()));
        } catch (NumberFormatException e) {
            throw new TopologyException("switch " + name + ": number too large for a dpid");
        }
    }

    private void requireHypervisor(String sw, String what) {
        Topology.SwitchSpec s = switches.get(sw);
        if (s == null) {
            throw new TopologyException(what + ": unknown switch " + sw);
        }
        if (!s.isHypervisor()) {
            throw new TopologyException(what + ": " + sw + " is not a hypervisor (it has no tunnel endpoint)");
        }
    }

    private void checkNewName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new TopologyException("bad name '" + name + "': use letters, digits, '_', '.', '-', starting with a letter");
        }
        if (switches.containsKey(name) || hosts.containsKey(name)) {
            throw new TopologyException("name " + name + " is used twice");
        }
    }

    private OFPort claim(String sw, OFPort port, String what) {
        Set<Integer> used = usedPorts.get(sw);
        if (used == null) {
            throw new TopologyException(what + ": unknown switch " + sw);
        }
        int n;
        if (port == null) {
            n = used.stream().mapToInt(Integer::intValue).max().orElse(0) + 1;
        } else {
            n = port.getPortNumber();
            if (n < 1 || n > 0xfeff) {
                throw new TopologyException(what + ": port " + Integer.toUnsignedString(n) + " on " + sw
                        + " is out of range 1..65279");
            }
            if (used.contains(n) && n > switches.get(sw).ports()) {
                throw new TopologyException(what + ": port " + n + " on " + sw + " is already in use");
            }
            if (isAttached(sw, n)) {
                throw new TopologyException(what + ": port " + n + " on " + sw + " is already in use");
            }
        }
        used.add(n);
        return OFPort.of(n);
    }

    private boolean isAttached(String sw, int n) {
        for (Topology.HostSpec h : hosts.values()) {
            if (h.switchName().equals(sw) && h.port().getPortNumber() == n) {
                return true;
            }
        }
        for (Topology.LinkSpec l : links) {
            if ((l.switchA().equals(sw) && l.portA().getPortNumber() == n)
                    || (l.switchB().equals(sw) && l.portB().getPortNumber() == n)) {
                return true;
            }
        }
        return false;
    }
}
