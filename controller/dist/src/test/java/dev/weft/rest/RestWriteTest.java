package dev.weft.rest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.weft.core.config.ConfigLoader;
import dev.weft.core.config.WeftConfig;
import dev.weft.sim.net.SimHost;
import dev.weft.sim.packet.Frames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The write routes over real HTTP: each change is validated like the file, written to it
 * (comments kept), and put in force on the simulated fabric; every error has the status that
 * says what happened, and leaves the file as it was.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RestWriteTest {

    private static boolean reaches(RestFabric f, String from, String to) {
        SimHost a = f.net.host(from);
        SimHost b = f.net.host(to);
        return f.net.trace(from, Frames.from(a.mac(), a.ip()).to(b.mac(), b.ip()).echoRequest(1, 1, new byte[8]))
                .reachedExactly(to);
    }

    @Test
    void aPortAddedThroughTheApiIsWrittenLocatedAndReachable(@TempDir Path dir) throws Exception {
        try (RestFabric f = new RestFabric(dir)) {
            assertFalse(reaches(f, "acme-web1", RestFabric.SPARE), "unknown VMs are denied");
            Http.Resp r = f.http.post("/api/v1/tenants/acme/networks/web/ports", RestFabric.SPARE_PORT_JSON);
            assertEquals(201, r.status(), r.toString());
            assertEquals("/api/v1/logical-ports/acme-web3", r.raw().headers().firstValue("Location").orElse(""));
            assertEquals("acme-web3", r.body().path("port").path("name").asText());
            assertEquals("applied", r.body().path("config").path("outcome").asText());
            assertEquals(List.of(5001), List.of(r.body().path("config").path("changed-segments").get(0).asInt()));
            assertTrue(r.body().path("config").path("comments-kept").asBoolean());

            String text = Files.readString(f.file);
            assertTrue(text.contains("# the first tenant") && text.contains("# the same MAC and IP as acme-web1"),
                    "comments kept:\n" + text);
            WeftConfig onDisk = ConfigLoader.parse(text, "weft.yaml");
            assertTrue(onDisk.network().port("acme-web3").isPresent());
            assertEquals(onDisk.network(), f.controller.tenants().config(), "the file is what runs");
            assertEquals(1, Files.list(dir).count(), "no temporary file left behind");

            f.awaitConverged(4);
            assertEquals("hv1", f.http.get("/api/v1/logical-ports/acme-web3").body().path("location")
                    .path("transport-node").asText());
            assertTrue(reaches(f, "acme-web1", RestFabric.SPARE));
            assertTrue(reaches(f, RestFabric.SPARE, "acme-web2"));

            Http.Resp del = f.http.delete("/api/v1/tenants/acme/networks/web/ports/acme-web3");
            assertEquals(200, del.status(), del.toString());
            assertEquals("port acme-web3", del.body().path("removed").asText());
            f.awaitConverged(3);
            assertFalse(reaches(f, "acme-web1", RestFabric.SPARE), "denied again");
            assertFalse(Files.readString(f.file).contains("acme-web3"));
            assertEquals(404, f.http.get("/api/v1/logical-ports/acme-web3").status());
        }
    }

    @Test
    void tenantsAndNetworksAddedAndRemoved(@TempDir Path dir) throws Exception {
        try (RestFabric f = new RestFabric(dir, RestFabric.YAML, false)) {
            Http.Resp t = f.http.post("/api/v1/tenants", """
                    {"name": "initech", "networks": [{"name": "lab", "segment": 7001, "ports": []}]}""");
            assertEquals(201, t.status(), t.toString());
            assertEquals("/api/v1/tenants/initech", t.raw().headers().firstValue("Location").orElse(""));
            assertEquals(7001, t.body().path("tenant").path("networks").get(0).path("segment").asInt());
            assertEquals(200, f.http.get("/api/v1/tenants/initech").status());

            Http.Resp n = f.http.post("/api/v1/tenants/initech/networks", """
                    {"name": "dev", "segment": 7002, "subnet": "10.9.0.0/24"}""");
            assertEquals(201, n.status(), n.toString());
            assertEquals("initech", n.body().path("network").path("tenant").asText());
            assertEquals("10.9.0.0/24", f.http.get("/api/v1/tenants/initech/networks/dev").body().path("subnet")
                    .asText());
            assertTrue(f.controller.tenants().config().network(7002).isPresent(), "in force");

            assertEquals(200, f.http.delete("/api/v1/tenants/initech/networks/dev").status());
            assertTrue(f.controller.tenants().config().network(7002).isEmpty());
            Http.Resp gone = f.http.delete("/api/v1/tenants/initech");
            assertEquals(200, gone.status(), gone.toString());
            assertEquals("tenant initech", gone.body().path("removed").asText());
            assertTrue(f.controller.tenants().config().network(7001).isEmpty());
            assertFalse(Files.readString(f.file).contains("initech"));
            assertEquals(ConfigLoader.parse(RestFabric.YAML, "x").network(),
                    ConfigLoader.load(f.file).network(), "back to the start");
        }
    }

    @Test
    void errorsHaveTheirStatusTheFieldAndTheLoadersWords(@TempDir Path dir) throws Exception {
        try (RestFabric f = new RestFabric(dir, RestFabric.YAML, false)) {
            String before = Files.readString(f.file);
            Http http = f.http;

            // 409: clashes with what exists, in the loader's words.
            Http.Resp seg = http.post("/api/v1/tenants/globex/networks", "{\"name\": \"db\", \"segment\": 5001}");
            assertEquals(409, seg.status(), seg.toString());
            assertEquals("conflict", seg.error());
            assertEquals("segment", seg.field());
            assertEquals("tenants[1].networks[1].segment: segment 5001 is already used by network acme/web",
                    seg.message());
            Http.Resp dupTenant = http.post("/api/v1/tenants", "{\"name\": \"acme\"}");
            assertEquals(409, dupTenant.status(), dupTenant.toString());
            assertEquals("name", dupTenant.field());
            assertTrue(dupTenant.message().endsWith("tenant 'acme' is defined twice"), dupTenant.message());
            Http.Resp dupNet = http.post("/api/v1/tenants/acme/networks", "{\"name\": \"web\", \"segment\": 5009}");
            assertEquals(409, dupNet.status());
            Http.Resp dupPort = http.post("/api/v1/tenants/globex/networks/web/ports", """
                    {"name": "acme-web1", "mac": "02:00:00:00:00:99", "binding": {"interface": "vm-x"}}""");
            assertEquals(409, dupPort.status(), dupPort.toString());
            assertTrue(dupPort.message().contains("port names are unique across tenants"), dupPort.message());
            Http.Resp dupIface = http.post("/api/v1/tenants/acme/networks/web/ports", """
                    {"name": "acme-x", "mac": "02:00:00:00:00:99", "binding": {"interface": "vm-acme-web1"}}""");
            assertEquals(409, dupIface.status());
            assertEquals("binding.interface", dupIface.field());

            // 400: invalid values, with the field relative to the body.
            Http.Resp range = http.post("/api/v1/tenants/acme/networks", "{\"name\": \"big\", \"segment\": 16777216}");
            assertEquals(400, range.status(), range.toString());
            assertEquals("invalid", range.error());
            assertEquals("segment", range.field());
            assertTrue(range.message().contains("out of range 1..16777215"), range.message());
            Http.Resp mac = http.post("/api/v1/tenants/acme/networks/web/ports", """
                    {"name": "acme-x", "mac": "not-a-mac", "binding": {"by-mac": true}}""");
            assertEquals(400, mac.status());
            assertEquals("mac", mac.field());
            Http.Resp subnet = http.post("/api/v1/tenants/acme/networks/web/ports", """
                    {"name": "acme-x", "mac": "02:00:00:00:00:99", "ips": ["10.9.9.9"], "binding": {"by-mac": true}}""");
            assertEquals(400, subnet.status());
            assertEquals("ips[0]", subnet.field());
            assertTrue(subnet.message().endsWith("10.9.9.9 is outside the network's subnet 10.0.1.0/24"));
            Http.Resp unknownKey = http.post("/api/v1/tenants/acme/networks", "{\"name\": \"x\", \"segmnt\": 9}");
            assertEquals(400, unknownKey.status(), unknownKey.toString());
            assertEquals("segmnt", unknownKey.field());
            assertTrue(unknownKey.message().startsWith("unknown key 'segmnt'"), unknownKey.message());
            Http.Resp type = http.post("/api/v1/tenants/acme/networks", "{\"name\": \"x\", \"segment\": \"9\"}");
            assertEquals(400, type.status());
            assertEquals("segment", type.field());
            Http.Resp noName = http.post("/api/v1/tenants", "{\"networks\": []}");
            assertEquals(400, noName.status(), noName.toString());
            assertTrue(noName.message().contains("name is required"), noName.message());

            // 400: not JSON, not an object, no body.
            Http.Resp badJson = http.post("/api/v1/tenants", "{\"name\": ");
            assertEquals(400, badJson.status());
            assertEquals("bad-request", badJson.error());
            assertTrue(badJson.message().startsWith("the body is not valid JSON"), badJson.message());
            assertEquals(400, http.post("/api/v1/tenants", "[1, 2]").status());
            assertEquals(400, http.post("/api/v1/tenants", "").status());

            // 404: unknown names on the way.
            Http.Resp noTenant = http.post("/api/v1/tenants/nope/networks", "{\"name\": \"x\", \"segment\": 9}");
            assertEquals(404, noTenant.status());
            assertEquals("no tenant 'nope'", noTenant.message());
            assertEquals("tenant 'acme' has no network 'nope'",
                    http.post("/api/v1/tenants/acme/networks/nope/ports", RestFabric.SPARE_PORT_JSON).message());
            assertEquals(404, http.delete("/api/v1/tenants/nope").status());
            assertEquals(404, http.delete("/api/v1/tenants/acme/networks/nope").status());
            Http.Resp noPort = http.delete("/api/v1/tenants/acme/networks/web/ports/nope");
            assertEquals(404, noPort.status());
            assertEquals("network acme/web has no port 'nope'", noPort.message());

            assertEquals(before, Files.readString(f.file), "no failed write touched the file");
            assertEquals(1, Files.list(dir).count(), "and left nothing behind");
        }
    }

    @Test
    void reloadAppliesOrRejectsInTheLogsWords(@TempDir Path dir) throws Exception {
        try (RestFabric f = new RestFabric(dir, RestFabric.YAML, false)) {
            Http.Resp same = f.http.post("/api/v1/reload", "");
            assertEquals(200, same.status(), same.toString());
            assertEquals("unchanged", same.body().path("outcome").asText());

            Files.writeString(f.file, RestFabric.YAML.replace("segment: 6001", "segment: 6002"));
            Http.Resp changed = f.http.post("/api/v1/reload", "");
            assertEquals(200, changed.status(), changed.toString());
            assertEquals("applied", changed.body().path("outcome").asText());
            JsonNode segs = changed.body().path("changed-segments");
            assertEquals(List.of(6001, 6002), List.of(segs.get(0).asInt(), segs.get(1).asInt()));

            Files.writeString(f.file, RestFabric.YAML.replace("segment: 6001", "segment: 5001"));
            Http.Resp bad = f.http.post("/api/v1/reload", "");
            assertEquals(400, bad.status(), bad.toString());
            assertEquals("invalid", bad.error());
            assertEquals(f.file + ":30:9: tenants[1].networks[0].segment: segment 5001 is already used by network "
                    + "acme/web", bad.message());
            assertEquals("tenants[1].networks[0].segment", bad.field());
            assertTrue(f.controller.tenants().config().network(6002).isPresent(), "the running config stays");

            // A file that is invalid now cannot be changed through the API either.
            Http.Resp blocked = f.http.post("/api/v1/tenants", "{\"name\": \"new\"}");
            assertEquals(409, blocked.status(), blocked.toString());
            assertTrue(blocked.message().startsWith("the config file is not valid as it is now"), blocked.message());
        }
    }

    @Test
    void withoutAConfigFileWritesAreRefused(@TempDir Path dir) throws Exception {
        // A controller started from settings alone (no file) keeps nothing across a restart.
        try (var c = Http.startWithApi(dev.weft.core.ControllerSettings.builder()
                .listen(List.of(new java.net.InetSocketAddress("127.0.0.1", 0))).apps(List.of()).dispatchThreads(1)
                .build())) {
            Http http = new Http(Http.apiOf(c));
            Http.Resp r = http.post("/api/v1/tenants", "{\"name\": \"x\"}");
            assertEquals(409, r.status(), r.toString());
            assertTrue(r.message().contains("without a config file"), r.message());
            Http.Resp reload = http.post("/api/v1/reload", "");
            assertEquals(409, reload.status());
            assertNull(http.get("/api/v1/controller").body().path("config-file").textValue());
        }
    }
}
