package dev.weft.rest;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.weft.api.tenant.DhcpSettings;
import dev.weft.api.tenant.ExternalNetwork;
import dev.weft.api.tenant.LogicalNetwork;
import dev.weft.api.tenant.LogicalRouter;
import dev.weft.api.tenant.NetworkConfig;
import dev.weft.api.tenant.Tenant;

import static dev.weft.rest.Views.F;

/** JSON of routers, external networks and DHCP settings, as the config resolved them. */
final class RouterViews {
    private RouterViews() {
    }

    static ArrayNode routers(Tenant t) {
        ArrayNode a = F.arrayNode();
        t.routers().forEach(r -> a.add(router(r)));
        return a;
    }

    static ObjectNode router(LogicalRouter r) {
        ObjectNode o = F.objectNode();
        o.put("tenant", r.tenant());
        o.put("name", r.name());
        ArrayNode ports = o.putArray("ports");
        r.ports().forEach(p -> {
            ObjectNode q = ports.addObject();
            q.put("network", p.network());
            q.put("segment", p.segment());
            q.put("ip", p.ip().toString());
            q.put("subnet", p.subnet().toString());
            q.put("mac", p.mac().toString());
        });
        ArrayNode routes = o.putArray("routes");
        r.routes().forEach(s -> {
            ObjectNode q = routes.addObject();
            q.put("destination", s.destination().toString());
            q.put("next-hop", s.nextHop().toString());
            q.put("next-hop-port", s.nextHopPort());
        });
        r.gateway().ifPresentOrElse(g -> {
            ObjectNode q = o.putObject("gateway");
            q.put("network", g.network());
            q.put("ip", g.ip().toString());
            q.put("mac", g.mac().toString());
            q.put("snat", g.snat());
            q.put("conntrack-zone", g.zone());
            ArrayNode fl = q.putArray("floating-ips");
            g.floatingIps().forEach(f -> {
                ObjectNode x = fl.addObject();
                x.put("ip", f.ip().toString());
                x.put("port", f.port());
                x.put("fixed-ip", f.fixedIp().toString());
            });
        }, () -> o.putNull("gateway"));
        return o;
    }

    static ArrayNode externals(NetworkConfig c) {
        ArrayNode a = F.arrayNode();
        c.externalNetworks().forEach(x -> a.add(external(x)));
        return a;
    }

    static ObjectNode external(ExternalNetwork x) {
        ObjectNode o = F.objectNode();
        o.put("name", x.name());
        o.put("node", x.node());
        o.put("datapath-id", x.dpid().toString());
        o.put("uplink", x.uplink());
        o.put("subnet", x.subnet().toString());
        o.put("gateway", x.gateway().toString());
        o.put("gateway-mac", x.gatewayMac().map(Object::toString).orElse(null));
        return o;
    }

    /** A network's router (by name) and DHCP settings, added to its view. */
    static void into(ObjectNode o, LogicalNetwork n, NetworkConfig cfg) {
        o.put("router", cfg.router(n.segment()).map(LogicalRouter::name).orElse(null));
        n.dhcp().ifPresentOrElse(d -> o.set("dhcp", dhcp(d)), () -> o.putNull("dhcp"));
    }

    static ObjectNode dhcp(DhcpSettings d) {
        ObjectNode o = F.objectNode();
        o.put("server", d.server().toString());
        o.put("server-mac", d.serverMac().toString());
        o.put("gateway", d.gateway().map(Object::toString).orElse(null));
        ArrayNode dns = o.putArray("dns");
        d.dns().forEach(a -> dns.add(a.toString()));
        o.put("lease-seconds", d.lease().toSeconds());
        o.put("mtu", d.mtu());
        o.put("domain", d.domain().orElse(null));
        o.put("range", d.rangeStart().map(s -> s + "-" + d.rangeEnd().orElseThrow()).orElse(null));
        return o;
    }
}
