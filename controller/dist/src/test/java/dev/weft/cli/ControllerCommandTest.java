package dev.weft.cli;

import dev.weft.core.ControllerSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ControllerCommandTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return ControllerCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void badArgumentsAreOneLineAndExitCode2() {
        for (String[] args : List.of(new String[]{"--threads", "zero"}, new String[]{"--threads", "0"},
                new String[]{"--listen", "x:y"}, new String[]{"--bogus"}, new String[]{"extra"},
                new String[]{"--log-level", "loud"}, new String[]{"--of-versions", "2.0"},
                new String[]{"--listen"})) {
            err.reset();
            assertEquals(2, run(args), String.join(" ", args));
            String e = err();
            assertEquals(1, e.lines().count(), "one line: " + e);
            assertTrue(e.startsWith("weft controller: "), e);
        }
    }

    @Test
    void invalidConfigFileIsExitCode2WithItsLine(@TempDir Path dir) throws Exception {
        Path f = Files.writeString(dir.resolve("w.yaml"), "controller:\n  apps: [x]\n  nonsense: 1\n");
        assertEquals(2, run("--config", f.toString()));
        assertTrue(err().contains("w.yaml:3:") && err().contains("unknown key 'nonsense'"), err());
    }

    /** The README's example, as written: a timer that would break every switch stops the start at its line. */
    @Test
    void aTimerOutOfRangeIsExitCode2WithTheReadmeLine(@TempDir Path dir) throws Exception {
        Path f = Files.writeString(dir.resolve("weft.yaml"), "controller:\n  echo-interval: 0s\n");
        assertEquals(2, run("--config", f.toString(), "--listen", "127.0.0.1:0", "--rest", "off"));
        assertEquals("weft controller: " + f + ":2:3: controller.echo-interval: 0ms is out of range: it must be from "
                + "100ms to 10m (how often an idle switch is sent an echo request)", err().strip());
    }

    @Test
    void unknownAppIsExitCode1() {
        assertEquals(1, run("--apps", "nope", "--listen", "127.0.0.1:0"));
        assertTrue(err().contains("unknown app 'nope'"), err());
    }

    @Test
    void helpAndVersion() {
        assertEquals(0, run("--help"));
        String o = out.toString(StandardCharsets.UTF_8);
        for (String opt : List.of("--listen", "--apps", "--config", "--plugins", "--threads", "--log-level", "--version")) {
            assertTrue(o.contains(opt), "help mentions " + opt);
        }
        out.reset();
        assertEquals(0, run("--version"));
        assertTrue(out.toString(StandardCharsets.UTF_8).startsWith("weft "));
    }

    @Test
    void optionsOverrideTheConfigFile(@TempDir Path dir) throws Exception {
        Path f = Files.writeString(dir.resolve("w.yaml"), "controller:\n  dispatch-threads: 3\n  apps: [a]\n");
        var r = assertInstanceOf(ControllerCommand.Run.class, ControllerCommand.parse(new String[]{
                "--config", f.toString(), "--threads", "5", "--listen", "127.0.0.1:7000,6633", "--listen", "[::1]:6653"}));
        ControllerSettings s = r.settings();
        assertEquals(5, s.dispatchThreads());
        assertEquals(List.of("a"), s.apps());
        assertEquals(3, s.listen().size());
        assertEquals("::1", s.listen().get(2).address().getHostString().replace("0:0:0:0:0:0:0:1", "::1"));
    }

    @Test
    void theCommandRefusesAnOpenApiAndSaysWhyInOneLine() throws Exception {
        assertEquals(2, run("--apps", "", "--listen", "127.0.0.1:0", "--rest", "0.0.0.0:0"));
        String text = err();
        assertEquals(1, text.lines().count(), text);
        assertTrue(text.startsWith("weft controller: the REST API would listen on 0.0.0.0:0, which is not a loopback "
                + "address, without a token"), text);
    }

    @Test
    void aBusyApiPortStopsTheStartCleanly() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            // (Without the switch warm-up: it runs before the API starts, and would only delay this.)
            assertEquals(1, run("--apps", "", "--listen", "127.0.0.1:0", "--rest", "127.0.0.1:" + port,
                    "--warm-up-switches", "0"));
            String text = err();
            assertEquals(1, text.lines().count(), text);
            assertTrue(text.startsWith("weft controller: the REST API cannot listen on 127.0.0.1:" + port), text);
        }
    }
}
