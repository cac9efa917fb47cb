package dev.weft.core.config;

import dev.weft.api.tenant.DhcpSettings;
import dev.weft.api.tenant.LogicalRouter;
import dev.weft.api.tenant.NetworkConfig;
import dev.weft.api.tenant.RouterGateway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Routers, DHCP and external networks in the config file: resolved as documented, every mistake with its line. */
class RouterConfigTest {
    static final String GOOD = """
            transport-nodes:
              - name: hv1
                datapath-id: 0xa1
                tunnel-ip: 10.77.0.1
              - name: gw1
                datapath-id: 0xa9
                tunnel-ip: 10.77.0.9
            external-networks:
              - name: public
                node: gw1
                uplink: uplink0
                subnet: 203.0.113.0/24
                gateway: 203.0.113.1
                gateway-mac: "02:00:cb:00:71:01"
            tenants:
              - name: acme
                networks:
                  - name: web
                    segment: 6001
                    subnet: 10.0.1.0/24
                    dhcp:
                      range: 10.0.1.100-10.0.1.101
                      dns: [9.9.9.9]
                      lease: 2h
                    ports:
                      - name: web1
                        mac: "02:00:00:00:01:01"
                        ips: [10.0.1.11]
                        binding: { interface: vm-web1 }
                      - name: web2
                        mac: "02:00:00:00:01:02"
                        binding: { interface: vm-web2 }
                  - name: db
                    segment: 6002
                    subnet: 10.0.2.0/24
                    ports:
                      - name: db1
                        mac: "02:00:00:00:02:01"
                        ips: [10.0.2.11]
                        binding: { interface: vm-db1 }
                      - name: vpn
                        mac: "02:00:00:00:02:02"
                        ips: [10.0.2.254]
                        binding: { interface: vm-vpn }
                  - name: lab
                    segment: 6003
                    subnet: 10.0.3.0/24
                    dhcp: { server-ip: 10.0.3.2, mtu: 1400 }
                    ports: []
                routers:
                  - name: edge
                    ports:
                      - { network: web, ip: 10.0.1.1 }
                      - { network: db, ip: 10.0.2.1, mac: "02:00:00:00:ff:01" }
                    routes:
                      - { destination: 192.168.0.0/16, next-hop: 10.0.2.254 }
                    gateway:
                      network: public
                      ip: 203.0.113.10
                      floating-ips:
                        - { ip: 203.0.113.20, port: web1 }
              - name: globex
                networks:
                  - name: web
                    segment: 6101
                    subnet: 10.0.1.0/24
                    ports:
                      - name: g-web1
                        mac: "02:00:00:00:01:01"
                        ips: [10.0.1.11]
                        binding: { interface: vm-g-web1 }
                routers:
                  - name: edge
                    ports:
                      - { network: web, ip: 10.0.1.1 }
                    gateway: { network: public, ip: 203.0.113.11, snat: false }
            """;

    static ConfigException fails(String yaml) {
        return assertThrows(ConfigException.class, () -> ConfigLoader.parse(yaml, "weft.yaml"));
    }

    static NetworkConfig good() {
        return ConfigLoader.parse(GOOD, "weft.yaml").network();
    }

    @Test
    void routersArePortsOnTheirTenantsNetworks() {
        NetworkConfig c = good();
        LogicalRouter edge = c.router(6001).orElseThrow();
        assertEquals("acme/edge", edge.qualifiedName());
        assertEquals(edge, c.router(6002).orElseThrow(), "one router on both networks");
        assertEquals(Optional.empty(), c.router(6003), "lab is on no router");
        assertEquals(IPv4Address.of("10.0.1.1"), edge.port(6001).orElseThrow().ip());
        assertEquals(MacAddress.of("0a:00:0a:00:01:01"), edge.port(6001).orElseThrow().mac(),
                "a router port without a MAC gets 0a:00 + its address");
        assertEquals(MacAddress.of("02:00:00:00:ff:01"), edge.port(6002).orElseThrow().mac());
        assertEquals(Set.of(6002), c.routedPeers(6001));
        assertEquals(Set.of(), c.routedPeers(6003));
        var route = edge.routes().get(0);
        assertEquals("vpn", route.nextHopPort());
        assertEquals(6002, route.segment());
        // The twin tenant's router has the very same addresses and MACs: allowed, they never meet.
        assertEquals(edge.port(6001).orElseThrow().mac(), c.router(6101).orElseThrow().port(6101).orElseThrow().mac());
    }

    @Test
    void gatewaysAndFloatingIpsAreOnTheExternalNetwork() {
        NetworkConfig c = good();
        var x = c.externalNetwork("public").orElseThrow();
        assertEquals(c.node("gw1").orElseThrow().dpid(), x.dpid());
        assertEquals("uplink0", x.uplink());
        RouterGateway g = c.router(6001).orElseThrow().gateway().orElseThrow();
        assertTrue(g.snat(), "SNAT is on unless turned off");
        assertEquals(0x710a, g.zone(), "the zone is the last 16 bits of the gateway address (113.10)");
        assertEquals(IPv4Address.of("10.0.1.11"), g.floatingIps().get(0).fixedIp());
        assertEquals(false, c.router(6101).orElseThrow().gateway().orElseThrow().snat());
        assertEquals(Optional.of(x.dpid()), c.gatewayNode(6002));
        assertEquals(Optional.empty(), c.gatewayNode(6003));
    }

    @Test
    void dhcpServesFromTheRouterAndGivesOutTheRange() {
        NetworkConfig c = good();
        DhcpSettings web = c.network(6001).orElseThrow().dhcp().orElseThrow();
        assertEquals(IPv4Address.of("10.0.1.1"), web.server());
        assertEquals(Optional.of(IPv4Address.of("10.0.1.1")), web.gateway());
        assertEquals(List.of(IPv4Address.of("9.9.9.9")), web.dns());
        assertEquals(Duration.ofHours(2), web.lease());
        assertEquals(1450, web.mtu(), "1500 minus VXLAN's 50 bytes unless configured");
        assertEquals(List.of(IPv4Address.of("10.0.1.100")), c.port("web2").orElseThrow().ips(),
                "a port without an address gets the first free one of the range");
        DhcpSettings lab = c.network(6003).orElseThrow().dhcp().orElseThrow();
        assertEquals(IPv4Address.of("10.0.3.2"), lab.server());
        assertEquals(MacAddress.of("0a:00:0a:00:03:02"), lab.serverMac());
        assertEquals(Optional.empty(), lab.gateway(), "no router, no gateway");
        assertEquals(1400, lab.mtu());
        assertEquals(Optional.empty(), c.network(6002).orElseThrow().dhcp());
    }

    @Test
    void theRangeSkipsTakenAddresses() {
        NetworkConfig c = ConfigLoader.parse(GOOD.replace("ips: [10.0.1.11]\n            binding: { interface: vm-web1 }",
                "ips: [10.0.1.100]\n            binding: { interface: vm-web1 }").replace(
                "{ ip: 203.0.113.20, port: web1 }", "{ ip: 203.0.113.20, port: web2 }"), "weft.yaml").network();
        assertEquals(List.of(IPv4Address.of("10.0.1.101")), c.port("web2").orElseThrow().ips());
    }

    @Test
    void theExampleConfigParses() throws Exception {
        NetworkConfig c = ConfigLoader.load(Path.of("../../examples/tenants/routed-tenants.yaml")).network();
        assertEquals(2, c.routers().size());
        assertEquals(1, c.externalNetworks().size());
    }

    @ParameterizedTest(name = "{3}")
    @CsvSource(delimiter = '|', value = {
            "{ network: db, ip: 10.0.2.1|{ network: web, ip: 10.0.1.2|54|network acme/web is already on router 'edge'",
            "- { network: web, ip: 10.0.1.1 }\\n          - { network: db|- { network: nope, ip: 10.0.1.1 }\\n          - { network: db|53|tenant 'acme' has no network 'nope'",
            "{ network: web, ip: 10.0.1.1 }\\n          - { network: db|{ network: web, ip: 10.0.2.1 }\\n          - { network: db|53|10.0.2.1 is outside the network's subnet 10.0.1.0/24",
            "{ network: web, ip: 10.0.1.1 }\\n          - { network: db|{ network: web, ip: 10.0.1.11 }\\n          - { network: db|53|10.0.1.11 is already port 'web1' in network acme/web",
            "{ network: web, ip: 10.0.1.1 }\\n          - { network: db|{ network: web, ip: 10.0.1.255 }\\n          - { network: db|53|10.0.1.255 is the network's broadcast address",
            "ip: 10.0.2.1, mac: \"02:00:00:00:ff:01\"|ip: 10.0.2.1, mac: \"02:00:00:00:02:01\"|54|MAC 02:00:00:00:02:01 is already a port's in network acme/db",
            "next-hop: 10.0.2.254|next-hop: 10.0.2.99|56|10.0.2.99 is no logical port's address in network acme/db",
            "next-hop: 10.0.2.254|next-hop: 10.0.9.9|56|10.0.9.9 is on none of router 'edge''s networks",
            "destination: 192.168.0.0/16|destination: 192.168.0/16|56|'192.168.0/16' is not an IPv4 subnet",
            "destination: 192.168.0.0/16|destination: 10.0.1.128/25|56|10.0.1.128/25 is inside network web (10.0.1.0/24)",
            "destination: 192.168.0.0/16|destination: 10.0.2.7/32|56|10.0.2.7/32 is inside network db (10.0.2.0/24)",
            "destination: 192.168.0.0/16|destination: 10.0.0.0/8|_|_",
            "destination: 192.168.0.0/16|destination: 0.0.0.0/0|56|a default route and a gateway both lead everywhere",
            "ip: 203.0.113.10|ip: 203.0.114.10|59|203.0.114.10 is outside external network public's subnet 203.0.113.0/24",
            "ip: 203.0.113.10|ip: 203.0.113.1|59|203.0.113.1 is already its gateway on external network public",
            "network: public, ip: 203.0.113.11|network: public, ip: 203.0.113.20|76|203.0.113.20 is already floating IP of port 'web1' on external network public",
            "network: public\\n          ip|network: private\\n          ip|58|'private' is not an external network (known: public)",
            "port: web1 }|port: db9 }|61|tenant 'acme' has no logical port 'db9'",
            "port: web1 }|port: g-web1 }|61|tenant 'acme' has no logical port 'g-web1'",
            "port: web1 }|port: vpn }|_|_",
            "range: 10.0.1.100-10.0.1.101|range: 10.0.1.11-10.0.1.11|22|no address left in the range for port 'web2'",
            "range: 10.0.1.100-10.0.1.101|range: 10.0.1.101-10.0.1.100|22|the range 10.0.1.101-10.0.1.100 ends before it starts",
            "range: 10.0.1.100-10.0.1.101|range: 10.0.1.100-10.0.2.101|22|10.0.2.101 is outside the network's subnet",
            "range: 10.0.1.100-10.0.1.101|range: 10.0.1.100|22|is not a range such as",
            "lease: 2h|lease: 10s|24|a lease must be at least 1m",
            "dns: [9.9.9.9]|dns: [9.9.9]|23|'9.9.9' is not an IPv4 address",
            "{ server-ip: 10.0.3.2, mtu: 1400 }|{ mtu: 1400 }|48|server-ip is required when no router is on the network",
            "{ server-ip: 10.0.3.2, mtu: 1400 }|{ server-ip: 10.0.3.2, mtu: 100 }|48|mtu 100 is out of range 576..9000",
            "{ server-ip: 10.0.3.2, mtu: 1400 }|{ server-ip: 10.0.4.2 }|48|10.0.4.2 is outside the network's subnet 10.0.3.0/24",
            "range: 10.0.1.100-10.0.1.101|server-ip: 10.0.1.5|22|its DHCP server is the router's port 10.0.1.1; remove server-ip",
            "node: gw1|node: gw9|10|'gw9' is not a transport node (known: hv1, gw1)",
            "uplink: uplink0|uplink: vm-web1|29|interface 'vm-web1' is already the uplink of external network 'public'",
            "uplink: uplink0|uplink: vx-hv1|11|looks like a tunnel port",
            "gateway: 203.0.113.1\\n|gateway: 198.51.100.1\\n|13|198.51.100.1 is outside the external network's subnet",
            "'\\n    gateway-mac: \"02:00:cb:00:71:01\"'|''|13|gateway-mac is required",
    })
    void eachProblemNamesItsLine(String from, String to, String line, String message) {
        String yaml = GOOD.replace(from.replace("\\n", "\n"), to.replace("\\n", "\n"));
        assertTrue(!yaml.equals(GOOD), "the edit applies: " + from);
        if (message.equals("_")) {
            // a valid variant (the control case of its neighbours)
            ConfigLoader.parse(yaml, "weft.yaml");
            return;
        }
        ConfigException e = fails(yaml);
        assertTrue(e.getMessage().contains(message), e.getMessage());
        assertEquals(Integer.parseInt(line), e.line(), e.getMessage());
        assertTrue(e.getMessage().startsWith("weft.yaml:" + line + ":"), e.getMessage());
    }

    @Test
    void aNetworkOnNoRouterMayOverlapOnesThatAre() {
        String yaml = GOOD.replace("subnet: 10.0.3.0/24", "subnet: 10.0.2.0/24").replace("server-ip: 10.0.3.2", "server-ip: 10.0.2.2");
        assertTrue(!yaml.equals(GOOD));
        assertEquals(Optional.empty(), ConfigLoader.parse(yaml, "weft.yaml").network().router(6003));
    }

    @Test
    void gatewayAddressesNameTheirZone() {
        String wide = GOOD.replace("subnet: 203.0.113.0/24\n    gateway: 203.0.113.1\n", "subnet: 100.64.0.0/10\n    gateway: 100.64.0.1\n")
                .replace("ip: 203.0.113.10\n", "ip: 100.65.1.5\n").replace("ip: 203.0.113.11,", "ip: 100.64.1.5,")
                .replace("ip: 203.0.113.20,", "ip: 100.64.9.9,");
        assertTrue(wide.contains("100.64.1.5,") && wide.contains("ip: 100.65.1.5\n"), "the edit applies");
        ConfigException e = fails(wide);
        assertTrue(e.getMessage().contains("100.64.1.5 ends like the gateway address of router acme/edge on the same "
                + "gateway node"), e.getMessage());
        assertEquals(76, e.line());
        ConfigException zero = fails(wide.replace("ip: 100.65.1.5\n", "ip: 100.65.0.0\n"));
        assertTrue(zero.getMessage().contains("its last 16 bits (0) name the router's connection-tracking zone"),
                zero.getMessage());
        assertEquals(59, zero.line());
    }

    @Test
    void overlappingSubnetsOnOneRouterAreAnError() {
        String yaml = GOOD.replace("subnet: 10.0.2.0/24", "subnet: 10.0.0.0/16")
                .replace("ips: [10.0.2.11]", "ips: [10.0.2.11]");
        ConfigException e = fails(yaml);
        assertTrue(e.getMessage().contains("the subnets of networks web (10.0.1.0/24) and db (10.0.0.0/16) overlap"),
                e.getMessage());
        assertEquals(54, e.line(), e.getMessage());
    }

    @Test
    void aRouterOnANetworkWithoutSubnetIsAnError() {
        String yaml = GOOD.replace("    segment: 6002\n        subnet: 10.0.2.0/24\n", "    segment: 6002\n");
        assertTrue(!yaml.equals(GOOD));
        ConfigException e = fails(yaml);
        assertTrue(e.getMessage().contains("network acme/db has no subnet; a router port needs one"), e.getMessage());
    }
}
