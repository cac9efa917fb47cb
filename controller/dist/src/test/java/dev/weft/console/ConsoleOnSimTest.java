package dev.weft.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.weft.apps.mobility.api.MobilityService;
import dev.weft.apps.mobility.api.PortCounters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The console's HTTP side on a simulated site, as Prometheus, a billing script and the page use
 * it: health, metrics that equal what the switches saw, usage equal to the traffic sent, live
 * events, and the token rules.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ConsoleOnSimTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void healthIsReadyOnlyWhenEveryHypervisorIsConnectedAndInSync() throws Exception {
        try (ConsoleSite s = new ConsoleSite(false)) {
            HttpResponse<String> before = s.get("/health");
            assertEquals(503, before.statusCode(), before.body());
            JsonNode b = JSON.readTree(before.body());
            assertEquals("not-ready", b.path("status").asText());
            assertEquals("hv1: not connected; hv2: not connected; hv3: not connected", b.path("message").asText());
            s.simulate(); // waits for 200
            JsonNode after = s.json("/health");
            assertEquals("every hypervisor is in sync", after.path("message").asText());
            for (JsonNode h : after.path("hypervisors")) {
                assertTrue(h.path("in-sync").asBoolean(), h.toString());
                assertTrue(h.path("flows").path("in-place").asInt() > 0, h.toString());
                assertEquals(0, h.path("flows").path("missing").asInt(), h.toString());
            }
            s.net.disconnect("hv2");
            ConsoleSite.await("hv2 reported not connected", () -> {
                HttpResponse<String> r = s.get("/health");
                return r.statusCode() == 503 && r.body().contains("hv2: not connected");
            });
        }
    }

    @Test
    void metricsAreWhatTheSwitchesSawAndTrafficWhatTheVmsSent() throws Exception {
        try (ConsoleSite s = ConsoleSite.started(false)) {
            s.send("acme-web2", "acme-web1", 30);
            s.send("acme-web1", "acme-web2", 10);
            s.send("globex-web1", "globex-web2", 5);
            MobilityService m = s.controller.service(MobilityService.class).orElseThrow();
            PortCounters web1 = m.counters("acme-web1").get(5, TimeUnit.SECONDS);
            PortCounters web2 = m.counters("acme-web2").get(5, TimeUnit.SECONDS);
            long acmeTx = web1.txBytes() + web2.txBytes();
            assertEquals(40, web1.txPackets() + web2.txPackets());
            // (A read after everything was sent: acme's and globex's counts both in.)
            ConsoleSite.await("acme's bytes and globex's frames in /metrics", () ->
                    s.metric("weft_tenant_tx_bytes_total{tenant=\"acme\"}") == acmeTx
                            && s.metric("weft_tenant_tx_packets_total{tenant=\"globex\"}") == 5);
            assertEquals(web1.rxBytes(), s.metric("weft_port_rx_bytes_total{network=\"web\",port=\"acme-web1\","
                    + "tenant=\"acme\"}"));
            assertEquals(30, s.metric("weft_port_rx_packets_total{network=\"web\",port=\"acme-web1\",tenant=\"acme\"}"));
            assertEquals(5, s.metric("weft_tenant_tx_packets_total{tenant=\"globex\"}"));
            assertEquals(0, s.metric("weft_tenant_security_drops_total{tenant=\"acme\"}"));
            // A VM that sends as someone else: dropped at its hypervisor, and counted as such.
            dev.weft.sim.net.SimHost a = s.net.host("acme-web1");
            dev.weft.sim.net.SimHost b = s.net.host("acme-web2");
            s.net.trace("acme-web1", dev.weft.sim.packet.Frames.from(b.mac(), a.ip()).to(b.mac(), b.ip()).udp(1, 2, new byte[8]));
            ConsoleSite.await("a port-security drop in /metrics", () ->
                    s.metric("weft_port_security_drops_total{network=\"web\",port=\"acme-web1\",tenant=\"acme\"}") == 1);
            // The controller's count of flow-mods is what each switch received.
            s.controller.reconciler().quiesce().get(10, TimeUnit.SECONDS);
            for (String hv : List.of("hv1", "hv2", "hv3")) {
                String dpid = s.config.node(hv).orElseThrow().dpid().toString();
                String labels = "{dpid=\"" + dpid + "\",node=\"" + hv + "\"}";
                assertEquals(s.net.flowModCount(hv), s.metric("weft_switch_flow_mods_total" + labels), hv);
                assertEquals(1, s.metric("weft_switch_connected" + labels), hv);
                assertEquals(1, s.metric("weft_switch_handshake_seconds_count" + labels), hv);
                assertTrue(s.metric("weft_switch_handshake_seconds_sum" + labels) > 0, hv);
                assertTrue(s.metric("weft_flows_installed" + labels) > 0, hv);
                assertTrue(s.metric("weft_flows_pass_seconds_count" + labels) >= 1, hv + ": a pass was timed");
                assertTrue(s.metric("weft_flows_pass_seconds_sum" + labels) > 0, hv);
            }
            assertTrue(s.metric("weft_app_events_total{app=\"isolation\"}") > 0);
            assertTrue(s.metric("jvm_threads_live_threads") > 0);
        }
    }

    @Test
    void usageOverATimeRangeIsWhatWasSentAsJsonAndCsv() throws Exception {
        try (ConsoleSite s = ConsoleSite.started(false)) {
            Instant start = Instant.now().minusSeconds(5);
            s.send("acme-web2", "acme-web1", 20);
            s.send("globex-web2", "globex-web1", 7);
            MobilityService m = s.controller.service(MobilityService.class).orElseThrow();
            var all = m.allCounters().get(5, TimeUnit.SECONDS);
            long acme = all.get("acme-web1").txBytes() + all.get("acme-web2").txBytes();
            String range = "from=" + start.truncatedTo(java.time.temporal.ChronoUnit.SECONDS) + "&to=now";
            ConsoleSite.await("acme's and globex's usage", () -> {
                JsonNode t = s.json("/api/v1/usage?" + range).path("tenants");
                return t.path("acme").path("total").path("tx-bytes").asLong() == acme
                        && t.path("globex").path("total").path("tx-packets").asLong() == 7;
            });
            JsonNode u = s.json("/api/v1/usage?" + range);
            assertEquals(1, u.path("resolution-seconds").asInt());
            assertEquals(20, u.path("tenants").path("acme").path("ports").path("acme-web2").path("tx-packets").asLong());
            assertEquals(20, u.path("tenants").path("acme").path("ports").path("acme-web1").path("rx-packets").asLong());
            assertEquals(7, u.path("tenants").path("globex").path("total").path("tx-packets").asLong());
            JsonNode only = s.json("/api/v1/usage?" + range + "&tenant=globex");
            assertEquals(List.of("globex"), names(only.path("tenants")));

            HttpResponse<String> csv = s.get("/api/v1/usage?" + range + "&format=csv");
            assertEquals("text/csv; charset=utf-8", csv.headers().firstValue("Content-Type").orElse(""));
            String[] lines = csv.body().split("\n");
            assertEquals("tenant,from,to,tx_packets,tx_bytes,tx_dropped,rx_packets,rx_bytes", lines[0]);
            String acmeLine = List.of(lines).stream().filter(l -> l.startsWith("acme,")).findFirst().orElseThrow();
            String[] f = acmeLine.split(",");
            assertEquals(Long.toString(acme), f[4], acmeLine);
            String byPort = s.get("/api/v1/usage?" + range + "&format=csv&by=port").body();
            assertTrue(byPort.startsWith("tenant,network,port,from,to,"), byPort);
            assertTrue(byPort.contains("\nacme,web,acme-web2,"), byPort);

            // Before the traffic: nothing.
            JsonNode earlier = s.json("/api/v1/usage?from=2020-01-01&to=2020-01-02");
            assertTrue(earlier.path("tenants").isEmpty(), earlier.toString());
            HttpResponse<String> bad = s.get("/api/v1/usage?from=yesterday");
            assertEquals(400, bad.statusCode());
            assertTrue(bad.body().contains("from must be a time such as 2026-12-01T00:00:00Z"), bad.body());
            assertEquals(400, s.get("/api/v1/usage?from=2026-12-02&to=2026-12-01").statusCode());
            assertEquals(400, s.get("/api/v1/usage?format=xml").statusCode());
        }
    }

    private static List<String> names(JsonNode o) {
        List<String> out = new ArrayList<>();
        o.fieldNames().forEachRemaining(out::add);
        return out;
    }

    @Test
    void theEventStreamSaysWhatChangedAsItHappens() throws Exception {
        try (ConsoleSite s = ConsoleSite.started(false)) {
            BlockingQueue<String> events = new LinkedBlockingQueue<>();
            HttpResponse<InputStream> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(s.base + "/api/v1/events")).build(), HttpResponse.BodyHandlers.ofInputStream());
            assertEquals(200, r.statusCode());
            assertEquals("text/event-stream; charset=utf-8", r.headers().firstValue("Content-Type").orElse(""));
            Thread reader = new Thread(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
                    StringBuilder ev = new StringBuilder();
                    for (String line; (line = in.readLine()) != null; ) {
                        if (line.isEmpty()) {
                            events.add(ev.toString());
                            ev.setLength(0);
                        } else {
                            ev.append(line).append('\n');
                        }
                    }
                } catch (java.io.IOException e) {
                    // the stream ends with the test
                }
            }, "sse-reader");
            reader.setDaemon(true);
            reader.start();
            String hello = events.poll(5, TimeUnit.SECONDS);
            assertNotNull(hello);
            assertTrue(hello.startsWith("event: hello\n"), hello);
            assertNotNull(next(events, "event: traffic"), "traffic after a read of the counters");

            s.net.moveHost("acme-web1", "hv3", null);
            String changed = next(events, "\"migrations\"");
            assertNotNull(changed, "a migration is announced");
            assertTrue(changed.startsWith("event: changed\n"), changed);
            // ... and what the page then reads shows it.
            JsonNode port = s.json("/api/v1/logical-ports/acme-web1");
            assertEquals("hv3", port.path("location").path("transport-node").asText());
            r.body().close();
        }
    }

    /** The next event that contains {@code text}, within 10 s. */
    private static String next(BlockingQueue<String> events, String text) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            String e = events.poll(100, TimeUnit.MILLISECONDS);
            if (e != null && e.contains(text)) {
                return e;
            }
        }
        return null;
    }

    @Test
    void withATokenOnlyThePageIsOpenAndEverythingElseAsksForIt() throws Exception {
        try (ConsoleSite s = new ConsoleSite(true)) {
            for (String open : List.of("/", "/ui/app.js", "/ui/app.css", "/ui/weft.svg")) {
                assertEquals(200, s.get(open, null).statusCode(), open);
            }
            for (String closed : List.of("/metrics", "/health", "/api/v1/events", "/api/v1/traffic", "/api/v1/usage",
                    "/api/v1/tenants")) {
                HttpResponse<String> r = s.get(closed, null);
                assertEquals(401, r.statusCode(), closed);
                assertEquals(401, s.get(closed, "wrong").statusCode(), closed);
            }
            assertEquals(200, s.get("/metrics", ConsoleSite.TOKEN).statusCode());
            assertEquals(503, s.get("/health", ConsoleSite.TOKEN).statusCode(), "no hypervisor is connected");
            // The page carries no data and no token.
            String page = s.get("/", null).body() + s.get("/ui/app.js", null).body();
            assertTrue(!page.contains(ConsoleSite.TOKEN));
        }
    }

    @Test
    void aPageThatNeverReadsItsEventsDoesNotHoldUpTheController() throws Exception {
        try (ConsoleSite s = ConsoleSite.started(false);
             java.net.Socket slow = new java.net.Socket("127.0.0.1", URI.create(s.base).getPort())) {
            slow.setReceiveBufferSize(1024);
            slow.getOutputStream().write("GET /api/v1/events HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            slow.getOutputStream().flush();
            // The page never reads; the site keeps working and moving VMs around.
            for (int i = 0; i < 3; i++) { // (a fourth within 10 s would be damped as flapping)
                String to = i % 2 == 0 ? "hv3" : "hv1";
                long seq = lastSequence(s);
                s.net.moveHost("acme-web1", to, null);
                ConsoleSite.await("move " + i, () -> lastSequence(s) > seq);
                s.send("acme-web2", "acme-web1", 50);
            }
            assertEquals(200, s.get("/health").statusCode());
        }
    }

    private static long lastSequence(ConsoleSite s) {
        var h = s.controller.service(MobilityService.class).orElseThrow().history();
        return h.isEmpty() ? 0 : h.get(h.size() - 1).sequence();
    }

}
