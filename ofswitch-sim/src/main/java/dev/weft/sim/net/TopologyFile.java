package dev.weft.sim.net;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;

/**
 * The line-oriented topology file format (see README.md). One statement per line, {@code #}
 * starts a comment, words are separated by blanks, options are {@code key=value}:
 * <pre>
 * switch s1 [dpid=1|00:00:00:00:00:00:00:01] [of=1.3|1.0,1.3] [ports=N]
 * hypervisor hv1 tep=192.168.100.1 [dpid=..] [of=..] [ports=N]
 * host h1 s1[:PORT] [mac=00:00:00:00:00:01] [ip=10.0.0.1] [iface=tap-vm1]
 * link s1[:PORT] s2[:PORT]
 * tunnel hv1 hv2
 * tunnels full-mesh
 * flow-tunnel hv1 [name=vxlan]
 * </pre>
 * Errors name the file and line.
 */
public final class TopologyFile {
    private TopologyFile() {
    }

    public static Topology read(Path file) throws IOException {
        return parse(Files.readAllLines(file), file.toString());
    }

    /** Parses lines; {@code source} names them in error messages. */
    public static Topology parse(List<String> lines, String source) {
        TopologyBuilder b = new TopologyBuilder();
        int hostCount = 0;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            int hash = line.indexOf('#');
            if (hash >= 0) {
                line = line.substring(0, hash);
            }
            line = line.trim();
            if (line.isEmpty()) {
                continue;
            }
            String where = source + ":" + (i + 1) + ": ";
            try {
                hostCount = statement(b, line.split("\\s+"), hostCount);
            } catch (IllegalArgumentException e) {
                throw new TopologyException(where + e.getMessage());
            }
        }
        return b.build();
    }

    private static int statement(TopologyBuilder b, String[] w, int hostCount) {
        String kw = w[0];
        List<String> positional = new ArrayList<>();
        Map<String, String> opts = new HashMap<>();
        for (int i = 1; i < w.length; i++) {
            int eq = w[i].indexOf('=');
            if (eq > 0) {
                if (opts.put(w[i].substring(0, eq), w[i].substring(eq + 1)) != null) {
                    throw new TopologyException("option " + w[i].substring(0, eq) + " given twice");
                }
            } else {
                positional.add(w[i]);
            }
        }
        switch (kw) {
            case "switch", "hypervisor" -> {
                expect(kw, positional, 1, opts, kw.equals("switch") ? Set.of("dpid", "of", "ports")
                        : Set.of("dpid", "of", "ports", "tep"));
                String name = positional.get(0);
                DatapathId dpid = opts.containsKey("dpid") ? dpid(opts.get("dpid")) : TopologyBuilder.defaultDpid(name);
                IPv4Address tep = null;
                if (kw.equals("hypervisor")) {
                    if (!opts.containsKey("tep")) {
                        throw new TopologyException("hypervisor " + name + " needs tep=<tunnel endpoint IPv4>");
                    }
                    tep = IPv4Address.of(opts.get("tep"));
                }
                int ports = opts.containsKey("ports") ? positiveInt("ports", opts.get("ports")) : 0;
                b.addSwitch(name, dpid, opts.containsKey("of") ? versions(opts.get("of")) : Set.of(), ports, tep);
            }
            case "host" -> {
                expect(kw, positional, 2, opts, Set.of("mac", "ip", "iface"));
                String[] at = at(positional.get(1));
                int n = hostCount + 1;
                MacAddress mac = opts.containsKey("mac") ? MacAddress.of(opts.get("mac")) : MacAddress.of(n);
                IPv4Address ip = opts.containsKey("ip") ? IPv4Address.of(opts.get("ip")) : IPv4Address.of(0x0a000000 + n);
                b.addHost(positional.get(0), mac, ip, at[0], port(at), opts.get("iface"));
                return hostCount + 1;
            }
            case "link" -> {
                expect(kw, positional, 2, opts, Set.of());
                String[] a = at(positional.get(0));
                String[] c = at(positional.get(1));
                b.addLink(a[0], port(a), c[0], port(c));
            }
            case "tunnel" -> {
                expect(kw, positional, 2, opts, Set.of());
                b.addTunnel(positional.get(0), positional.get(1));
            }
            case "tunnels" -> {
                expect(kw, positional, 1, opts, Set.of());
                if (!positional.get(0).equals("full-mesh")) {
                    throw new TopologyException("tunnels takes 'full-mesh'");
                }
                b.addFullTunnelMesh();
            }
            case "flow-tunnel" -> {
                expect(kw, positional, 1, opts, Set.of("name"));
                b.addFlowTunnel(positional.get(0), opts.getOrDefault("name", "vxlan"));
            }
            default -> throw new TopologyException("unknown statement '" + kw
                    + "' (expected switch, hypervisor, host, link, tunnel, tunnels, flow-tunnel)");
        }
        return hostCount;
    }

    private static void expect(String kw, List<String> positional, int n, Map<String, String> opts, Set<String> allowed) {
        if (positional.size() != n) {
            throw new TopologyException(kw + " takes " + n + " name(s), got " + positional.size());
        }
        for (String k : opts.keySet()) {
            if (!allowed.contains(k)) {
                throw new TopologyException(kw + ": unknown option " + k + " (allowed: " + allowed + ")");
            }
        }
    }

    private static String[] at(String s) {
        String[] p = s.split(":", -1);
        if (p.length > 2 || p[0].isEmpty() || (p.length == 2 && p[1].isEmpty())) {
            throw new TopologyException("'" + s + "' is not SWITCH or SWITCH:PORT");
        }
        return p;
    }

    private static OFPort port(String[] at) {
        return at.length == 2 ? OFPort.of(positiveInt("port", at[1])) : null;
    }

    private static int positiveInt(String what, String s) {
        try {
            int v = Integer.parseInt(s);
            if (v < 1) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw new TopologyException(what + " '" + s + "' is not a positive number");
        }
    }

    static DatapathId dpid(String s) {
        try {
            return s.contains(":") ? DatapathId.of(s) : DatapathId.of(Long.parseUnsignedLong(s));
        } catch (IllegalArgumentException e) {
            throw new TopologyException("dpid '" + s + "' is neither a number nor xx:xx:xx:xx:xx:xx:xx:xx");
        }
    }

    /** "1.0", "1.3", "1.0,1.3", "1.4", "1.5". */
    public static Set<OFVersion> versions(String s) {
        Set<OFVersion> v = EnumSet.noneOf(OFVersion.class);
        for (String p : s.split("[,+]")) {
            v.add(switch (p.trim()) {
                case "1.0" -> OFVersion.OF_10;
                case "1.1" -> OFVersion.OF_11;
                case "1.2" -> OFVersion.OF_12;
                case "1.3" -> OFVersion.OF_13;
                case "1.4" -> OFVersion.OF_14;
                case "1.5" -> OFVersion.OF_15;
                default -> throw new TopologyException("OpenFlow version '" + p + "' (use 1.0, 1.3, 1.4, 1.5)");
            });
        }
        return v;
    }
}
