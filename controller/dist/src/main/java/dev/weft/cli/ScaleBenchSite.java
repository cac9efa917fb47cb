package dev.weft.cli;

import dev.weft.api.tenant.DhcpSettings;
import dev.weft.api.tenant.ExternalNetwork;
import dev.weft.api.tenant.LogicalNetwork;
import dev.weft.api.tenant.LogicalPort;
import dev.weft.api.tenant.LogicalRouter;
import dev.weft.api.tenant.NetworkConfig;
import dev.weft.api.tenant.RouterGateway;
import dev.weft.api.tenant.RouterPort;
import dev.weft.api.tenant.Tenant;
import dev.weft.api.tenant.TransportNode;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.IPv4AddressWithMask;
import org.projectfloodlight.openflow.types.MacAddress;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The scale benchmark's site with a router per tenant: network n of every tenant becomes
 * 10.n.0.0/16 (its ports 10.n.x.y, the same in every tenant, as tenants would have), with DHCP and
 * a router port at 10.n.255.254; each tenant's router joins all its networks and leads out through
 * one external network on hv0 (100.64.0.0/10), from an address whose last 16 bits (its zone) are
 * unique.
 */
final class ScaleBenchSite {
    static final String EXTERNAL = "public";
    /** One conntrack zone per router on hv0, from the last 16 bits of its gateway address (0 and 0xffff unused). */
    static final int MAX_ROUTED_TENANTS = 0xfffe;

    private ScaleBenchSite() {
    }

    static ScaleBenchCommand.Site withRouters(ScaleBenchCommand.Site site) {
        NetworkConfig c = site.config();
        TransportNode gw = c.transportNodes().get(0);
        IPv4AddressWithMask outside = IPv4AddressWithMask.of("100.64.0.0/10");
        ExternalNetwork x = new ExternalNetwork(EXTERNAL, gw.name(), gw.dpid(), "uplink0", outside,
                IPv4Address.of("100.64.0.1"), Optional.of(MacAddress.of("02:00:64:40:00:01")));
        if (c.tenants().size() > MAX_ROUTED_TENANTS) {
            throw new IllegalArgumentException("--routers: at most " + MAX_ROUTED_TENANTS
                    + " tenants (one conntrack zone each on hv0)");
        }
        List<Tenant> tenants = new ArrayList<>();
        int t = 0;
        for (Tenant tenant : c.tenants()) {
            t++;
            List<LogicalNetwork> nets = new ArrayList<>();
            List<RouterPort> ports = new ArrayList<>();
            int n = 0;
            for (LogicalNetwork net : tenant.networks()) {
                IPv4AddressWithMask subnet = IPv4AddressWithMask.of(IPv4Address.of((10 << 24) | (n << 16)),
                        IPv4Address.of(0xffff0000));
                IPv4Address gwIp = IPv4Address.of((10 << 24) | (n << 16) | 0xfffe);
                List<LogicalPort> lps = new ArrayList<>();
                int k = 0;
                for (LogicalPort p : net.ports()) {
                    k++;
                    lps.add(new LogicalPort(p.name(), p.tenant(), p.network(), p.segment(), p.mac(),
                            List.of(IPv4Address.of((10 << 24) | (n << 16) | (k & 0xffff))), p.binding()));
                }
                RouterPort rp = new RouterPort(net.name(), net.segment(), gwIp, subnet,
                        MacAddress.of(0x0a0000000000L | (gwIp.getInt() & 0xffffffffL)));
                ports.add(rp);
                DhcpSettings dhcp = new DhcpSettings(gwIp, rp.mac(), Optional.of(gwIp), List.of(gwIp),
                        Duration.ofHours(1), DhcpSettings.DEFAULT_MTU, Optional.empty(), Optional.empty(),
                        Optional.empty());
                nets.add(new LogicalNetwork(net.tenant(), net.name(), net.segment(), Optional.of(subnet), lps,
                        Optional.of(dhcp)));
                n++;
            }
            IPv4Address ext = IPv4Address.of((100 << 24) | (65 << 16) | t);
            RouterGateway g = new RouterGateway(EXTERNAL, ext, MacAddress.of(0x0a0000000000L | (ext.getInt() & 0xffffffffL)),
                    true, List.of(), t);
            tenants.add(new Tenant(tenant.name(), nets, List.of(new LogicalRouter(tenant.name(), "r", ports, List.of(),
                    Optional.of(g)))));
        }
        return new ScaleBenchCommand.Site(new NetworkConfig(c.transportNodes(), tenants, List.of(x)), site.locations(),
                site.tunnels());
    }
}
