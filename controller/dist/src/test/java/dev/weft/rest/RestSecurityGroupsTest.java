package dev.weft.rest;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Security groups over the REST API, with the example config:
 * read as resolved (rules, members, who names a group as remote; a port's groups and limits),
 * added and removed like networks (written to the file, refused with the loader's words).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RestSecurityGroupsTest {
    static String example() throws Exception {
        return Files.readString(Path.of("../../examples/tenants/secure-tenants.yaml"));
    }

    @Test
    void groupsReadAddedAndRemoved(@TempDir Path dir) throws Exception {
        try (RestFabric f = new RestFabric(dir, example(), false)) {
            Http.Resp r = f.http.get("/api/v1/tenants/acme/security-groups");
            assertEquals(200, r.status(), r.toString());
            assertEquals(3, r.body().size());
            JsonNode web = f.http.get("/api/v1/tenants/acme/security-groups/web").body();
            assertEquals("acme-web1", web.path("members").get(0).asText());
            assertEquals("db", web.path("named-as-remote-by").get(0).asText());
            assertEquals("ingress icmp type 8 from group admin", web.path("rules").get(1).path("text").asText());
            assertEquals("443", f.http.get("/api/v1/tenants/globex/security-groups/web").body().path("rules").get(0)
                    .path("ports").asText(), "globex's web is its own");
            assertEquals(404, f.http.get("/api/v1/tenants/acme/security-groups/nope").status());
            JsonNode port = f.http.get("/api/v1/logical-ports/acme-web1").body();
            assertEquals("web", port.path("security-groups").get(0).asText());
            assertEquals(100000, port.path("rate-limit").path("kbps").asInt());
            assertEquals(100, port.path("rate-limit").path("broadcast-pps").asInt());

            String before = Files.readString(f.file);
            Http.Resp bad = f.http.post("/api/v1/tenants/acme/security-groups", """
                    {"name": "ssh", "rules": [{"direction": "ingress", "protocol": "tcp", "ports": "22-21"}]}""");
            assertEquals(400, bad.status(), bad.toString());
            assertTrue(bad.body().toString().contains("port range 22-21 is not within 1..65535"), bad.toString());
            Http.Resp unknown = f.http.post("/api/v1/tenants/acme/security-groups", """
                    {"name": "ssh", "rules": [{"direction": "ingress", "protocol": "tcp", "remote-group": "ops"}]}""");
            assertEquals(400, unknown.status(), unknown.toString());
            assertTrue(unknown.body().toString().contains("tenant 'acme' has no security group 'ops'"), unknown.toString());
            assertEquals(before, Files.readString(f.file), "a refused change leaves the file as it was");
            Http.Resp add = f.http.post("/api/v1/tenants/acme/security-groups", """
                    {"name": "ssh", "rules": [{"direction": "ingress", "protocol": "tcp", "ports": 22,
                      "remote-group": "admin"}]}""");
            assertEquals(201, add.status(), add.toString());
            assertTrue(Files.readString(f.file).contains("ssh"), "written to the file");
            assertTrue(f.controller.tenants().config().securityGroup("acme", "ssh").isPresent(), "in force");
            // A group a port lists cannot go.
            Http.Resp inUse = f.http.delete("/api/v1/tenants/acme/security-groups/admin");
            assertEquals(400, inUse.status(), inUse.toString());
            assertTrue(inUse.body().toString().contains("has no security group 'admin'"), inUse.toString());
            assertEquals(200, f.http.delete("/api/v1/tenants/acme/security-groups/ssh").status());
            assertTrue(f.controller.tenants().config().securityGroup("acme", "ssh").isEmpty());

        }
    }
}
