package dev.weft.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.weft.api.tenant.LogicalPort;
import dev.weft.api.tenant.NetworkConfig;
import dev.weft.apps.fabric.Fabric;
import dev.weft.core.Controller;
import dev.weft.core.ControllerSettings;
import dev.weft.core.config.ConfigLoader;
import dev.weft.core.config.WeftConfig;
import dev.weft.rest.RestEndpoint;
import dev.weft.rest.RestSettings;
import dev.weft.sim.datapath.FlowSnapshot;
import dev.weft.sim.net.Delivery;
import dev.weft.sim.net.SimNetwork;
import dev.weft.sim.net.TopologyBuilder;
import dev.weft.sim.packet.Frames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.OFVlanVidMatch;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A mixed site in the real controller over TCP, on simulated switches, seen through the REST API
 * and {@code weft fabric}: VXLAN hypervisor hv1 and gateway node gw (isolation, tenant-networks,
 * vlan-gateway), gw's port 7 cabled to port 5 of fabric leaf1 (VLAN 100), leaf2 speaking OpenFlow
 * 1.0 only, one spine. acme/web has VM web1 on hv1 and server s1 on leaf2; globex has their twins
 * (same MACs and IPs: twin1 on hv1, g-s1 on leaf2) and, on gw's port 8, a legacy VLAN 200 whose
 * host the gateway learns. The API shows each switch's target and why, each segment's tag on each
 * cable (the very tags in the switches' entries), each gateway's learned MACs with their age; the
 * VM and the server reach each other and the twins reach neither.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FabricCommandTest {
    static final String CONFIG = """
            controller:
              apps: [isolation, tenant-networks, vlan-gateway, fabric]
              table-miss-to-controller: false
            transport-nodes:
              - { name: hv1, datapath-id: "00:00:00:00:00:00:00:a1", tunnel-ip: 10.77.0.1 }
              - { name: gw, datapath-id: "00:00:00:00:00:00:00:a3", tunnel-ip: 10.77.0.3 }
            tenants:
              - name: acme
                networks:
                  - name: web
                    segment: 5001
                    subnet: 10.0.1.0/24
                    ports:
                      - { name: web1, mac: "02:00:0a:00:01:0b", ips: [10.0.1.11], binding: { interface: vm-web1 } }
                      - { name: s1, mac: "02:00:0a:00:01:21", ips: [10.0.1.33], binding: { switch: "00:00:00:00:00:00:00:02", port: 3 } }
              - name: globex
                networks:
                  - name: web
                    segment: 6001
                    subnet: 10.0.1.0/24
                    ports:
                      - { name: twin1, mac: "02:00:0a:00:01:0b", ips: [10.0.1.11], binding: { interface: vm-twin1 } }
                      - { name: g-s1, mac: "02:00:0a:00:01:21", ips: [10.0.1.33], binding: { switch: "00:00:00:00:00:00:00:02", port: 4 } }
                  - name: legacy
                    segment: 6002
                    subnet: 10.0.2.0/24
                    ports:
                      - { name: g-vm, mac: "02:00:0a:00:02:0b", ips: [10.0.2.11], binding: { interface: vm-gvm } }
            vlan-gateways:
              - { name: acme-to-fabric, network: acme/web, node: gw, port: 7, vlan: 100 }
              - { name: globex-legacy, network: globex/legacy, node: gw, port: 8, vlan: 200 }
            apps:
              fabric:
                vlan-ports:
                  - { network: acme/web, dpid: "00:00:00:00:00:00:00:01", port: 5, vlan: 100 }
            """;
    static final MacAddress LEGACY_MAC = MacAddress.of("02:76:00:00:00:09");
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theFabricAndItsGatewaysAreShown() throws Exception {
        WeftConfig cfg = ConfigLoader.parse(CONFIG, "mixed.yaml");
        NetworkConfig c = cfg.network();
        RestSettings rest = new RestSettings(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                Optional.empty(), false);
        try (Controller weft = Controller.builder(ControllerSettings.builder().config(cfg)
                        .listen(List.of(new InetSocketAddress("127.0.0.1", 0))).dispatchThreads(2).build())
                .extension(new RestEndpoint(rest)).start();
             SimNetwork net = SimNetwork.builder().controller("127.0.0.1", weft.openflowAddresses().get(0).getPort())
                     .topology(site(c)).versions(OFVersion.OF_13).build()) {
            net.awaitReady(Duration.ofSeconds(20));
            String api = "http://127.0.0.1:" + weft.extension(RestEndpoint.class).orElseThrow().address().getPort();
            Fabric fabric = weft.service(Fabric.class).orElseThrow();
            await("3 fabric switches, 2 cables", () -> fabric.lastInputs().map(i -> i.targets().size() == 3
                    && i.topology().links().size() == 4).orElse(false));

            // The VM and the server reach each other through gw; the twins reach neither.
            await("web1 <-> s1", () -> net.ping("web1", "s1", Duration.ofSeconds(2)).success()
                    && net.ping("s1", "web1", Duration.ofSeconds(2)).success());
            assertFalse(net.ping("twin1", "s1", Duration.ofSeconds(1)).success(), "globex's VM reaches acme's server");
            assertFalse(net.ping("g-s1", "web1", Duration.ofSeconds(1)).success(), "globex's server reaches acme's VM");
            LogicalPort web1 = c.port("web1").orElseThrow();
            LogicalPort s1 = c.port("s1").orElseThrow();
            Delivery fromTwin = net.trace("twin1", Frames.from(web1.mac(), web1.ips().get(0)).to(s1.mac(), s1.ips().get(0))
                    .echoRequest(9, 1));
            assertTrue(fromTwin.receptions().isEmpty(), "twin1 (web1's MAC and IP) sent to s1: " + fromTwin);

            // A host behind the legacy VLAN speaks: its MAC is learned.
            Delivery legacy = net.trace("legacy", Frames.from(LEGACY_MAC, IPv4Address.of("10.0.2.99")).vlan(200)
                    .to(MacAddress.BROADCAST).arpRequest(IPv4Address.of("10.0.2.11")));
            await("the legacy MAC learned", () -> get(api, "/api/v1/fabric/gateways").toString()
                    .contains(LEGACY_MAC.toString()));
            assertTrue(legacy.receptions().stream().anyMatch(r -> r.host().equals("g-vm")),
                    "the legacy host's broadcast reaches globex/legacy's VM: " + legacy);

            // Switches: the target each got and why.
            JsonNode sw = get(api, "/api/v1/fabric/switches").path("switches");
            assertEquals(3, sw.size(), sw.toString());
            JsonNode leaf1 = find(sw, "dpid", "00:00:00:00:00:00:00:01");
            JsonNode leaf2 = find(sw, "dpid", "00:00:00:00:00:00:00:02");
            assertEquals("multi-table", leaf1.path("target").asText());
            assertEquals("1.3", leaf1.path("openflow-version").asText());
            assertTrue(leaf1.path("tables-usable").asInt() >= 2, leaf1.toString());
            assertTrue(leaf1.path("reason").asText().contains("TABLE_FEATURES"), leaf1.toString());
            assertEquals("single-table-of10", leaf2.path("target").asText());
            assertEquals("1.0", leaf2.path("openflow-version").asText());
            assertTrue(leaf2.path("reason").asText().startsWith("speaks OpenFlow 1.0 only"), leaf2.toString());

            // Segments: acme/web on both leaves and the spine, with its tag on each cable; the
            // tag is the one the switches match on.
            JsonNode acme = get(api, "/api/v1/fabric/segments/5001");
            assertEquals(acme, find(get(api, "/api/v1/fabric/segments").path("segments"), "segment", "5001"));
            assertEquals("acme/web", acme.path("network").asText());
            assertEquals("s1", acme.path("members").get(0).path("port").asText());
            assertEquals(3, acme.path("members").get(0).path("at").path("port").asInt());
            assertEquals(100, acme.path("vlan-port").path("vlan").asInt());
            assertEquals(5, acme.path("vlan-port").path("at").path("port").asInt());
            assertEquals(2, acme.path("links").size(), acme.toString());
            for (JsonNode l : acme.path("links")) {
                int tag = l.path("vlan").asInt();
                assertTrue(tag >= 1 && tag <= 4094, l.toString());
                for (String end : List.of("a", "b")) {
                    String swName = switchName(l.path(end).path("dpid").asText());
                    OFPort port = OFPort.of(l.path(end).path("port").asInt());
                    assertTrue(matchesTag(net.flows(swName), port, tag), swName + " matches VLAN " + tag
                            + " on port " + port + " (" + l + ")");
                }
            }
            JsonNode globex = get(api, "/api/v1/fabric/segments/6001");
            assertEquals("g-s1", globex.path("members").get(0).path("port").asText());
            assertEquals(0, globex.path("links").size(), "one switch: no cable");
            assertEquals(404, status(api, "/api/v1/fabric/segments/6002"), "globex/legacy is not on the fabric");
            assertEquals(400, status(api, "/api/v1/fabric/segments/web"));

            // Gateways: the MACs learned behind each, with their age.
            JsonNode gws = get(api, "/api/v1/fabric/gateways");
            assertEquals(2, gws.size(), gws.toString());
            JsonNode toFabric = find(gws, "name", "acme-to-fabric");
            assertEquals(0, toFabric.path("learned").size(), "the fabric's servers are known, not learned: " + toFabric);
            JsonNode old = find(gws, "name", "globex-legacy");
            assertEquals("gw", old.path("node").asText());
            assertEquals(8, old.path("port").asInt());
            assertEquals(200, old.path("vlan").asInt());
            assertEquals(1, old.path("learned").size(), old.toString());
            assertEquals(LEGACY_MAC.toString(), old.path("learned").get(0).path("mac").asText());
            assertTrue(old.path("learned").get(0).path("age-seconds").asDouble() >= 0, old.toString());
            assertTrue(old.path("learned").get(0).path("idle-seconds").asDouble() >= 0, old.toString());
            assertEquals(1024, old.path("max-macs").asInt(), "the default cap");
            assertEquals(300.0, old.path("mac-age-seconds").asDouble(), "the default age");
            assertFalse(old.path("full").asBoolean(), old.toString());

            // weft fabric: the same, for people.
            String out = run("fabric", "--api", api);
            System.out.println("[fabric-sim] weft fabric:\n" + out);
            List<String> lines = out.lines().toList();
            assertTrue(lines.get(0).matches("SWITCH\\s+OPENFLOW\\s+TABLES\\s+TARGET\\s+WHY"), out);
            assertTrue(out.lines().anyMatch(l -> l.matches("00:00:00:00:00:00:00:02\\s+1\\.0\\s+\\d+/\\d+\\s+"
                    + "single-table-of10\\s+speaks OpenFlow 1\\.0 only.*")), out);
            int tag = acme.path("links").get(0).path("vlan").asInt();
            assertTrue(out.lines().anyMatch(l -> l.matches("5001\\s+acme/web\\s+cable \\S+ - \\S+\\s+" + tag)), out);
            assertTrue(out.lines().anyMatch(l -> l.matches("5001\\s+acme/web\\s+vlan-port 00:00:00:00:00:00:00:01/5"
                    + "\\s+100")), out);
            assertTrue(out.lines().anyMatch(l -> l.matches("globex-legacy\\s+globex/legacy\\s+gw 8 200\\s+1/1024\\s+"
                    + LEGACY_MAC + "\\s+\\d+ s\\s+\\d+ s")), out);
            String one = run("fabric", "--api", api, "--segment", "6001");
            assertTrue(one.lines().anyMatch(l -> l.matches("6001\\s+globex/web\\s+member g-s1 at "
                    + "00:00:00:00:00:00:00:02/4\\s+untagged")), one);
            assertFalse(one.contains("5001"), one);
            assertTrue(run("fabric", "--api", api, "--json").contains("\"target\" : \"single-table-of10\""));
        }
    }

    /** hv1 (web1, twin1, g-vm), gw (port 7 to leaf1 port 5, port 8 the legacy VLAN), leaf1, leaf2 (OpenFlow 1.0), spine. */
    static dev.weft.sim.net.Topology site(NetworkConfig c) {
        TopologyBuilder b = new TopologyBuilder();
        b.addSwitch("hv1", DatapathId.of(0xa1), Set.of(OFVersion.OF_13), 0, IPv4Address.of("10.77.0.1"));
        b.addSwitch("gw", DatapathId.of(0xa3), Set.of(OFVersion.OF_13), 0, IPv4Address.of("10.77.0.3"));
        b.addSwitch("leaf1", DatapathId.of(1), Set.of(), 0, null);
        b.addSwitch("leaf2", DatapathId.of(2), Set.of(OFVersion.OF_10), 0, null);
        b.addSwitch("spine", DatapathId.of(0x101), Set.of(), 0, null);
        b.addLink("leaf1", OFPort.of(1), "spine", OFPort.of(1));
        b.addLink("leaf2", OFPort.of(1), "spine", OFPort.of(2));
        b.addLink("gw", OFPort.of(7), "leaf1", OFPort.of(5));
        for (String vm : List.of("web1", "twin1", "g-vm")) {
            LogicalPort p = c.port(vm).orElseThrow();
            b.addHost(vm, p.mac(), p.ips().get(0), "hv1", null, "vm-" + vm.replace("-", ""));
        }
        for (String s : List.of("s1", "g-s1")) {
            LogicalPort p = c.port(s).orElseThrow();
            b.addHost(s, p.mac(), p.ips().get(0), "leaf2", OFPort.of(s.equals("s1") ? 3 : 4), null);
        }
        b.addHost("legacy", LEGACY_MAC, IPv4Address.of("10.0.2.99"), "gw", OFPort.of(8), null);
        b.addTunnel("hv1", "gw");
        return b.build();
    }

    /** Whether an entry of {@code flows} takes frames tagged {@code tag} from {@code port}. */
    static boolean matchesTag(List<FlowSnapshot> flows, OFPort port, int tag) {
        for (FlowSnapshot f : flows) {
            if (f.match().isExact(MatchField.IN_PORT) && f.match().get(MatchField.IN_PORT).equals(port)
                    && f.match().isExact(MatchField.VLAN_VID)
                    && f.match().get(MatchField.VLAN_VID).equals(OFVlanVidMatch.ofVlan(tag))) {
                return true;
            }
        }
        return false;
    }

    static String switchName(String dpid) {
        return switch (dpid) {
            case "00:00:00:00:00:00:00:01" -> "leaf1";
            case "00:00:00:00:00:00:00:02" -> "leaf2";
            case "00:00:00:00:00:00:01:01" -> "spine";
            default -> throw new AssertionError("not a fabric switch: " + dpid);
        };
    }

    static JsonNode find(JsonNode array, String key, String value) {
        for (JsonNode n : array) {
            if (n.path(key).asText().equals(value)) {
                return n;
            }
        }
        throw new AssertionError("no " + key + " " + value + " in " + array);
    }

    static JsonNode get(String api, String path) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(api + path)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), path + ": " + r.body());
        return JSON.readTree(r.body());
    }

    static int status(String api, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(api + path)).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    interface Check {
        boolean ok() throws Exception;
    }

    static void await(String what, Check ok) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!ok.ok()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(50);
        }
    }

    /** {@code weft ARGS}, which must succeed; what it printed. */
    static String run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
        return out.toString(StandardCharsets.UTF_8);
    }
}
