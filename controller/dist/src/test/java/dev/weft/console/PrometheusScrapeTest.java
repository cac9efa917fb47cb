package dev.weft.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.weft.ovs.RepoFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real Prometheus (Debian's) scrapes Weft's {@code /metrics} with the example scrape config
 * ({@code examples/prometheus/prometheus.yml}, bearer token and all), on loopback with its own
 * data directory; a PromQL query returns a tenant's bytes, equal to what Weft counted, and every
 * query of the example Grafana dashboard runs and names only metrics Weft exports.
 */
@RequiresTools({"prometheus", "promtool"})
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class PrometheusScrapeTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    @Test
    void prometheusScrapesWeftAndAQueryReturnsATenantsBytes() throws Exception {
        try (ConsoleSite s = ConsoleSite.started(true)) {
            s.send("acme-web2", "acme-web1", 40);
            s.send("globex-web1", "globex-web2", 12);
            Path token = Files.writeString(dir.resolve("api-token"), ConsoleSite.TOKEN + "\n");
            String example = Files.readString(RepoFiles.find("examples/prometheus/prometheus.yml", null).orElseThrow());
            String config = example.replace("/etc/weft/api-token", token.toString())
                    .replace("127.0.0.1:8080", s.base.substring("http://".length()))
                    .replace("scrape_interval: 15s", "scrape_interval: 1s");
            assertTrue(!config.equals(example) && config.contains(token.toString()), "the example was adapted");
            Path file = Files.writeString(dir.resolve("prometheus.yml"), config);
            Process check = new ProcessBuilder("promtool", "check", "config", file.toString()).redirectErrorStream(true)
                    .start();
            String checked = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(check.waitFor(30, TimeUnit.SECONDS) && check.exitValue() == 0, checked);

            int port;
            try (ServerSocket ss = new ServerSocket(0)) {
                port = ss.getLocalPort();
            }
            Process prometheus = new ProcessBuilder("prometheus", "--config.file=" + file,
                    "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port,
                    "--log.level=warn").redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile())
                    .start();
            String prom = "http://127.0.0.1:" + port;
            try {
                ConsoleSite.await("Prometheus scraping Weft (up == 1)", Duration.ofSeconds(60),
                        () -> value(prom, "up{job=\"weft\"}") == 1);
                double acme = s.metric("weft_tenant_tx_bytes_total{tenant=\"acme\"}");
                assertTrue(acme > 0);
                ConsoleSite.await("acme's bytes in Prometheus", Duration.ofSeconds(30),
                        () -> value(prom, "weft_tenant_tx_bytes_total{tenant=\"acme\"}") == acme);
                double byPorts = value(prom, "sum(weft_port_tx_bytes_total{tenant=\"acme\"})");
                assertEquals(acme, byPorts, "the tenant's bytes are the sum of its ports'");
                System.out.printf("[prometheus] weft_tenant_tx_bytes_total{tenant=\"acme\"} = %.0f (Weft: %.0f)%n",
                        value(prom, "weft_tenant_tx_bytes_total{tenant=\"acme\"}"), acme);

                // The dashboard's queries: every metric they name is exported, and each one runs.
                Set<String> exported = new TreeSet<>();
                for (String line : s.get("/metrics").body().split("\n")) {
                    if (!line.startsWith("#") && !line.isBlank()) {
                        exported.add(line.replaceAll("[{ ].*", ""));
                    }
                }
                JsonNode dash = JSON.readTree(RepoFiles.find("examples/grafana/weft-dashboard.json", null)
                        .orElseThrow().toFile());
                List<String> exprs = new ArrayList<>();
                dash.path("panels").forEach(p -> p.path("targets").forEach(t -> exprs.add(t.path("expr").asText())));
                assertTrue(exprs.size() >= 15, "panels with queries: " + exprs.size());
                Pattern metric = Pattern.compile("\\b((?:weft|jvm)_[a-z_]+)\\b");
                for (String e : exprs) {
                    Matcher m = metric.matcher(e);
                    while (m.find()) {
                        String name = m.group(1);
                        boolean gcOnly = name.startsWith("jvm_gc_pause"); // there once a collection ran
                        assertTrue(gcOnly || exported.contains(name), "the dashboard asks for " + name
                                + ", which Weft does not export");
                    }
                    String q = e.replace("$__rate_interval", "1m").replace("$__range", "5m")
                            .replace("$tenant", ".*");
                    JsonNode r = query(prom, q);
                    assertEquals("success", r.path("status").asText(), q + ": " + r);
                }
            } finally {
                prometheus.destroy();
                if (!prometheus.waitFor(15, TimeUnit.SECONDS)) {
                    prometheus.destroyForcibly();
                }
            }
        }
    }

    private static JsonNode query(String prom, String q) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(prom + "/api/v1/query?query="
                + URLEncoder.encode(q, StandardCharsets.UTF_8))).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(r.body());
    }

    /** The single value a query returns, or -1 (none yet, or Prometheus not up). */
    private static double value(String prom, String q) {
        try {
            JsonNode res = query(prom, q).path("data").path("result");
            return res.size() == 1 ? Double.parseDouble(res.get(0).path("value").get(1).asText()) : -1;
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }
}
