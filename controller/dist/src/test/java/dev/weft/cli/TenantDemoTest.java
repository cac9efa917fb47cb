package dev.weft.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code weft demo} with the example tenants: the reachability matrix, then a migration. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TenantDemoTest {
    @Test
    void theDemoMovesAVmAndPrintsItsMigration(@TempDir Path dir) throws Exception {
        Path script = Files.writeString(dir.resolve("s.txt"), "ping acme-web1 acme-web3\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = DemoCommand.run(new String[]{"--listen", "127.0.0.1:0", "--script", script.toString()},
                new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        String text = out.toString(StandardCharsets.UTF_8);
        System.out.println(text);
        assertTrue(text.contains("Migration: acme-web1 moves from hv1 to hv2"), text);
        assertTrue(text.matches("(?s).*Weft: migration 1 of acme-web1 \\(acme/web\\): hv1 port \\d+ -> hv2 port \\d+.*"),
                text);
        assertTrue(text.matches("(?s).*converged in [0-9.]+ ms.*"), text);
        assertTrue(text.contains("-> acme-web1: reached at hv2"), text);
        assertEquals(0, rc, text + err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void theDemoServesTheConsoleWhileItRuns(@TempDir Path dir) throws Exception {
        Path script = Files.writeString(dir.resolve("s.txt"), "sleep 4000\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int[] rc = {-1};
        Thread demo = new Thread(() -> rc[0] = DemoCommand.run(new String[]{"--listen", "127.0.0.1:0", "--console",
                        "127.0.0.1:0", "--script", script.toString()}, new ByteArrayInputStream(new byte[0]),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(out, true, StandardCharsets.UTF_8)));
        demo.start();
        java.util.regex.Pattern url = java.util.regex.Pattern.compile(
                "The console \\(a web page: the hypervisors, VMs, migrations, traffic\\): (http://127\\.0\\.0\\.1:\\d+/)");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        java.util.regex.Matcher m = url.matcher("");
        while (!m.reset(out.toString(StandardCharsets.UTF_8)).find()) {
            assertTrue(System.nanoTime() < deadline && demo.isAlive(), out.toString(StandardCharsets.UTF_8));
            Thread.sleep(20);
        }
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        for (String path : new String[]{"", "api/v1/tenants", "health"}) {
            var r = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(m.group(1) + path)).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), path + ": " + r.body());
        }
        demo.join(30_000);
        assertEquals(0, rc[0], out.toString(StandardCharsets.UTF_8));
    }
}
