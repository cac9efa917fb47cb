package dev.weft.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.weft.core.Controller;
import dev.weft.core.ControllerSettings;
import dev.weft.core.config.ConfigLoader;
import dev.weft.core.config.WeftConfig;
import dev.weft.ovsdb.AlertRoutes;
import dev.weft.ovsdb.OvsdbExtension;
import dev.weft.ovsdb.OvsdbSettings;
import dev.weft.ovsdb.testing.OvsdbServerProcess;
import dev.weft.rest.RestEndpoint;
import dev.weft.rest.RestSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code GET /api/v1/alerts} and {@code weft alerts} on a controller that manages a real
 * {@code ovsdb-server} (a temporary one): none once the bridge is built, then an interface with
 * an iface-id no config knows, and with {@code --cleared} the ones cleared (bridge-missing).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AlertsCommandTest {
    private static final String YAML = """
            ovsdb:
              controller-targets: ["tcp:10.99.0.254:6653"]
            transport-nodes:
              - name: hv1
                datapath-id: "00:00:00:00:00:00:00:01"
                tunnel-ip: 10.77.0.1
                ovsdb: unix:SOCKET
              - name: hv2
                datapath-id: "00:00:00:00:00:00:00:02"
                tunnel-ip: 10.77.0.2
            """;

    @Test
    void theApiAndTheCommandShowAlertsInForceAndCleared() throws Exception {
        try (OvsdbServerProcess hv1 = OvsdbServerProcess.start(false)) {
            WeftConfig cfg = ConfigLoader.parse(YAML.replace("SOCKET", hv1.socket().toString()), "weft.yaml");
            OvsdbExtension ext = new OvsdbExtension(OvsdbSettings.of(cfg.ovsdb(), cfg.source()));
            RestSettings rest = new RestSettings(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                    Optional.empty(), false);
            try (Controller c = Controller.builder(ControllerSettings.builder().config(cfg).apps(List.of())
                    .dispatchThreads(1).build()).withoutListeners().extension(ext)
                    .extension(new RestEndpoint(rest, List.of(new AlertRoutes(ext)))).start()) {
                String api = "http://127.0.0.1:" + c.extension(RestEndpoint.class).orElseThrow().address().getPort();
                // The bridge gets built (bridge-missing raised, then cleared), then a stranger's iface-id.
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (ext.alerts().cleared().isEmpty() || !ext.alerts().active().isEmpty()) {
                    assertTrue(System.nanoTime() < deadline, "br-int built: " + ext.alerts().active());
                    Thread.sleep(5); // in-memory condition, bounded
                }
                assertEquals("no alerts", run(0, "alerts", "--api", api).trim());
                hv1.vsctl("add-port", "br-int", "tap9", "--", "set", "interface", "tap9", "external_ids:iface-id=ghost");
                while (ext.alerts().active().isEmpty()) {
                    assertTrue(System.nanoTime() < deadline, "unknown iface-id raised");
                    Thread.sleep(5);
                }
                HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(api
                        + "/api/v1/alerts")).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(200, r.statusCode());
                JsonNode body = new ObjectMapper().readTree(r.body());
                JsonNode a = body.path("alerts").get(0);
                assertEquals("hv1", a.path("node").asText());
                assertEquals("unknown-iface-id", a.path("kind").asText());
                assertEquals("tap9", a.path("subject").asText());
                assertEquals(false, a.path("repaired-by-weft").asBoolean());
                JsonNode cleared = body.path("cleared").get(0);
                assertEquals("bridge-missing", cleared.path("kind").asText());
                assertTrue(cleared.path("lasted-ms").isIntegralNumber(), cleared.toString());

                String table = run(0, "alerts", "--api", api, "--cleared");
                List<String> lines = table.lines().toList();
                assertTrue(lines.get(0).matches("NODE\\s+ALERT\\s+ABOUT\\s+SINCE\\s+WEFT REPAIRS\\s+WHAT"), table);
                assertTrue(lines.get(1).matches("hv1\\s+unknown-iface-id\\s+tap9\\s+\\S+\\s+no\\s+interface tap9 has "
                        + "iface-id ghost, which no logical port of the config is: it stays cut off"), table);
                assertTrue(table.contains("bridge-missing"), "the cleared ones with --cleared: " + table);
                assertTrue(run(0, "alerts", "--api", api, "--json").contains("\"kind\" : \"unknown-iface-id\""));
            }
        }
    }

    /** The README's hypervisor config block is a valid config (and the settings it gives are what it says). */
    @Test
    void theReadmesHypervisorConfigIsValid() throws Exception {
        String text = java.nio.file.Files.readString(java.nio.file.Path.of("../../README.md"));
        int marker = text.indexOf("<!-- hv-config:");
        assertTrue(marker >= 0, "the README has the hv-config block");
        int start = text.indexOf('\n', text.indexOf("```", marker)) + 1;
        WeftConfig cfg = ConfigLoader.parse(text.substring(start, text.indexOf("```", start)), "README hv-config");
        OvsdbSettings s = OvsdbSettings.of(cfg.ovsdb(), cfg.source());
        assertEquals(List.of("tcp:10.0.0.1:6653"), s.controllerTargets());
        assertEquals(OvsdbSettings.Tunnels.FLOW, s.tunnels());
        assertEquals(Optional.of("tcp:10.0.0.11:6640"), cfg.network().node("hv1").orElseThrow().ovsdb());
    }

    /** Run {@code weft ARGS}, expecting {@code code}; its output (stderr when it failed). */
    private static String run(int code, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int c = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(code, c, out + "" + err);
        return (code == 0 ? out : err).toString(StandardCharsets.UTF_8);
    }
}
