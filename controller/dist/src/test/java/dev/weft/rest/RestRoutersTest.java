package dev.weft.rest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Routers and external networks over real HTTP: read as resolved, written like the file, errors as the loader says. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RestRoutersTest {

    static String example() throws Exception {
        return Files.readString(Path.of("../../examples/tenants/routed-tenants.yaml"));
    }

    @Test
    void routersExternalNetworksAndDhcpAsResolved(@TempDir Path dir) throws Exception {
        try (RestFabric f = new RestFabric(dir, example(), false)) {
            Http.Resp r = f.http.get("/api/v1/tenants/acme/routers/edge");
            assertEquals(200, r.status(), r.toString());
            assertEquals("10.0.1.1", r.body().path("ports").get(0).path("ip").asText());
            assertEquals("0a:00:0a:00:01:01", r.body().path("ports").get(0).path("mac").asText(), "derived MAC");
            assertEquals(0x710a, r.body().path("gateway").path("conntrack-zone").asInt());
            assertEquals("10.0.1.11", r.body().path("gateway").path("floating-ips").get(0).path("fixed-ip").asText());
            assertEquals(1, f.http.get("/api/v1/tenants/globex/routers").body().size());
            assertEquals(404, f.http.get("/api/v1/tenants/acme/routers/nope").status());
            Http.Resp x = f.http.get("/api/v1/external-networks");
            assertEquals("uplink0", x.body().get(0).path("uplink").asText());
            Http.Resp web = f.http.get("/api/v1/tenants/acme/networks/web");
            assertEquals("edge", web.body().path("router").asText());
            assertEquals("10.0.1.1", web.body().path("dhcp").path("gateway").asText());
            assertEquals(1450, web.body().path("dhcp").path("mtu").asInt());
            assertEquals("10.0.1.100", f.http.get("/api/v1/logical-ports/acme-web2").body().path("ips").get(0).asText(),
                    "the address the DHCP range gave");
        }
    }

    @Test
    void routersAddedAndRemovedWithTheLoadersErrors(@TempDir Path dir) throws Exception {
        try (RestFabric f = new RestFabric(dir, example(), false)) {
            String before = Files.readString(f.file);
            Http.Resp bad = f.http.post("/api/v1/tenants/acme/routers", """
                    {"name": "lab", "ports": [{"network": "web", "ip": "10.0.9.1"}]}""");
            assertEquals(400, bad.status(), bad.toString());
            assertTrue(bad.body().toString().contains("10.0.9.1 is outside the network's subnet 10.0.1.0/24"), bad.toString());
            Http.Resp taken = f.http.post("/api/v1/tenants/acme/routers", """
                    {"name": "lab", "ports": [{"network": "web", "ip": "10.0.1.2"}]}""");
            assertEquals(409, taken.status(), taken.toString());
            assertTrue(taken.body().toString().contains("network acme/web is already on router 'edge'"), taken.toString());
            assertEquals(before, Files.readString(f.file), "a refused change leaves the file as it was");

            // Its networks' DHCP is served by the router's ports: without the router it has no server.
            Http.Resp refused = f.http.delete("/api/v1/tenants/globex/routers/edge");
            assertEquals(400, refused.status(), refused.toString());
            assertTrue(refused.body().toString().contains("server-ip is required when no router is on the network"),
                    refused.toString());
            assertEquals(201, f.http.post("/api/v1/tenants/globex/networks", """
                    {"name": "lab", "segment": 6103, "subnet": "10.0.3.0/24", "ports": []}""").status());
            Http.Resp add = f.http.post("/api/v1/tenants/globex/routers", """
                    {"name": "core", "ports": [{"network": "lab", "ip": "10.0.3.1"}],
                     "gateway": {"network": "public", "ip": "203.0.113.12"}}""");
            assertEquals(201, add.status(), add.toString());
            assertEquals("/api/v1/tenants/globex/routers/core", add.raw().headers().firstValue("Location").orElse(""));
            assertEquals(6103, add.body().path("config").path("changed-segments").get(0).asInt(), add.toString());
            assertTrue(Files.readString(f.file).contains("203.0.113.12"));
            assertEquals("core", f.controller.tenants().config().router(6103).orElseThrow().name(), "in force");
            Http.Resp del = f.http.delete("/api/v1/tenants/globex/routers/core");
            assertEquals(200, del.status(), del.toString());
            assertEquals("router globex/core", del.body().path("removed").asText());
            assertTrue(f.controller.tenants().config().router(6103).isEmpty());

            // An external network a router leads to cannot go.
            Http.Resp inUse = f.http.delete("/api/v1/external-networks/public");
            assertEquals(400, inUse.status(), inUse.toString());
            assertTrue(inUse.body().toString().contains("'public' is not an external network"), inUse.toString());
            Http.Resp ext = f.http.post("/api/v1/external-networks", """
                    {"name": "lab-out", "node": "gw1", "uplink": "uplink1", "subnet": "198.18.0.0/24",
                     "gateway": "198.18.0.1", "gateway-mac": "02:00:c6:12:00:01"}""");
            assertEquals(201, ext.status(), ext.toString());
            assertEquals(2, f.http.get("/api/v1/external-networks").body().size());
            assertEquals(200, f.http.delete("/api/v1/external-networks/lab-out").status());
        }
    }
}
