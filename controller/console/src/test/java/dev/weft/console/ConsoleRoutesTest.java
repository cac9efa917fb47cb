package dev.weft.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.weft.core.Controller;
import dev.weft.core.ControllerSettings;
import dev.weft.rest.RestEndpoint;
import dev.weft.rest.RestSettings;
import dev.weft.rest.Route;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The console on the API's server, without switches: its routes are documented (and merged into
 * the API's OpenAPI document), its page is served, and a controller without the mobility app says
 * so instead of showing made-up traffic.
 */
class ConsoleRoutesTest {
    static Controller controller;
    static Console console;
    static String base;
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        console = new Console(ConsoleSettings.DEFAULTS);
        RestEndpoint rest = new RestEndpoint(new RestSettings(new InetSocketAddress("127.0.0.1", 0), Optional.empty(),
                false), List.of(console));
        controller = Controller.builder(ControllerSettings.builder()
                        .listen(List.of(new InetSocketAddress("127.0.0.1", 0))).apps(List.of()).dispatchThreads(1).build())
                .extension(console).extension(rest).start();
        base = "http://127.0.0.1:" + rest.address().getPort();
    }

    @AfterAll
    static void stop() {
        controller.close();
    }

    static HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void everyConsoleRouteIsDocumentedInTheServedDocumentAndItsReferencesResolve() throws Exception {
        Set<String> served = new TreeSet<>();
        for (Route r : console.routes(controller)) {
            if (!r.path().equals("/") && !r.path().startsWith("/ui/")) { // the page is not part of the API
                served.add(r.method() + " " + r.path());
            }
        }
        JsonNode own = console.openApi().orElseThrow();
        Set<String> documented = new TreeSet<>();
        own.path("paths").properties().forEach(p -> p.getValue().fieldNames().forEachRemaining(m ->
                documented.add(m.toUpperCase(Locale.ROOT) + " " + p.getKey())));
        assertEquals(served, documented);

        JsonNode doc = new ObjectMapper().readTree(get("/api/v1/openapi.json").body());
        for (String op : documented) {
            String[] mp = op.split(" ");
            JsonNode o = doc.path("paths").path(mp[1]).path(mp[0].toLowerCase(Locale.ROOT));
            assertFalse(o.isMissingNode(), op + " is in the served document");
            assertTrue(o.path("responses").has("401"), op + ": 401");
            assertFalse(o.path("summary").asText().isBlank(), op + ": summary");
        }
        assertTrue(doc.path("paths").has("/api/v1/tenants"), "the API's own paths are still there");
        List<String> refs = new ArrayList<>();
        collect(doc, refs);
        for (String ref : refs) {
            assertFalse(doc.at(ref.substring(1)).isMissingNode(), "unresolved " + ref);
        }
    }

    private static void collect(JsonNode n, List<String> refs) {
        if (n.isObject()) {
            n.properties().forEach(e -> {
                if (e.getKey().equals("$ref")) {
                    refs.add(e.getValue().asText());
                } else {
                    collect(e.getValue(), refs);
                }
            });
        } else if (n.isArray()) {
            n.forEach(x -> collect(x, refs));
        }
    }

    @Test
    void thePageAndItsFilesAreServedWithTheirTypes() throws Exception {
        HttpResponse<String> page = get("/");
        assertEquals(200, page.statusCode());
        assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
        assertTrue(page.body().contains("<script src=\"/ui/app.js\""), page.body());
        assertTrue(page.headers().firstValue("Content-Security-Policy").orElse("").contains("default-src 'self'"));
        assertEquals("text/javascript; charset=utf-8", get("/ui/app.js").headers().firstValue("Content-Type").orElse(""));
        assertEquals("text/css; charset=utf-8", get("/ui/app.css").headers().firstValue("Content-Type").orElse(""));
        assertEquals(404, get("/ui/nothing.js").statusCode());
        assertEquals(404, get("/ui/../metrics").statusCode());
        // Nothing the page loads comes from elsewhere.
        for (String f : List.of("/", "/ui/app.js", "/ui/app.css")) {
            // (the SVG namespace is a name, not something fetched)
            String body = get(f).body().replace("http://www.w3.org/2000/svg", "");
            assertFalse(body.matches("(?s).*(https?:)?//[a-z0-9.-]+\\.[a-z]{2,}/.*"), f + " refers to another site");
        }
    }

    @Test
    void withoutTheMobilityAppTrafficAndUsageAreNotAvailable() throws Exception {
        HttpResponse<String> t = get("/api/v1/traffic");
        assertEquals(501, t.statusCode());
        assertTrue(t.body().contains("enable the mobility app"), t.body());
        assertEquals(501, get("/api/v1/usage").statusCode());
    }

    @Test
    void healthWithoutHypervisorsIsReadyAndMetricsAreThere() throws Exception {
        HttpResponse<String> h = get("/health");
        assertEquals(200, h.statusCode(), h.body());
        assertTrue(h.body().contains("\"status\" : \"ready\""), h.body());
        HttpResponse<String> m = get("/metrics");
        assertEquals(200, m.statusCode());
        assertTrue(m.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"));
        assertTrue(m.body().contains("jvm_memory_used_bytes"), "JVM metrics");
        assertTrue(m.body().contains("weft_api_requests_seconds_count{method=\"GET\",route=\"/health\",status=\"200\"}"),
                "API latency by route");
    }
}
