package dev.weft.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MainTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
    private final PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);

    @Test
    void unknownCommandIsOneLineAndExit2() {
        assertEquals(2, Main.run(new String[]{"contoller"}, o, e));
        String text = err.toString(StandardCharsets.UTF_8);
        assertEquals(1, text.lines().count());
        assertTrue(text.contains("unknown command 'contoller'") && text.contains("controller"), text);
    }

    @Test
    void noCommandPrintsUsageAndExit2() {
        assertEquals(2, Main.run(new String[0], o, e));
        String usage = err.toString(StandardCharsets.UTF_8);
        for (String cmd : new String[]{"demo", "controller", "sim"}) {
            assertTrue(usage.contains(cmd), usage);
        }
    }

    @Test
    void versionAndHelp() {
        assertEquals(0, Main.run(new String[]{"version"}, o, e));
        assertTrue(out.toString(StandardCharsets.UTF_8).startsWith("weft "));
        assertEquals(0, Main.run(new String[]{"demo", "--help"}, o, e));
    }

    @Test
    void demoRunsTheMatrixAndAScriptAgainstTheSimulatedNetwork(@TempDir Path dir) throws Exception {
        Path script = Files.writeString(dir.resolve("s.txt"), "ping h1 h4\nlink s1 s3 down\nping h1 h4\n");
        int rc = DemoCommand.run(new String[]{"--listen", "127.0.0.1:0", "--topo", "tree,2,2", "--script",
                script.toString()}, new ByteArrayInputStream(new byte[0]), o, e);
        String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("*** Results: 0% dropped (12/12 received)"), text);
        assertTrue(text.contains("h1 -> h4: ok"), text);
        // With the only path between the two halves down, the second ping fails and so does the script.
        assertTrue(text.contains("h1 -> h4: FAILED") || text.contains("h1 -> h4: failed"), text);
        assertEquals(1, rc, text);
    }

    @Test
    void demoOnABusyPortSaysSo() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            int rc = DemoCommand.run(new String[]{"--listen", "127.0.0.1:" + taken.getLocalPort()},
                    new ByteArrayInputStream(new byte[0]), o, e);
            assertEquals(1, rc);
            assertTrue(err.toString(StandardCharsets.UTF_8).contains("--listen"), err.toString(StandardCharsets.UTF_8));
        }
    }

    @Test
    @org.junit.jupiter.api.Timeout(30)
    void demoRejectsBadArguments() {
        assertEquals(2, DemoCommand.run(new String[]{"--topo", "blob,3"}, new ByteArrayInputStream(new byte[0]), o, e));
        assertEquals(2, DemoCommand.run(new String[]{"--topo", "tree,2", "--of", "1.2"},
                new ByteArrayInputStream(new byte[0]), o, e));
        assertEquals(2, DemoCommand.run(new String[]{"--of", "1.0"}, new ByteArrayInputStream(new byte[0]), o, e));
        assertEquals(2, DemoCommand.run(new String[]{"--config", "/nonexistent.yaml"},
                new ByteArrayInputStream(new byte[0]), o, e));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("no such file"));
    }

    @Test
    @org.junit.jupiter.api.Timeout(60)
    void tenantDemoPrintsTheMatrixAndRunsAScript(@TempDir Path dir) throws Exception {
        Path script = Files.writeString(dir.resolve("s.txt"), "ping acme-web1 acme-web3\nping acme-web1 initech-a\n");
        int rc = DemoCommand.run(new String[]{"--listen", "127.0.0.1:0", "--script", script.toString()},
                new ByteArrayInputStream(new byte[0]), o, e);
        String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("Every VM reaches exactly the VMs of its own logical network"), text);
        assertTrue(text.contains("acme-web1 -> acme-web3: ok"), text);
        // acme-web1 cannot reach initech-a (another tenant): the script reports it.
        assertEquals(1, rc, text);
    }
}
