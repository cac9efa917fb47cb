package dev.weft.core.config;

import dev.weft.api.tenant.ExternalNetwork;
import dev.weft.api.tenant.FloatingIp;
import dev.weft.api.tenant.LogicalNetwork;
import dev.weft.api.tenant.LogicalPort;
import dev.weft.api.tenant.LogicalRouter;
import dev.weft.api.tenant.RouterGateway;
import dev.weft.api.tenant.RouterPort;
import dev.weft.api.tenant.StaticRoute;
import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.IPv4AddressWithMask;
import org.projectfloodlight.openflow.types.MacAddress;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A tenant's {@code routers}, in two steps: their ports first (so that DHCP ranges can avoid the
 * routers' addresses), then, once every port has its address, their routes and gateways. A network
 * joins at most one router; a router's networks' subnets do not overlap; its addresses and MACs
 * are not a port's; a route's next hop is a logical port Weft knows; gateway and floating
 * addresses are unique on their external network (across tenants: {@link Outside}).
 */
final class RouterValidator {
    private final ConfigPlaces at;
    private final String tenant;
    private final Map<String, TenantValidator.Draft> networks = new LinkedHashMap<>();
    private final Outside outside;
    /** Each router's ports, by router index, from the first step. */
    private final Map<Integer, List<RouterPort>> portsOf = new HashMap<>();

    /** What routers of every tenant share: the external networks and the addresses taken on them. */
    static final class Outside {
        final Map<String, ExternalNetwork> byName = new LinkedHashMap<>();
        final Map<String, Map<IPv4Address, String>> taken = new HashMap<>();
        final Map<DatapathId, Map<Integer, String>> zones = new HashMap<>();

        Outside(List<ExternalNetwork> externals) {
            for (ExternalNetwork x : externals) {
                byName.put(x.name(), x);
                taken.computeIfAbsent(x.name(), n -> new HashMap<>()).put(x.gateway(), "its gateway");
            }
        }
    }

    RouterValidator(ConfigPlaces at, String tenant, List<TenantValidator.Draft> drafts, Outside outside) {
        this.at = at;
        this.tenant = tenant;
        drafts.forEach(d -> networks.put(d.name, d));
        this.outside = outside;
    }

    /** Step one: the routers' ports, by the segment of the network each is on. */
    Map<Integer, RouterPort> ports(List<TenantDocs.Router> docs, String tat) {
        Map<Integer, RouterPort> attached = new HashMap<>();
        Map<Integer, String> attachedTo = new HashMap<>();
        Set<String> names = new HashSet<>();
        for (int r = 0; r < docs.size(); r++) {
            TenantDocs.Router d = docs.get(r);
            String rat = tat + "/routers/" + r;
            if (d == null) {
                throw at.error(rat, "empty entry");
            }
            String name = at.name(at.required(d.name(), rat, "name"), rat + "/name", "router");
            if (!names.add(name)) {
                throw at.clash(rat + "/name", "tenant '" + tenant + "' has two routers named '" + name + "'");
            }
            List<TenantDocs.RouterPort> pds = d.ports() == null ? List.of() : d.ports();
            if (pds.isEmpty()) {
                throw at.error(rat, "a router needs ports: [{ network: NAME, ip: ADDRESS }, ...]");
            }
            List<RouterPort> ports = new ArrayList<>();
            for (int i = 0; i < pds.size(); i++) {
                String pat = rat + "/ports/" + i;
                RouterPort p = port(pds.get(i), pat);
                String other = attachedTo.putIfAbsent(p.segment(), name);
                if (other != null) {
                    throw at.clash(pat + "/network", "network " + tenant + "/" + p.network() + " is already on router '"
                            + other + "' (a network joins one router)");
                }
                for (RouterPort q : ports) {
                    if (q.subnet().contains(p.subnet().getValue()) || p.subnet().contains(q.subnet().getValue())) {
                        throw at.error(pat + "/network", "the subnets of networks " + q.network() + " (" + q.subnet()
                                + ") and " + p.network() + " (" + p.subnet() + ") overlap: router '" + name
                                + "' could not tell them apart");
                    }
                }
                ports.add(p);
                attached.put(p.segment(), p);
            }
            portsOf.put(r, ports);
        }
        return attached;
    }

    private RouterPort port(TenantDocs.RouterPort d, String pat) {
        if (d == null) {
            throw at.error(pat, "empty entry");
        }
        String netName = at.required(d.network(), pat, "network");
        TenantValidator.Draft net = networks.get(netName);
        if (net == null) {
            throw at.error(pat + "/network", "tenant '" + tenant + "' has no network '" + netName + "'");
        }
        if (net.subnet.isEmpty()) {
            throw at.error(pat + "/network", "network " + net.qualifiedName()
                    + " has no subnet; a router port needs one (give the network a subnet)");
        }
        IPv4AddressWithMask subnet = net.subnet.get();
        IPv4Address ip = at.ip(at.required(d.ip(), pat, "ip"), pat + "/ip");
        if (!subnet.contains(ip)) {
            throw at.error(pat + "/ip", ip + " is outside the network's subnet " + subnet);
        }
        if (subnet.getMask().asCidrMaskLength() < 31 && (ip.equals(subnet.getValue().and(subnet.getMask()))
                || ip.equals(subnet.getValue().or(subnet.getMask().not())))) {
            throw at.error(pat + "/ip", ip + " is the network's " + (ip.equals(subnet.getValue().and(subnet.getMask()))
                    ? "own" : "broadcast") + " address in " + subnet);
        }
        String holder = net.ips.get(ip);
        if (holder != null) {
            throw at.clash(pat + "/ip", ip + " is already port '" + holder + "' in network " + net.qualifiedName());
        }
        MacAddress mac = d.mac() == null ? ConfigPlaces.derivedMac(ip) : at.mac(d.mac(), pat + "/mac");
        if (net.macs.contains(mac)) {
            throw at.clash(d.mac() == null ? pat + "/ip" : pat + "/mac", "MAC " + mac
                    + " is already a port's in network " + net.qualifiedName()
                    + (d.mac() == null ? " (the MAC Weft derives from this address; give the router port a mac)" : ""));
        }
        return new RouterPort(net.name, net.segment, ip, subnet, mac);
    }

    /** Step two, once DHCP gave out its addresses: the routers with their routes and gateways. */
    List<LogicalRouter> routers(List<TenantDocs.Router> docs, String tat, List<LogicalNetwork> nets) {
        Map<String, LogicalPort> byIp = new HashMap<>();
        Map<String, LogicalPort> byName = new HashMap<>();
        for (LogicalNetwork n : nets) {
            for (LogicalPort p : n.ports()) {
                byName.put(p.name(), p);
                p.ips().forEach(ip -> byIp.put(n.segment() + "/" + ip, p));
            }
        }
        List<LogicalRouter> out = new ArrayList<>();
        for (int r = 0; r < docs.size(); r++) {
            TenantDocs.Router d = docs.get(r);
            String rat = tat + "/routers/" + r;
            String name = d.name().trim();
            List<RouterPort> ports = portsOf.get(r);
            List<StaticRoute> routes = new ArrayList<>();
            Set<IPv4AddressWithMask> destinations = new HashSet<>();
            List<TenantDocs.Route> rds = d.routes() == null ? List.of() : d.routes();
            for (int i = 0; i < rds.size(); i++) {
                String qat = rat + "/routes/" + i;
                TenantDocs.Route rd = rds.get(i);
                if (rd == null) {
                    throw at.error(qat, "empty entry");
                }
                IPv4AddressWithMask dst = at.subnet(at.required(rd.destination(), qat, "destination"), qat + "/destination");
                dst = IPv4AddressWithMask.of(dst.getValue().and(dst.getMask()), dst.getMask());
                if (!destinations.add(dst)) {
                    throw at.clash(qat + "/destination", "router '" + name + "' has two routes to " + dst);
                }
                for (RouterPort p : ports) {
                    if (p.subnet().contains(dst.getValue())
                            && dst.getMask().asCidrMaskLength() >= p.subnet().getMask().asCidrMaskLength()) {
                        throw at.error(qat + "/destination", dst + " is inside network " + p.network() + " (" + p.subnet()
                                + "): the router reaches its own networks' addresses by itself");
                    }
                }
                if (dst.getMask().asCidrMaskLength() == 0 && d.gateway() != null) {
                    throw at.error(qat + "/destination", "a default route and a gateway both lead everywhere: "
                            + "router '" + name + "' has a gateway, drop this route or the gateway");
                }
                IPv4Address hop = at.ip(at.required(rd.nextHop(), qat, "next-hop"), qat + "/next-hop");
                RouterPort via = ports.stream().filter(p -> p.subnet().contains(hop)).findFirst()
                        .orElseThrow(() -> at.error(qat + "/next-hop", hop + " is on none of router '" + name
                                + "''s networks"));
                LogicalPort port = byIp.get(via.segment() + "/" + hop);
                if (port == null) {
                    throw at.error(qat + "/next-hop", hop + " is no logical port's address in network " + tenant + "/"
                            + via.network() + " (Weft routes to addresses it knows, without ARP)");
                }
                routes.add(new StaticRoute(dst, hop, port.name(), via.segment()));
            }
            Optional<RouterGateway> gateway = d.gateway() == null ? Optional.empty()
                    : Optional.of(gateway(d.gateway(), rat + "/gateway", name, ports, byName));
            out.add(new LogicalRouter(tenant, name, ports, routes, gateway));
        }
        return out;
    }

    private RouterGateway gateway(TenantDocs.Gateway d, String gat, String router, List<RouterPort> ports,
                                  Map<String, LogicalPort> byName) {
        String netName = at.required(d.network(), gat, "network");
        ExternalNetwork x = outside.byName.get(netName);
        if (x == null) {
            throw at.error(gat + "/network", "'" + netName + "' is not an external network (known: "
                    + String.join(", ", outside.byName.keySet()) + ")");
        }
        String who = "router " + tenant + "/" + router;
        IPv4Address ip = outsideAddress(x, d.ip(), gat + "/ip", gat, who);
        int zone = ip.getInt() & 0xffff;
        if (zone == 0) {
            throw at.error(gat + "/ip", ip + " cannot be a gateway address: its last 16 bits (0) name the router's "
                    + "connection-tracking zone, which must not be 0");
        }
        String other = outside.zones.computeIfAbsent(x.dpid(), z -> new HashMap<>()).putIfAbsent(zone, who);
        if (other != null) {
            throw at.clash(gat + "/ip", ip + " ends like the gateway address of " + other + " on the same gateway node "
                    + "(the last 16 bits name the connection-tracking zone); choose another address");
        }
        MacAddress mac = d.mac() == null ? ConfigPlaces.derivedMac(ip) : at.mac(d.mac(), gat + "/mac");
        List<FloatingIp> floating = new ArrayList<>();
        Set<String> floated = new HashSet<>();
        List<TenantDocs.Floating> fds = d.floatingIps() == null ? List.of() : d.floatingIps();
        for (int i = 0; i < fds.size(); i++) {
            String fat = gat + "/floating-ips/" + i;
            TenantDocs.Floating fd = fds.get(i);
            if (fd == null) {
                throw at.error(fat, "empty entry");
            }
            String portName = at.required(fd.port(), fat, "port");
            LogicalPort p = byName.get(portName);
            if (p == null) {
                throw at.error(fat + "/port", "tenant '" + tenant + "' has no logical port '" + portName + "'");
            }
            if (ports.stream().noneMatch(rp -> rp.segment() == p.segment())) {
                throw at.error(fat + "/port", "port '" + portName + "' is on network " + tenant + "/" + p.network()
                        + ", which router '" + router + "' is not on");
            }
            if (p.ips().isEmpty()) {
                throw at.error(fat + "/port", "port '" + portName + "' has no address to translate to");
            }
            if (!floated.add(portName)) {
                throw at.clash(fat + "/port", "port '" + portName + "' already has a floating IP");
            }
            IPv4Address fip = outsideAddress(x, fd.ip(), fat + "/ip", fat, "floating IP of port '" + portName + "'");
            floating.add(new FloatingIp(fip, portName, p.ips().get(0)));
        }
        return new RouterGateway(x.name(), ip, mac, d.snat() == null || d.snat(), floating, zone);
    }

    private IPv4Address outsideAddress(ExternalNetwork x, String text, String pointer, String parent, String who) {
        IPv4Address ip = at.ip(at.required(text, parent, "ip"), pointer);
        if (!x.subnet().contains(ip)) {
            throw at.error(pointer, ip + " is outside external network " + x.name() + "'s subnet " + x.subnet());
        }
        String other = outside.taken.get(x.name()).putIfAbsent(ip, who);
        if (other != null) {
            throw at.clash(pointer, ip + " is already " + other + " on external network " + x.name());
        }
        return ip;
    }
}
