package dev.weft.core.config;

import dev.weft.api.tenant.Binding;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The tenant sections: parsed strictly, every problem with its file, line and a sentence. */
class TenantConfigTest {
    static final String GOOD = """
            transport-nodes:
              - name: hv1
                datapath-id: "00:00:00:00:00:00:00:a1"
                tunnel-ip: 10.77.0.1
              - name: hv2
                datapath-id: 0xa2
                tunnel-ip: 10.77.0.2
            tenants:
              - name: acme
                networks:
                  - name: web
                    segment: 5001
                    subnet: 10.0.1.0/24
                    ports:
                      - name: web1
                        mac: "02:00:00:00:00:01"
                        ips: [10.0.1.11]
                        binding: { interface: vm-web1 }
                      - name: web2
                        mac: "02:00:00:00:00:02"
                        ips: [10.0.1.12]
                        binding: { by-mac: true }
                      - name: srv
                        mac: "02:00:00:00:00:03"
                        ips: [10.0.1.13]
                        binding: { switch: hv2, port: 7 }
              - name: globex
                networks:
                  - name: web
                    segment: 16777215
                    ports:
                      - name: g1
                        mac: "02:00:00:00:00:01"
                        ips: [10.0.1.11]
                        binding: { interface: vm-g1 }
            """;

    static ConfigException fails(String yaml) {
        return assertThrows(ConfigException.class, () -> ConfigLoader.parse(yaml, "weft.yaml"));
    }

    @Test
    void theGoodConfigParses() {
        var c = ConfigLoader.parse(GOOD, "weft.yaml").network();
        assertEquals(2, c.transportNodes().size());
        assertEquals(2, c.tenants().size());
        assertEquals(4, c.ports().size());
        assertInstanceOf(Binding.ByMac.class, c.port("web2").orElseThrow().binding());
        var srv = assertInstanceOf(Binding.Static.class, c.port("srv").orElseThrow().binding());
        assertEquals(c.node("hv2").orElseThrow().dpid(), srv.dpid(), "a node name resolves to its datapath id");
        assertEquals("web1", c.portByInterface("vm-web1").orElseThrow().name());
        assertEquals(16777215, c.network(16777215).orElseThrow().segment());
    }

    @Test
    void aNodeNamesItsOvsdbAndAPortBindsByIfaceId() {
        String yaml = GOOD.replace("tunnel-ip: 10.77.0.2", "tunnel-ip: 10.77.0.2\n    ovsdb: tcp:10.0.0.5:6640")
                .replace("binding: { interface: vm-g1 }", "binding: { iface-id: true }");
        var c = ConfigLoader.parse(yaml, "weft.yaml").network();
        assertEquals(java.util.Optional.of("tcp:10.0.0.5:6640"), c.node("hv2").orElseThrow().ovsdb());
        assertEquals(java.util.Optional.empty(), c.node("hv1").orElseThrow().ovsdb());
        assertInstanceOf(Binding.IfaceId.class, c.port("g1").orElseThrow().binding());
    }

    @ParameterizedTest
    @ValueSource(strings = {"ptcp:6640", "tcp:hv2 6640", "unix:relative.sock", "10.0.0.5:6640"})
    void aBadOvsdbAddressNamesItsLine(String address) {
        ConfigException e = fails(GOOD.replace("tunnel-ip: 10.77.0.2", "tunnel-ip: 10.77.0.2\n    ovsdb: " + address));
        assertTrue(e.getMessage().contains("'" + address + "' is not an OVSDB address; expected tcp:HOST[:PORT]"),
                e.getMessage());
        assertEquals(8, e.line(), e.getMessage());
    }

    @Test
    void theExampleConfigParses() throws Exception {
        var c = ConfigLoader.load(Path.of("../../examples/tenants/three-tenants.yaml")).network();
        assertEquals(3, c.transportNodes().size());
        assertEquals(8, c.ports().size());
    }

    @ParameterizedTest(name = "{2}")
    @CsvSource(delimiter = '|', value = {
            "segment: 5001|segment: 16777215|30|segment 16777215 is already used by network acme/web",
            "segment: 5001|segment: 16777216|12|segment 16777216 is out of range 1..16777215",
            "segment: 5001|segment: 0|12|segment 0 is out of range",
            "name: globex|name: acme|27|tenant 'acme' is defined twice",
            "mac: \"02:00:00:00:00:02\"|mac: \"02:00:00:00:00:01\"|20|MAC 02:00:00:00:00:01 is used twice in network acme/web",
            "mac: \"02:00:00:00:00:02\"|mac: \"02:00:00:00:zz\"|20|is not a MAC address",
            "mac: \"02:00:00:00:00:02\"|mac: \"01:00:5e:00:00:01\"|20|cannot be a port's address (it is multicast)",
            "mac: \"02:00:00:00:00:02\"|mac: \"ff:ff:ff:ff:ff:ff\"|20|cannot be a port's address (it is broadcast)",
            "ips: [10.0.1.12]|ips: [10.0.2.12]|21|10.0.2.12 is outside the network's subnet 10.0.1.0/24",
            "ips: [10.0.1.12]|ips: [10.0.1.11]|21|10.0.1.11 is already port 'web1' in network acme/web",
            "ips: [10.0.1.12]|ips: [10.0.1.300]|21|'10.0.1.300' is not an IPv4 address",
            "interface: vm-g1|interface: vm-web1|35|interface 'vm-web1' already binds port 'web1'",
            "interface: vm-web1|interface: a-very-long-interface|18|is not an interface name (at most 15",
            "name: g1|name: web1|32|port 'web1' is already defined in network acme/web",
            "datapath-id: 0xa2|datapath-id: \"00:00:00:00:00:00:00:a1\"|6|datapath id 00:00:00:00:00:00:00:a1 is already transport node 'hv1'",
            "datapath-id: 0xa2|datapath-id: nope|6|'nope' is not a datapath id",
            "tunnel-ip: 10.77.0.2|tunnel-ip: 10.77.0.1|7|tunnel ip 10.77.0.1 is already transport node 'hv1'",
            "name: hv2|name: hypervisor-num-two|5|is not a usable node name",
            "subnet: 10.0.1.0/24|subnet: ten|13|'ten' is not an IPv4 subnet",
            "binding: { switch: hv2, port: 7 }|binding: { switch: hv2 }|26|a static binding needs both switch and port",
            "binding: { by-mac: true }|binding: { by-mac: true, interface: x }|22|give exactly one of: interface, iface-id, by-mac, or switch + port",
            "binding: { by-mac: true }|binding: { iface-id: true, interface: x }|22|give exactly one of: interface, iface-id, by-mac, or switch + port",
            "name: hv2|name: flow|5|'flow' is reserved (the flow-based tunnel port is named vx-flow)",
    })
    void eachProblemNamesItsLine(String from, String to, int line, String message) {
        String yaml = GOOD.replace(from, to);
        assertTrue(!yaml.equals(GOOD), "the edit applies: " + from);
        ConfigException e = fails(yaml);
        assertTrue(e.getMessage().contains(message), e.getMessage());
        assertEquals(line, e.line(), e.getMessage());
        assertTrue(e.getMessage().startsWith("weft.yaml:" + line + ":"), e.getMessage());
    }

    @Test
    void aMacBoundTwiceByMacIsAnError() {
        String yaml = GOOD.replace("mac: \"02:00:00:00:00:01\"\n            ips: [10.0.1.11]\n            binding: { interface: vm-g1 }",
                "mac: \"02:00:00:00:00:02\"\n            ips: [10.0.1.11]\n            binding: { by-mac: true }");
        assertTrue(!yaml.equals(GOOD), "the edit applies");
        ConfigException e = fails(yaml);
        assertTrue(e.getMessage().contains("MAC 02:00:00:00:00:02 is bound twice by MAC (ports 'web2' and 'g1')"),
                e.getMessage());
        assertEquals(35, e.line());
    }

    @Test
    void unknownKeysInTenantSectionsAreErrors() {
        String withVlan = GOOD.replace("        subnet: 10.0.1.0/24", "        subnet: 10.0.1.0/24\n        vlan: 5");
        assertTrue(!withVlan.equals(GOOD), "the edit applies");
        ConfigException e = fails(withVlan);
        assertTrue(e.getMessage().contains("unknown key 'vlan'"), e.getMessage());
        assertEquals(14, e.line());
        ConfigException e2 = fails(GOOD.replace("tunnel-ip: 10.77.0.1", "tunnel-ip: 10.77.0.1\n    tep: 1"));
        assertTrue(e2.getMessage().contains("unknown key 'tep'"), e2.getMessage());
    }

    @Test
    void missingRequiredFields() {
        assertTrue(GOOD.contains("        segment: 5001\n") && GOOD.contains("            mac: \"02:00:00:00:00:03\"\n"));
        assertTrue(fails(GOOD.replace("        segment: 5001\n", "")).getMessage().contains("segment is required"));
        assertTrue(fails(GOOD.replace("            mac: \"02:00:00:00:00:03\"\n", "")).getMessage().contains("mac is required"));
        assertTrue(fails(GOOD.replace("            binding: { switch: hv2, port: 7 }\n", ""))
                .getMessage().contains("binding is required"));
    }

    @Test
    void aFileOnDiskIsNamedInTheMessage(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path f = Files.writeString(dir.resolve("tenants.yaml"), GOOD.replace("segment: 5001", "segment: -3"));
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(f));
        assertTrue(e.getMessage().startsWith(f + ":12:"), e.getMessage());
    }
}
