package dev.weft.rest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.weft.api.tenant.Migration;
import dev.weft.apps.mobility.api.MobilityService;
import dev.weft.apps.mobility.api.PortCounters;
import dev.weft.api.tenant.PortLocation;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every read route over real HTTP, against Weft with a simulated fabric: happy paths and errors. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RestReadTest {
    @TempDir
    static Path dir;
    static RestFabric f;
    static Http http;

    @BeforeAll
    static void start() throws Exception {
        f = new RestFabric(dir);
        http = f.http;
    }

    @AfterAll
    static void stop() {
        if (f != null) {
            f.close();
        }
    }

    @Test
    void controllerInfo() throws Exception {
        Http.Resp r = http.get("/api/v1/controller");
        assertEquals(200, r.status(), r.toString());
        JsonNode b = r.body();
        assertFalse(b.path("version").asText().isEmpty());
        assertTrue(b.path("uptime-seconds").asDouble() >= 0);
        assertEquals("isolation", b.path("apps").get(0).path("name").asText());
        assertEquals(0, b.path("apps").get(0).path("order").asInt());
        assertEquals("tenant-networks", b.path("apps").get(1).path("name").asText());
        assertEquals(1, b.path("apps").get(1).path("order").asInt());
        assertEquals(2, b.path("switches").asInt());
        assertEquals(3, b.path("logical-ports").asInt());
        assertEquals(3, b.path("located-ports").asInt());
        assertEquals(f.file.toString(), b.path("config-file").asText());
        assertTrue(r.raw().headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
    }

    @Test
    void switches() throws Exception {
        Http.Resp r = http.get("/api/v1/switches");
        assertEquals(200, r.status(), r.toString());
        assertEquals(2, r.body().size());
        JsonNode hv1 = r.body().get(0);
        assertEquals("00:00:00:00:00:00:00:a1", hv1.path("dpid").asText());
        assertEquals("hv1", hv1.path("transport-node").asText());
        assertEquals("1.3", hv1.path("openflow-version").asText());
        assertTrue(hv1.path("address").asText().startsWith("127.0.0.1:"), hv1.toString());
        Instant.parse(hv1.path("connected-since").asText());
        Set<String> names = new HashSet<>();
        hv1.path("ports").forEach(p -> names.add(p.path("name").asText()));
        assertTrue(names.containsAll(Set.of("vm-acme-web1", "vx-hv2")), names.toString());
        int desired = hv1.path("flows").path("desired").asInt();
        assertTrue(desired > 5, hv1.toString());
        assertEquals(desired, hv1.path("flows").path("installed").asInt());

        assertEquals(200, http.get("/api/v1/switches/00:00:00:00:00:00:00:a2").status());
        assertEquals("hv2", http.get("/api/v1/switches/0xa2").body().path("transport-node").asText());
        Http.Resp none = http.get("/api/v1/switches/0xff");
        assertEquals(404, none.status(), none.toString());
        assertEquals("not-found", none.error());
        Http.Resp bad = http.get("/api/v1/switches/zz:top");
        assertEquals(400, bad.status(), bad.toString());
        assertEquals("dpid", bad.field());
    }

    @Test
    void flowTablesShowDesiredAndInstalledWithTheOwningApp() throws Exception {
        Http.Resp r = http.get("/api/v1/switches/hv2/flows"); // hv2 hosts both tenants
        assertEquals(200, r.status(), r.toString());
        JsonNode entries = r.body().path("entries");
        assertTrue(entries.size() > 5, r.toString());
        Set<String> apps = new HashSet<>();
        Set<Integer> networks = new HashSet<>();
        for (JsonNode e : entries) {
            assertEquals("in-place", e.path("state").asText(), e.toString());
            assertEquals(e.path("desired").asText(), e.path("installed").asText());
            apps.add(e.path("app").asText());
            networks.add(e.path("network").asInt());
        }
        assertEquals(Set.of("isolation", "tenant-networks"), apps);
        assertTrue(networks.containsAll(Set.of(5001, 6001)), networks.toString());
        assertTrue(entries.toString().contains("in_port="), "matches are readable: " + entries.get(0));
        assertTrue(r.body().path("connected").asBoolean() && r.body().path("synced").asBoolean());
        assertEquals(entries.size(), r.body().path("counts").path("desired").asInt());

        assertEquals(0, http.get("/api/v1/switches/hv2/flows?state=missing").body().path("entries").size());
        JsonNode iso = http.get("/api/v1/switches/00:00:00:00:00:00:00:a2/flows?app=isolation").body().path("entries");
        assertTrue(iso.size() > 0 && iso.size() < entries.size());
        iso.forEach(e -> assertEquals("isolation", e.path("app").asText()));
        Http.Resp badState = http.get("/api/v1/switches/hv1/flows?state=gone");
        assertEquals(400, badState.status());
        assertEquals("state", badState.field());
        assertEquals(404, http.get("/api/v1/switches/0xff/flows").status());
    }

    @Test
    void linksHostsAndTransportNodes() throws Exception {
        Http.Resp links = http.get("/api/v1/links");
        assertEquals(200, links.status(), links.toString());
        assertTrue(links.body().isArray()); // hypervisors are not probed: their fabric is the tunnels
        Http.Resp hosts = http.get("/api/v1/hosts");
        assertEquals(200, hosts.status(), hosts.toString());
        assertTrue(hosts.body().isArray());
        Http.Resp nodes = http.get("/api/v1/transport-nodes");
        assertEquals(200, nodes.status(), nodes.toString());
        assertEquals(2, nodes.body().size());
        JsonNode hv1 = nodes.body().get(0);
        assertEquals("hv1", hv1.path("name").asText());
        assertEquals("10.77.0.1", hv1.path("tunnel-ip").asText());
        assertTrue(hv1.path("connected").asBoolean());
        assertTrue(hv1.path("tunnels").path("hv2").isInt(), hv1.toString());
    }

    @Test
    void tenantsNetworksAndLogicalPortsWithLocations() throws Exception {
        Http.Resp r = http.get("/api/v1/tenants");
        assertEquals(200, r.status(), r.toString());
        assertEquals(List.of("acme", "globex"), names(r.body()));
        JsonNode web = r.body().get(0).path("networks").get(0);
        assertEquals(5001, web.path("segment").asInt());
        assertEquals("10.0.1.0/24", web.path("subnet").asText());
        JsonNode web1 = web.path("ports").get(0);
        assertEquals("acme-web1", web1.path("name").asText());
        assertEquals("02:00:0a:00:01:0b", web1.path("mac").asText());
        assertEquals("vm-acme-web1", web1.path("binding").path("interface").asText());
        assertEquals("hv1", web1.path("location").path("transport-node").asText());
        assertTrue(web1.path("location").path("port").asInt() > 0);

        assertEquals("globex", http.get("/api/v1/tenants/globex").body().path("name").asText());
        Http.Resp net = http.get("/api/v1/tenants/acme/networks/web");
        assertEquals(200, net.status());
        assertEquals("acme", net.body().path("tenant").asText());
        assertEquals(List.of("acme-web1", "acme-web2"), names(net.body().path("ports")));

        Http.Resp ports = http.get("/api/v1/logical-ports");
        assertEquals(List.of("acme-web1", "acme-web2", "globex-web1"), names(ports.body()));
        JsonNode g = http.get("/api/v1/logical-ports/globex-web1").body();
        assertEquals("globex", g.path("tenant").asText());
        assertEquals(6001, g.path("segment").asInt());
        assertEquals("hv2", g.path("location").path("transport-node").asText());

        for (String unknown : List.of("/api/v1/tenants/nope", "/api/v1/tenants/acme/networks/nope",
                "/api/v1/tenants/nope/networks/web", "/api/v1/logical-ports/nope")) {
            Http.Resp nf = http.get(unknown);
            assertEquals(404, nf.status(), unknown + ": " + nf);
            assertEquals("not-found", nf.error());
            assertTrue(nf.message().contains("nope"), nf.message());
        }
    }

    @Test
    void migrationsAndCountersSayWhenTheyAreNotAvailable() throws Exception {
        for (String path : List.of("/api/v1/migrations", "/api/v1/logical-ports/acme-web1/counters",
                "/api/v1/tenants/acme/counters")) {
            Http.Resp r = http.get(path);
            assertEquals(501, r.status(), path + ": " + r);
            assertEquals("not-available", r.error());
            assertTrue(r.message().startsWith("not available: this controller has no "), r.message());
        }
        assertEquals("not available: this controller has no migration history (enable the mobility app)",
                http.get("/api/v1/migrations").message());
        // An unknown name is still a 404.
        assertEquals(404, http.get("/api/v1/logical-ports/nope/counters").status());
        assertEquals(404, http.get("/api/v1/tenants/nope/counters").status());
    }

    @Test
    void migrationsAndCountersFromAMobilityService() throws Exception {
        PortLocation hv1 = new PortLocation(DatapathId.of(0xa1), OFPort.of(3));
        PortLocation hv2 = new PortLocation(DatapathId.of(0xa2), OFPort.of(4));
        List<Migration> history = List.of(
                new Migration(1, Migration.Kind.LOGICAL_PORT, "acme-web1", "acme/web",
                        MacAddress.of("02:00:0a:00:01:0b"), Optional.of(hv1), hv2, "port vm-acme-web1 added on hv2",
                        Instant.parse("2025-01-01T10:00:00Z"), Optional.of(Duration.ofMillis(12)),
                        Optional.of(Duration.ofMillis(3)), Map.of(DatapathId.of(0xa1), 4, DatapathId.of(0xa2), 5),
                        Set.of()),
                new Migration(2, Migration.Kind.LOGICAL_PORT, "acme-web1", "acme/web",
                        MacAddress.of("02:00:0a:00:01:0b"), Optional.of(hv2), hv1, "gratuitous ARP on hv1 port 3",
                        Instant.parse("2025-01-01T10:01:00Z"), Optional.empty(), Optional.empty(), Map.of(),
                        Set.of(DatapathId.of(0xa2))));
        MobilityService fake = new FakeMobility(history);
        ExecutorService writer = RestServer.newWriter();
        try (RestServer s = new RestServer(new RestSettings(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                Optional.empty(), false), new RestApi(f.controller, new dev.weft.rest.Services() {
                    @Override
                    public <S> Optional<S> get(Class<S> type) {
                        return type == MobilityService.class ? Optional.of(type.cast(fake)) : f.controller.service(type);
                    }
                }, writer).routes(), writer)) {
            Http h = new Http(s.address());
            Http.Resp r = h.get("/api/v1/migrations");
            assertEquals(200, r.status(), r.toString());
            assertEquals(2, r.body().size());
            JsonNode newest = r.body().get(0);
            assertEquals(2, newest.path("sequence").asInt(), "newest first");
            assertEquals("hv2", newest.path("from").path("transport-node").asText());
            assertEquals("hv1", newest.path("to").path("transport-node").asText());
            assertTrue(newest.path("convergence-ms").isNull());
            assertEquals(List.of("00:00:00:00:00:00:00:a2"), List.of(newest.path("unconfirmed").get(0).asText()));
            JsonNode first = r.body().get(1);
            assertEquals(12.0, first.path("convergence-ms").asDouble());
            assertEquals(9, first.path("flow-mods").asInt());
            assertEquals("logical-port", first.path("kind").asText());
            assertEquals("port vm-acme-web1 added on hv2", first.path("cause").asText());
            assertEquals(1, h.get("/api/v1/migrations?limit=1").body().size());
            assertEquals(0, h.get("/api/v1/migrations?port=globex-web1").body().size());
            Http.Resp badLimit = h.get("/api/v1/migrations?limit=0");
            assertEquals(400, badLimit.status());
            assertEquals("limit", badLimit.field());

            JsonNode c = h.get("/api/v1/logical-ports/acme-web2/counters").body();
            assertEquals("acme", c.path("tenant").asText());
            assertEquals(2, c.path("tx-packets").asLong(), c.toString());
            JsonNode t = h.get("/api/v1/tenants/acme/counters").body();
            assertEquals(1 + 2, t.path("total").path("tx-packets").asLong(), t.toString());
            assertEquals(100 + 200, t.path("total").path("rx-bytes").asLong());
            assertEquals(1, t.path("ports").path("acme-web1").path("tx-packets").asLong());
        }
    }

    @Test
    void unknownPathsMethodsAndTheOpenApiDocument() throws Exception {
        Http.Resp nf = http.get("/api/v1/nothing-here");
        assertEquals(404, nf.status());
        assertEquals("not-found", nf.error());
        Http.Resp m = http.delete("/api/v1/controller");
        assertEquals(405, m.status(), m.toString());
        assertEquals("method-not-allowed", m.error());
        Http.Resp doc = http.get("/api/v1/openapi.json");
        assertEquals(200, doc.status());
        assertEquals("3.0.3", doc.body().path("openapi").asText());
        assertEquals(dev.weft.core.Version.get(), doc.body().path("info").path("version").asText());
        assertEquals(200, http.get("/api/v1/tenants/").status(), "a trailing slash is the same resource");
    }

    static List<String> names(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.path("name").asText()));
        return out;
    }

    /** Fixed answers: tx packets = the port's number in the config (1, 2, 3), rx bytes 100 per. */
    private static final class FakeMobility implements MobilityService {
        private final List<Migration> history;

        FakeMobility(List<Migration> history) {
            this.history = history;
        }

        @Override
        public List<Migration> history() {
            return history;
        }

        @Override
        public Optional<Migration> last(String subject) {
            return history.stream().filter(m -> m.subject().equals(subject)).reduce((a, b) -> b);
        }

        @Override
        public CompletableFuture<PortCounters> counters(String port) {
            int n = switch (port) {
                case "acme-web1" -> 1;
                case "acme-web2" -> 2;
                default -> 3;
            };
            return CompletableFuture.supplyAsync(() -> new PortCounters(n, 60L * n, 0, n, 100L * n));
        }

        @Override
        public CompletableFuture<Map<String, PortCounters>> allCounters() {
            Map<String, PortCounters> all = new java.util.LinkedHashMap<>();
            for (String p : List.of("acme-web1", "acme-web2", "globex-web1")) {
                all.put(p, counters(p).join());
            }
            return CompletableFuture.completedFuture(all);
        }

        @Override
        public Map<String, Instant> damped() {
            return Map.of();
        }

        @Override
        public Map<String, List<PortLocation>> pending() {
            return Map.of();
        }
    }
}
