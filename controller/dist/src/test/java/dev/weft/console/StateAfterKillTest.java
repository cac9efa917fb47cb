package dev.weft.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.weft.core.config.ConfigLoader;
import dev.weft.api.tenant.NetworkConfig;
import dev.weft.sim.net.SimNetwork;
import dev.weft.testbed.WeftProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a restart must not lose: Weft as its own process with a state directory, on simulated
 * hypervisors that keep running; VMs move and send; then {@code kill -9} (no shutdown hook, no
 * flush) and a start with the same config. The migration history, every logical port's counters,
 * each tenant's counters and usage are the same as before, and the next migration is numbered
 * after the last one.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class StateAfterKillTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final List<String> PORTS = List.of("acme-web1", "acme-web2", "globex-web1", "globex-web2");

    @TempDir
    Path dir;

    private String api;

    @Test
    void historyCountersAndUsageAreTheSameAfterAKill9AndTheNumberingGoesOn() throws Exception {
        int of = freePort();
        int rest = freePort();
        api = "http://127.0.0.1:" + rest;
        Path state = dir.resolve("state");
        Path config = Files.writeString(dir.resolve("weft.yaml"), ConsoleSite.YAML.replace("controller:\n",
                "controller:\n  state-dir: " + state + "\n"));
        NetworkConfig net = ConfigLoader.load(config).network();
        String[] args = {"--config", config.toString(), "--listen", "127.0.0.1:" + of, "--rest", "127.0.0.1:" + rest};
        Map<String, JsonNode> before = new LinkedHashMap<>();
        try (SimNetwork hvs = ConsoleSite.hypervisors(net, of)) {
            try (WeftProcess first = WeftProcess.start(dir.resolve("weft-1.log"), args)) {
                awaitReady(first, dir.resolve("weft-1.log"));
                ConsoleSite.send(hvs, "acme-web2", "acme-web1", 25);
                ConsoleSite.send(hvs, "globex-web1", "globex-web2", 9);
                hvs.moveHost("acme-web1", "hv3", null);
                awaitMigrations(1);
                ConsoleSite.send(hvs, "acme-web2", "acme-web1", 11);
                ConsoleSite.send(hvs, "acme-web1", "acme-web2", 4);
                hvs.moveHost("globex-web2", "hv1", null);
                awaitMigrations(2);
                ConsoleSite.send(hvs, "globex-web1", "globex-web2", 3);
                // What the state thread has written (it writes within milliseconds of a change):
                // both migrations, and the counters of both ports at the places they left.
                ConsoleSite.await("the journals written", () -> lines(state.resolve("migrations.journal")) == 2
                        && lines(state.resolve("port-counters.journal")) == 2);
                ConsoleSite.await("usage counted up to now", () -> usageTotal().equals(countersTotal()));
                before.putAll(snapshot());
                first.kill9();
                assertFalse(first.isAlive());
            }
            assertEquals(2, before.get("migrations").size());
            assertEquals(36, before.get("port acme-web1").path("rx-packets").asLong(), "counted at hv1 and hv3");
            assertEquals(12, before.get("port globex-web2").path("rx-packets").asLong(), "counted at hv3 and hv1");

            try (WeftProcess second = WeftProcess.start(dir.resolve("weft-2.log"), args)) {
                awaitReady(second, dir.resolve("weft-2.log"));
                // Usage of the period cut short is counted at the first read after the start.
                try {
                    ConsoleSite.await("usage read again", () -> usageTotal().equals(before.get("usage")));
                } catch (AssertionError e) {
                    throw new AssertionError(e.getMessage() + ": before " + before + ", after " + snapshot()
                            + "\nusage journal:\n" + Files.readString(state.resolve("usage.journal"))
                            + "\nlog 1:\n" + Files.readString(dir.resolve("weft-1.log")), e);
                }
                Map<String, JsonNode> after = snapshot();
                for (String k : before.keySet()) {
                    assertEquals(before.get(k), after.get(k), k + " after kill -9 and restart");
                }
                hvs.moveHost("acme-web1", "hv1", null);
                awaitMigrations(3);
                JsonNode newest = get("/api/v1/migrations?limit=1").get(0);
                assertEquals(3, newest.path("sequence").asInt(), newest.toString());
                assertTrue(Files.readString(dir.resolve("weft-2.log")).contains(
                        "migration history: 2 migrations kept from before the restart (the last was number 2)"));
            }
        }
    }

    /** What must survive: migrations, each port's and tenant's counters, all usage. */
    private Map<String, JsonNode> snapshot() throws Exception {
        Map<String, JsonNode> s = new LinkedHashMap<>();
        s.put("migrations", get("/api/v1/migrations"));
        for (String p : PORTS) {
            s.put("port " + p, get("/api/v1/logical-ports/" + p + "/counters"));
        }
        s.put("tenant acme", get("/api/v1/tenants/acme/counters"));
        s.put("tenant globex", get("/api/v1/tenants/globex/counters"));
        s.put("usage", usageTotal());
        return s;
    }

    private JsonNode usageTotal() throws Exception {
        JsonNode u = get("/api/v1/usage?from=2020-01-01&to=now");
        var o = JSON.createObjectNode();
        u.path("tenants").properties().forEach(e -> o.set(e.getKey(), e.getValue().path("total")));
        return o;
    }

    /** Each tenant's counters as the API adds them up (what usage must come to). */
    private JsonNode countersTotal() throws Exception {
        var o = JSON.createObjectNode();
        for (String t : List.of("acme", "globex")) {
            o.set(t, get("/api/v1/tenants/" + t + "/counters").path("total"));
        }
        return o;
    }

    private void awaitReady(WeftProcess p, Path log) throws Exception {
        try {
            awaitReady(p);
        } catch (AssertionError e) {
            String text = Files.exists(log) ? Files.readString(log) : "(no log)";
            throw new AssertionError(e.getMessage() + "; its log:\n" + text.substring(Math.max(0, text.length() - 6000)), e);
        }
    }

    /** Every VM located, then every hypervisor in sync (with the flow entries of those locations). */
    private void awaitReady(WeftProcess p) throws Exception {
        ConsoleSite.await("every VM located", Duration.ofSeconds(60), () -> {
            if (!p.isAlive()) {
                throw new AssertionError("Weft exited");
            }
            try {
                HttpResponse<String> r = send("/api/v1/logical-ports");
                if (r.statusCode() != 200) {
                    return false;
                }
                for (JsonNode port : JSON.readTree(r.body())) {
                    if (port.path("location").isNull()) {
                        return false;
                    }
                }
                return true;
            } catch (java.io.IOException e) {
                return false; // not listening yet
            }
        });
        ConsoleSite.await("Weft ready (GET /health 200)", () -> send("/health").statusCode() == 200);
    }

    private void awaitMigrations(int n) throws Exception {
        ConsoleSite.await(n + " migrations", () -> get("/api/v1/migrations").size() == n);
    }

    private JsonNode get(String path) throws Exception {
        HttpResponse<String> r = send(path);
        assertEquals(200, r.statusCode(), path + ": " + r.body());
        return JSON.readTree(r.body());
    }

    private HttpResponse<String> send(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(api + path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static long lines(Path f) throws java.io.IOException {
        return Files.exists(f) ? Files.readAllLines(f).size() : 0;
    }

    private static int freePort() throws java.io.IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
