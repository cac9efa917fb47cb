package dev.weft.sim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.sim.testctl.TestController;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.projectfloodlight.openflow.protocol.OFVersion;

/** The command line: usage errors, help, and a script against a hub controller. */
class SimMainTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String stdin, String... args) {
        return SimMain.run(args, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void badArgumentsGiveOneLineAndExitCode2() {
        assertEquals(2, run("", "--topo", "lineer,3"));
        assertEquals(1, err().lines().count());
        assertTrue(err().contains("unknown topology 'lineer'"), err());
        err.reset();
        assertEquals(2, run("", "--controller", "localhost"));
        assertTrue(err().contains("HOST:PORT"), err());
        err.reset();
        assertEquals(2, run("", "--bogus"));
        assertTrue(err().startsWith("weft sim: "), err());
        err.reset();
        assertEquals(2, run("", "--of", "2.0"));
        err.reset();
        assertEquals(2, run("", "--topo-file", "/nonexistent/x.topo"));
        err.reset();
        assertEquals(2, run("", "--topo", "single,2", "--topo-file", "x"));
        assertTrue(err().contains("not both"), err());
    }

    @Test
    void helpListsOptionsAndCommands() {
        assertEquals(0, run("", "--help"));
        assertTrue(out().contains("--controller"));
        assertTrue(out().contains("pingall"));
    }

    @Test
    void scriptRunsCommandsAgainstAController(@TempDir Path dir) throws Exception {
        try (TestController ctl = TestController.start(OFVersion.OF_13)) {
            Path topo = dir.resolve("net.topo");
            Files.writeString(topo, "switch s1\nswitch s2\nhost h1 s1\nhost h2 s2\nhost h3 s2\nlink s1 s2\n");
            Path script = dir.resolve("cmds");
            Files.writeString(script, String.join("\n", "# a comment", "wait 10", "hosts", "pingall", "move h1 s2",
                    "ping h2 h1", "link s1 s2 down", "flows s1", "switches", "quit", "ping h1 h2"));
            int code = run("", "--controller", "127.0.0.1:" + ctl.port(), "--topo-file", topo.toString(),
                    "--script", script.toString());
            assertEquals(0, code, out() + err());
            assertTrue(out().contains("h1 00:00:00:00:00:01 10.0.0.1 s1-eth1 at s1:1"), out());
            assertTrue(out().contains("*** Results: 0% dropped (6/6 received)"), out());
            assertTrue(out().contains("h1 is now at s2:4"), out());
            assertTrue(out().contains("h2 -> h1: ok"), out());
            assertTrue(out().contains("priority=0"), out());
            assertTrue(out().contains("s1 dpid=00:00:00:00:00:00:00:01 of=OF_13 connected"), out());
        }
    }

    @Test
    void interactiveUnknownCommandFailsButContinues() throws Exception {
        try (TestController ctl = TestController.start(OFVersion.OF_13)) {
            int code = run("frobnicate\nhelp\n", "--controller", "127.0.0.1:" + ctl.port(), "--topo", "single,1");
            assertEquals(1, code);
            assertTrue(out().contains("error: unknown command 'frobnicate'"), out());
            assertTrue(out().contains("weft-sim> "), out());
            assertTrue(out().contains("commands:"), out());
        }
    }
}
