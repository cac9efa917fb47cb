package dev.weft.cli;

import dev.weft.console.ConsoleSite;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code weft usage} against a running controller whose VMs sent traffic (a token required). */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class UsageCommandTest {
    @Test
    void usageAsATableCsvAndJson(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        try (ConsoleSite s = ConsoleSite.started(true)) {
            s.send("acme-web2", "acme-web1", 12);
            Path token = Files.writeString(dir.resolve("token"), ConsoleSite.TOKEN);
            String[] base = {"--api", s.base, "--token-file", token.toString(), "--from", "2020-01-01"};
            // Wait until the traffic is counted (a read every second).
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            String table;
            do {
                table = run(0, concat(new String[]{"usage"}, base));
                Thread.sleep(50);
            } while (!table.contains("12 frames") && System.nanoTime() < deadline);
            List<String> lines = table.lines().toList();
            assertTrue(lines.get(0).startsWith("usage from 2020-01-01T00:00:00Z to "), table);
            assertTrue(lines.get(1).startsWith("TENANT"), table);
            String acme = lines.stream().filter(l -> l.startsWith("acme ")).findFirst().orElseThrow();
            assertTrue(acme.matches("acme\\s+12 frames\\s+12 frames\\s+0 frames\\s+\\d+\\s+\\d+"), acme);

            String csv = run(0, concat(new String[]{"usage", "--csv", "--by-port", "--tenant", "acme"}, base));
            assertTrue(csv.startsWith("tenant,network,port,from,to,tx_packets,tx_bytes,tx_dropped,rx_packets,rx_bytes\n"),
                    csv);
            assertTrue(csv.contains("\nacme,web,acme-web2,2020-01-01T00:00:00Z,"), csv);
            assertTrue(run(0, concat(new String[]{"usage", "--json"}, base)).contains("\"resolution-seconds\" : 1"));

            String noToken = run(1, "usage", "--api", s.base);
            assertTrue(noToken.contains("this API needs a bearer token"), noToken);
            String bad = run(1, concat(new String[]{"usage", "--to", "last week"}, base));
            assertTrue(bad.startsWith("weft usage: to must be a time such as"), bad);
        }
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
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
