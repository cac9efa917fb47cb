package dev.weft.core.config;

import dev.weft.api.tenant.NetworkConfig;
import dev.weft.api.tenant.RateLimit;
import dev.weft.api.tenant.SecurityRule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Security groups and rate limits in the config file: parsed strictly, each problem at its line. */
class SecurityGroupConfigTest {
    static final String GOOD = """
            transport-nodes:
              - name: hv1
                datapath-id: 0xa1
                tunnel-ip: 10.77.0.1
            tenants:
              - name: acme
                security-groups:
                  - name: web
                    rules:
                      - { direction: ingress, protocol: tcp, ports: 80 }
                      - { direction: ingress, protocol: tcp, ports: 8000-8080, remote-cidr: 10.0.0.0/8 }
                      - { direction: ingress, protocol: any, remote-group: web }
                  - name: db
                    rules:
                      - { direction: ingress, protocol: tcp, ports: 5432, remote-group: web }
                      - { direction: ingress, protocol: icmp, icmp-type: 8 }
                      - { direction: egress, protocol: udp, ports: "53" }
                networks:
                  - name: net
                    segment: 5001
                    subnet: 10.0.1.0/24
                    ports:
                      - name: web1
                        mac: "02:00:00:00:00:01"
                        ips: [10.0.1.11]
                        binding: { interface: vm-web1 }
                        security-groups: [web]
                        rate-limit: { kbps: 10000, burst-kb: 1000, broadcast-pps: 100 }
                      - name: db1
                        mac: "02:00:00:00:00:02"
                        ips: [10.0.1.12]
                        binding: { interface: vm-db1 }
                        security-groups: [db, web]
                      - name: open
                        mac: "02:00:00:00:00:03"
                        ips: [10.0.1.13]
                        binding: { interface: vm-open }
              - name: globex
                security-groups:
                  - name: web
                    rules: []
                networks:
                  - name: net
                    segment: 5002
                    ports:
                      - name: g1
                        mac: "02:00:00:00:00:01"
                        ips: [10.0.1.11]
                        binding: { interface: vm-g1 }
                        security-groups: [web]
            """;

    @Test
    void groupsRulesMembersAndLimitsAreRead() {
        NetworkConfig c = ConfigLoader.parse(GOOD, "weft.yaml").network();
        var web = c.securityGroup("acme", "web").orElseThrow();
        assertEquals(3, web.rules().size());
        SecurityRule range = web.rules().get(1);
        assertEquals(SecurityRule.Direction.INGRESS, range.direction());
        assertEquals(SecurityRule.Protocol.TCP, range.protocol());
        assertEquals(8000, range.portMin());
        assertEquals(8080, range.portMax());
        assertEquals("10.0.0.0/8", range.remoteCidr().orElseThrow().toString());
        var db = c.securityGroup("acme", "db").orElseThrow();
        assertEquals(8, db.rules().get(1).icmpType());
        assertEquals(53, db.rules().get(2).portMin(), "a quoted port is a port too");
        assertEquals(List.of("web1", "db1"), c.members("acme", "web").stream().map(p -> p.name()).toList());
        assertEquals(List.of(web, db), c.referrers("acme", "web"), "groups whose rules name 'web' as remote");
        assertEquals(new RateLimit(10000, 1000, 100), c.port("web1").orElseThrow().policy().rateLimit());
        assertTrue(c.port("open").orElseThrow().policy().securityGroups().isEmpty());
        assertEquals(RateLimit.NONE, c.port("db1").orElseThrow().policy().rateLimit());
        // Two tenants may use the same group names: each sees its own.
        assertEquals(List.of("g1"), c.members("globex", "web").stream().map(p -> p.name()).toList());
        assertNotEquals(web, c.securityGroup("globex", "web").orElseThrow());
    }

    @ParameterizedTest(name = "{3}")
    @CsvSource(delimiter = '|', value = {
            "- name: db|- name: web|13|tenant 'acme' has two security groups named 'web'",
            "direction: egress|direction: outbound|17|'outbound' is not a direction (ingress or egress)",
            "protocol: icmp, icmp-type: 8|protocol: gre|16|'gre' is not a protocol (tcp, udp, icmp or any)",
            "protocol: icmp, icmp-type: 8|protocol: tcp, icmp-type: 8|16|icmp-type applies to icmp rules only",
            "icmp-type: 8|icmp-type: 300|16|ICMP type 300 is out of range 0..255",
            "protocol: any, remote-group: web|protocol: any, ports: 22, remote-group: web|12|ports apply to tcp and udp rules only",
            "ports: 8000-8080|ports: 8080-8000|11|port range 8080-8000 is not within 1..65535",
            "ports: 8000-8080|ports: 70000|11|port range 70000 is not within 1..65535",
            "ports: 8000-8080|ports: http|11|'http' is not a port or a port range",
            "remote-cidr: 10.0.0.0/8|remote-cidr: ten|11|'ten' is not an IPv4 subnet",
            "remote-cidr: 10.0.0.0/8|remote-cidr: 10.0.0.0/8, remote-group: db|11|give remote-cidr or remote-group, not both",
            "ports: 5432, remote-group: web|ports: 5432, remote-group: cache|15|tenant 'acme' has no security group 'cache' (its groups: web, db)",
            "security-groups: [db, web]|security-groups: [db, cache]|33|tenant 'acme' has no security group 'cache'",
            "security-groups: [db, web]|security-groups: [db, db]|33|security group 'db' is listed twice",
            "broadcast-pps: 100|broadcast-pps: 0|28|broadcast-pps 0 is out of range 1..4294967295",
            "kbps: 10000, burst-kb: 1000, broadcast-pps: 100|burst-kb: 1000|28|burst-kb needs kbps",
            "direction: ingress, protocol: tcp, ports: 80|protocol: tcp, ports: 80|10|direction is required",
    })
    void eachProblemNamesItsLine(String from, String to, int line, String message) {
        String yaml = GOOD.replaceFirst(java.util.regex.Pattern.quote(from), java.util.regex.Matcher.quoteReplacement(to));
        assertNotEquals(GOOD, yaml, "the edit applies: " + from);
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse(yaml, "weft.yaml"));
        assertTrue(e.getMessage().contains(message), e.getMessage());
        assertEquals(line, e.line(), e.getMessage());
        assertTrue(e.getMessage().startsWith("weft.yaml:" + line + ":"), e.getMessage());
    }

    @Test
    void aGroupOfAnotherTenantIsUnknown() {
        String yaml = GOOD.replace("binding: { interface: vm-g1 }\n            security-groups: [web]",
                "binding: { interface: vm-g1 }\n            security-groups: [db]");
        assertNotEquals(GOOD, yaml);
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse(yaml, "weft.yaml"));
        assertTrue(e.getMessage().contains("tenant 'globex' has no security group 'db' (its groups: web)"), e.getMessage());
    }

    @Test
    void unknownKeysInRulesAreErrors() {
        String yaml = GOOD.replace("{ direction: ingress, protocol: tcp, ports: 80 }",
                "{ direction: ingress, protocol: tcp, port: 80 }");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse(yaml, "weft.yaml"));
        assertTrue(e.getMessage().contains("unknown key 'port'"), e.getMessage());
        assertEquals(10, e.line());
    }
}
