package dev.weft.core.config;

import dev.weft.api.tenant.DhcpSettings;
import dev.weft.api.tenant.LogicalNetwork;
import dev.weft.api.tenant.LogicalPort;
import dev.weft.api.tenant.RouterPort;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.IPv4AddressWithMask;
import org.projectfloodlight.openflow.types.MacAddress;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A network's {@code dhcp} section, resolved against the router on the network: the server is the
 * router's port there (else {@code server-ip} must be given), the gateway offered is that router
 * port. Ports configured without an address get one from {@code range}: the lowest free one, in
 * the order of the ports in the file (so a port keeps its address as long as no port is added
 * before it; write the address in {@code ips} to pin it).
 */
final class DhcpResolver {
    static final Duration MIN_LEASE = Duration.ofMinutes(1);
    static final int MIN_MTU = 576;
    static final int MAX_MTU = 9000;

    private final ConfigPlaces at;
    private final TenantValidator.Draft net;
    private final Optional<RouterPort> router;

    DhcpResolver(ConfigPlaces at, TenantValidator.Draft net, Optional<RouterPort> router) {
        this.at = at;
        this.net = net;
        this.router = router;
    }

    LogicalNetwork resolve() {
        TenantDocs.Dhcp d = net.dhcp;
        if (d == null) {
            return new LogicalNetwork(net.tenant, net.name, net.segment, net.subnet, net.ports, Optional.empty());
        }
        String dat = net.pointer + "/dhcp";
        if (net.subnet.isEmpty()) {
            throw at.error(dat, "DHCP needs the network's subnet (give the network a subnet)");
        }
        IPv4AddressWithMask subnet = net.subnet.get();
        IPv4Address server;
        MacAddress serverMac;
        if (router.isPresent()) {
            if (d.serverIp() != null) {
                throw at.error(dat + "/server-ip", "network " + net.qualifiedName() + " is on a router: its DHCP server is "
                        + "the router's port " + router.get().ip() + "; remove server-ip");
            }
            server = router.get().ip();
            serverMac = router.get().mac();
        } else {
            if (d.serverIp() == null) {
                throw at.error(dat, "server-ip is required when no router is on the network (the address DHCP answers "
                        + "from)");
            }
            server = inSubnet(d.serverIp(), dat + "/server-ip", subnet);
            String holder = net.ips.get(server);
            if (holder != null) {
                throw at.clash(dat + "/server-ip", server + " is already port '" + holder + "' in network "
                        + net.qualifiedName());
            }
            serverMac = ConfigPlaces.derivedMac(server);
            if (net.macs.contains(serverMac)) {
                throw at.clash(dat + "/server-ip", "MAC " + serverMac + " (derived from " + server
                        + ") is already a port's in network " + net.qualifiedName());
            }
        }
        List<IPv4Address> dns = new ArrayList<>();
        List<String> dnsDocs = d.dns() == null ? List.of() : d.dns();
        for (int i = 0; i < dnsDocs.size(); i++) {
            dns.add(at.ip(dnsDocs.get(i), dat + "/dns/" + i));
        }
        Duration lease = d.lease() == null ? DhcpSettings.DEFAULT_LEASE : d.lease();
        if (lease.compareTo(MIN_LEASE) < 0 || lease.toSeconds() > 0xfffffffeL) {
            throw at.error(dat + "/lease", "a lease must be at least " + Durations.format(MIN_LEASE));
        }
        int mtu = d.mtu() == null ? DhcpSettings.DEFAULT_MTU : d.mtu();
        if (mtu < MIN_MTU || mtu > MAX_MTU) {
            throw at.error(dat + "/mtu", "mtu " + mtu + " is out of range " + MIN_MTU + ".." + MAX_MTU);
        }
        Optional<String> domain = Optional.empty();
        if (d.domain() != null) {
            String name = d.domain().trim();
            if (!name.matches("[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*")
                    || name.length() > 253) {
                throw at.error(dat + "/domain", "'" + d.domain() + "' is not a domain name");
            }
            domain = Optional.of(name);
        }
        Optional<IPv4Address> start = Optional.empty();
        Optional<IPv4Address> end = Optional.empty();
        List<LogicalPort> ports = net.ports;
        if (d.range() != null) {
            String[] ends = d.range().split("-", -1);
            if (ends.length != 2) {
                throw at.error(dat + "/range", "'" + d.range() + "' is not a range such as 10.0.1.100-10.0.1.199");
            }
            start = Optional.of(inSubnet(ends[0], dat + "/range", subnet));
            end = Optional.of(inSubnet(ends[1], dat + "/range", subnet));
            if (start.get().compareTo(end.get()) > 0) {
                throw at.error(dat + "/range", "the range " + d.range() + " ends before it starts");
            }
            ports = allocate(start.get(), end.get(), server, dat + "/range");
        }
        DhcpSettings settings = new DhcpSettings(server, serverMac, router.map(RouterPort::ip), dns, lease, mtu,
                domain, start, end);
        return new LogicalNetwork(net.tenant, net.name, net.segment, net.subnet, ports, Optional.of(settings));
    }

    private IPv4Address inSubnet(String text, String pointer, IPv4AddressWithMask subnet) {
        IPv4Address ip = at.ip(text, pointer);
        if (!subnet.contains(ip)) {
            throw at.error(pointer, ip + " is outside the network's subnet " + subnet);
        }
        return ip;
    }

    /** The ports, those without an address given the lowest free one of the range. */
    private List<LogicalPort> allocate(IPv4Address start, IPv4Address end, IPv4Address server, String pointer) {
        List<LogicalPort> out = new ArrayList<>();
        long next = start.getInt() & 0xffffffffL;
        long last = end.getInt() & 0xffffffffL;
        for (LogicalPort p : net.ports) {
            if (!p.ips().isEmpty()) {
                out.add(p);
                continue;
            }
            while (next <= last && taken(IPv4Address.of((int) next), server)) {
                next++;
            }
            if (next > last) {
                throw at.error(pointer, "no address left in the range for port '" + p.name() + "' ("
                        + (last - (start.getInt() & 0xffffffffL) + 1) + " addresses, all in use)");
            }
            IPv4Address ip = IPv4Address.of((int) next++);
            net.ips.put(ip, p.name());
            out.add(new LogicalPort(p.name(), p.tenant(), p.network(), p.segment(), p.mac(), List.of(ip), p.binding(),
                    p.policy()));
        }
        return out;
    }

    private boolean taken(IPv4Address ip, IPv4Address server) {
        return net.ips.containsKey(ip) || ip.equals(server) || router.map(r -> r.ip().equals(ip)).orElse(false);
    }
}
