package dev.weft.cli;

import dev.weft.rest.RestFabric;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code weft security-groups} against a controller running the example config. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SecurityGroupsCommandTest {
    @Test
    void listsEachTenantsGroupsRulesAndMembers(@TempDir Path dir) throws Exception {
        String yaml = Files.readString(Path.of("../../examples/tenants/secure-tenants.yaml"));
        try (RestFabric f = new RestFabric(dir, yaml, false)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            String api = "http://127.0.0.1:" + dev.weft.rest.Http.apiOf(f.controller).getPort();
            int rc = ClientCommands.run("security-groups", new String[] {"--api", api},
                    new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
            String text = out.toString(StandardCharsets.UTF_8);
            assertEquals(0, rc, err.toString(StandardCharsets.UTF_8));
            assertTrue(text.contains("ingress tcp 5432 from group web"), text);
            assertTrue(text.lines().anyMatch(l -> l.startsWith("acme") && l.contains("admin")
                    && l.contains("(no rules: nothing in)") && l.contains("acme-admin1")), text);
            assertTrue(text.lines().anyMatch(l -> l.startsWith("globex") && l.contains("ingress tcp 443")), text);
            out.reset();
            assertEquals(0, ClientCommands.run("security-groups", new String[] {"--api", api, "--tenant", "globex"},
                    new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8)));
            assertTrue(out.toString(StandardCharsets.UTF_8).lines().noneMatch(l -> l.startsWith("acme")),
                    out.toString(StandardCharsets.UTF_8));
        }
    }

    /**
     * {@code weft security-groups --port}: counters per rule, stage and meter, read from the
     * simulated switch where the port is (the simulator keeps flow and meter statistics), after
     * traffic the test sends: each allowed SYN counts once on its rule, each refused one on the
     * port's "denied" stage, each broadcast on its broadcast meter.
     */
    @Test
    void countsPerRuleStageAndMeterOfAPort(@TempDir Path dir) throws Exception {
        String yaml = Files.readString(Path.of("../../examples/tenants/secure-tenants.yaml"));
        java.util.Map<String, String> placement = java.util.Map.of("acme-web1", "hv1", "acme-client", "hv1",
                "acme-db1", "hv2", "acme-admin1", "hv2", "globex-web1", "hv1", "globex-client", "hv2");
        try (RestFabric f = new RestFabric(dir, yaml, placement)) {
            String api = "http://127.0.0.1:" + dev.weft.rest.Http.apiOf(f.controller).getPort();
            var c = f.controller.tenants().config();
            var web1 = c.port("acme-web1").orElseThrow();
            var client = c.port("acme-client").orElseThrow();
            com.fasterxml.jackson.databind.JsonNode before = countersJson(api);
            for (int i = 0; i < 3; i++) {
                f.net.trace("acme-client", dev.weft.sim.packet.Frames.from(client.mac(), client.ips().get(0))
                        .to(web1.mac(), web1.ips().get(0)).tcp(41000 + i, 80, dev.weft.sim.packet.FrameBuilder.SYN));
            }
            for (int i = 0; i < 2; i++) {
                f.net.trace("acme-client", dev.weft.sim.packet.Frames.from(client.mac(), client.ips().get(0))
                        .to(web1.mac(), web1.ips().get(0)).tcp(42000 + i, 22, dev.weft.sim.packet.FrameBuilder.SYN));
            }
            byte[] bcast = dev.weft.sim.packet.Frames.from(web1.mac(), web1.ips().get(0))
                    .to(org.projectfloodlight.openflow.types.MacAddress.BROADCAST,
                            org.projectfloodlight.openflow.types.IPv4Address.of("10.0.1.255")).udp(9, 9, new byte[8]);
            for (int i = 0; i < 5; i++) {
                f.net.trace("acme-web1", bcast);
            }
            com.fasterxml.jackson.databind.JsonNode after = countersJson(api);
            assertEquals(3, rule(after, "ingress tcp 80") - rule(before, "ingress tcp 80"), after.toString());
            assertEquals(0, rule(after, "ingress icmp type 8 from group admin")
                    - rule(before, "ingress icmp type 8 from group admin"), after.toString());
            assertEquals(2, stage(after, "ingress", "denied") - stage(before, "ingress", "denied"), after.toString());
            assertEquals(5, meter(after, "broadcast") - meter(before, "broadcast"), after.toString());
            assertTrue(after.path("dpid").asText().endsWith("a1"), after.toString());
            // The table for people.
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            assertEquals(0, ClientCommands.run("security-groups", new String[] {"--api", api, "--port", "acme-web1"},
                    new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8)),
                    err.toString(StandardCharsets.UTF_8));
            String text = out.toString(StandardCharsets.UTF_8);
            System.out.println(text);
            assertTrue(text.lines().anyMatch(l -> l.startsWith("ingress") && l.contains("web")
                    && l.contains("ingress tcp 80") && l.matches(".*\\s" + rule(after, "ingress tcp 80") + "\\s+\\d+\\s*$")),
                    text);
            assertTrue(text.contains("broadcast"), text);
            // A port that does not exist: the API's 404, one line, exit 1.
            err.reset();
            assertEquals(1, ClientCommands.run("security-groups", new String[] {"--api", api, "--port", "nope"},
                    new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8)));
            assertTrue(err.toString(StandardCharsets.UTF_8).contains("nope"), err.toString(StandardCharsets.UTF_8));
        }
    }

    static com.fasterxml.jackson.databind.JsonNode countersJson(String api) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(0, ClientCommands.run("security-groups", new String[] {"--api", api, "--port", "acme-web1", "--json"},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8)),
                err.toString(StandardCharsets.UTF_8));
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(out.toString(StandardCharsets.UTF_8));
    }

    static long rule(com.fasterxml.jackson.databind.JsonNode c, String text) {
        for (var r : c.path("rules")) {
            if (r.path("rule").asText().equals(text)) {
                return r.path("packets").asLong();
            }
        }
        throw new AssertionError("no rule '" + text + "' in " + c);
    }

    static long stage(com.fasterxml.jackson.databind.JsonNode c, String direction, String what) {
        for (var s : c.path("stages")) {
            if (s.path("direction").asText().equals(direction) && s.path("what").asText().equals(what)) {
                return s.path("packets").asLong();
            }
        }
        throw new AssertionError("no stage " + direction + " " + what + " in " + c);
    }

    static long meter(com.fasterxml.jackson.databind.JsonNode c, String kind) {
        for (var m : c.path("meters")) {
            if (m.path("kind").asText().equals(kind)) {
                return m.path("packets-in").asLong();
            }
        }
        throw new AssertionError("no " + kind + " meter in " + c);
    }
}
