package dev.weft.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.weft.rest.RestFabric;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The weft client commands against a running controller with a simulated fabric. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ClientCommandsTest {
    @TempDir
    static Path dir;
    static RestFabric f;
    static String api;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeAll
    static void start() throws Exception {
        f = new RestFabric(dir);
        api = "http://127.0.0.1:" + dev.weft.rest.Http.apiOf(f.controller).getPort();
    }

    @AfterAll
    static void stop() {
        if (f != null) {
            f.close();
        }
    }

    private int weft(String... args) {
        return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private List<String> lines() {
        return out.toString(StandardCharsets.UTF_8).lines().toList();
    }

    /** Every column starts at the same place on every line: where the header's title starts. */
    private static void assertAligned(List<String> lines, String... titles) {
        String header = lines.get(0);
        for (String title : titles) {
            int col = header.indexOf(title);
            assertTrue(col >= 0, title + " in " + header);
            for (String l : lines.subList(1, lines.size())) {
                assertTrue(l.length() > col && l.charAt(col) != ' ' && l.charAt(col - (col > 0 ? 1 : 0)) == ' '
                        || col == 0, "column " + title + " at " + col + " in:\n" + String.join("\n", lines));
            }
        }
    }

    @Test
    void switchesAsAnAlignedTable() {
        assertEquals(0, weft("switches", "--api", api), err.toString(StandardCharsets.UTF_8));
        List<String> lines = lines();
        assertEquals(3, lines.size(), String.join("\n", lines));
        assertTrue(lines.get(0).startsWith("DATAPATH ID"), lines.get(0));
        assertTrue(lines.get(1).startsWith("00:00:00:00:00:00:00:a1  hv1   1.3"), lines.get(1));
        assertAligned(lines, "NAME", "OPENFLOW", "ADDRESS", "PORTS", "FLOWS", "CONNECTED SINCE");
    }

    @Test
    void tenantsShowWhereEachPortIs() {
        assertEquals(0, weft("tenants", "--api", api));
        List<String> lines = lines();
        assertEquals(4, lines.size(), String.join("\n", lines));
        assertTrue(lines.get(1).matches("acme\\s+web\\s+5001\\s+acme-web1\\s+02:00:0a:00:01:0b\\s+10\\.0\\.1\\.11\\s+hv1 port \\d+"),
                lines.get(1));
        assertTrue(lines.get(3).startsWith("globex"), lines.get(3));
        assertAligned(lines, "NETWORK", "SEGMENT", "PORT", "MAC", "IPS", "LOCATION");
    }

    @Test
    void jsonIsTheApisOwnAnswer() throws Exception {
        assertEquals(0, weft("tenants", "--json", "--api", api));
        JsonNode n = new ObjectMapper().readTree(out.toString(StandardCharsets.UTF_8));
        assertEquals(2, n.size());
        assertEquals("acme", n.get(0).path("name").asText());
        out.reset();
        assertEquals(0, weft("switches", "--json", "--api", api));
        assertEquals(2, new ObjectMapper().readTree(out.toString(StandardCharsets.UTF_8)).size());
        out.reset();
        assertEquals(0, weft("hosts", "--json", "--api", api));
        assertTrue(new ObjectMapper().readTree(out.toString(StandardCharsets.UTF_8)).isArray());
    }

    /**
     * Commands run one after another in one process reuse a connection: the API lets a client hold
     * 32 at once, and a client per command once left each one open (a test polling `weft usage`
     * was refused after 32 polls).
     */
    @Test
    void manyCommandsInOneProcessAreNotRefused() {
        for (int i = 0; i < 80; i++) {
            out.reset();
            err.reset();
            assertEquals(0, weft("switches", "--api", api), "command " + (i + 1) + ": " + err.toString(StandardCharsets.UTF_8));
        }
    }

    @Test
    void hostsPrintsAHeaderEvenWhenEmpty() {
        assertEquals(0, weft("hosts", "--api", api));
        assertTrue(lines().get(0).startsWith("MAC"), lines().toString());
    }

    @Test
    void reloadSaysWhatHappened() {
        assertEquals(0, weft("reload", "--api", api));
        assertEquals(List.of("config unchanged: no change"), lines());
    }

    @Test
    void migrationsWithoutTheMobilityAppIsOneLineAndExit1() {
        assertEquals(1, weft("migrations", "--api", api));
        assertEquals("weft migrations: not available: this controller has no migration history (enable the "
                + "mobility app)\n", err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void anUnreachableControllerIsOneLineAndExit1() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort(); // free again once closed: nobody listens there
        }
        for (String cmd : List.of("switches", "hosts", "tenants", "migrations", "reload")) {
            err.reset();
            assertEquals(1, weft(cmd, "--api", "http://127.0.0.1:" + port), cmd);
            String text = err.toString(StandardCharsets.UTF_8);
            assertEquals(1, text.lines().count(), text);
            assertTrue(text.startsWith("weft " + cmd + ": cannot reach the Weft API at http://127.0.0.1:" + port), text);
        }
    }

    @Test
    void badArgumentsAreExit2AndTheTokenComesFromAFileOrTheEnvironment(@TempDir Path tmp) throws Exception {
        assertEquals(2, weft("switches", "--bogus"));
        assertEquals(2, weft("switches", "extra"));
        assertEquals(2, weft("switches", "--api", "not a url"));
        assertEquals(2, weft("migrations", "--limit", "x", "--api", api));
        assertEquals(0, weft("tenants", "--help"));
        Path token = Files.writeString(tmp.resolve("token"), "abc\n");
        // The token is sent (this API does not need it, so it is accepted either way).
        assertEquals(0, weft("switches", "--api", api, "--token-file", token.toString()));
        assertEquals(2, weft("switches", "--api", api, "--token-file", tmp.resolve("none").toString()));
        out.reset();
        assertEquals(0, ClientCommands.run("switches", new String[0], new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), Map.of("WEFT_API", api, "WEFT_API_TOKEN", "abc")));
        assertEquals(3, lines().size());
    }
}
