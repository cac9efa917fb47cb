package dev.weft.sim.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.projectfloodlight.openflow.protocol.OFVersion;

/** cbench's options, and what bad ones do to the command. */
class BenchCommandLineTest {

    @Test
    void defaultsAreCbenchs() throws Exception {
        BenchConfig config = BenchCommandLine.parse(new String[0]).config();
        assertEquals("localhost", config.host());
        assertEquals(6653, config.port());
        assertEquals(16, config.switches());
        assertEquals(100_000, config.macsPerSwitch());
        assertEquals(16, config.loops());
        assertEquals(1000, config.msPerTest());
        assertEquals(1, config.warmupLoops());
        assertEquals(0, config.cooldownLoops());
        assertEquals(BenchMode.LATENCY, config.mode());
        assertEquals(0, config.connectDelayMs());
        assertEquals(OFVersion.OF_10, config.version());
        assertTrue(config.learnDestinationMacs());
        assertEquals(0, config.ioThreads(), "automatic");
        assertEquals(2, config.effectiveIoThreads(2), "latency mode, 16 switches: one thread per 8");
        assertEquals(1, config.effectiveIoThreads(1), "at most one per core");
        assertEquals(0, config.maxUnanswered(), "64 KB of probes");
        assertEquals(ProbeFrame.UDP, config.probeFrame());
    }

    @Test
    void defaultIoThreadsFollowTheMode() throws Exception {
        BenchConfig latency = BenchCommandLine.parse(new String[] {"-s", "17"}).config();
        assertEquals(3, latency.effectiveIoThreads(8), "latency mode: one thread per 8 switches");
        assertEquals(2, latency.effectiveIoThreads(2), "at most one per core");
        BenchConfig throughput = BenchCommandLine.parse(new String[] {"-s", "1000", "-t"}).config();
        assertEquals(4, throughput.effectiveIoThreads(8), "throughput mode: one thread per 256 switches");
        BenchConfig small = BenchCommandLine.parse(new String[] {"-s", "16", "-t"}).config();
        assertEquals(1, small.effectiveIoThreads(8));
        BenchConfig chosen = BenchCommandLine.parse(new String[] {"-s", "16", "-T", "5"}).config();
        assertEquals(5, chosen.effectiveIoThreads(2), "-T is taken as given");
    }

    @Test
    void readsEveryOption() throws Exception {
        BenchConfig config = BenchCommandLine.parse(new String[] {
            "-c", "10.0.0.1", "-p", "6633", "-s", "4", "-M", "1000", "-l", "5", "-m", "200", "-w", "2",
            "-C", "1", "-t", "-D", "3", "-V", "1.3", "-o", "100", "-T", "2", "-q", "300", "--no-learn-dst-macs", "--frame", "cbench"}).config();
        assertEquals("10.0.0.1", config.host());
        assertEquals(6633, config.port());
        assertEquals(4, config.switches());
        assertEquals(1000, config.macsPerSwitch());
        assertEquals(5, config.loops());
        assertEquals(200, config.msPerTest());
        assertEquals(2, config.warmupLoops());
        assertEquals(1, config.cooldownLoops());
        assertEquals(BenchMode.THROUGHPUT, config.mode());
        assertEquals(3, config.connectDelayMs());
        assertEquals(OFVersion.OF_13, config.version());
        assertEquals(100, config.dpidOffset());
        assertEquals(2, config.ioThreads());
        assertEquals(300, config.maxUnanswered());
        assertFalse(config.learnDestinationMacs());
        assertEquals(ProbeFrame.CBENCH, config.probeFrame());
    }

    @Test
    void readsThePeer() throws Exception {
        BenchCommandLine.Parsed parsed = BenchCommandLine.parse(new String[] {
            "-c", "127.0.0.1", "-p", "6653", "-s", "4", "-l", "9", "-w", "3", "--peer-port", "6654", "--peer-pid", "42",
            "--controller-pid", "41"});
        BenchConfig peer = parsed.peer().orElseThrow();
        assertEquals("127.0.0.1", peer.host());
        assertEquals(6654, peer.port());
        assertEquals(parsed.config().withController("127.0.0.1", 6654), peer, "everything else as the controller's");
        assertEquals(42, parsed.peerPid().getAsLong());
        assertEquals(41, parsed.controllerPid().getAsLong());
        assertEquals("other", BenchCommandLine.parse(new String[] {"--peer-port", "6653", "--peer-host", "other"})
                .peer().orElseThrow().host());
        assertTrue(BenchCommandLine.parse(new String[0]).peer().isEmpty());
    }

    @Test
    void acceptsLongOptions() throws Exception {
        BenchConfig config = BenchCommandLine.parse(new String[] {
            "--controller=ctl", "--port", "7000", "--switches", "2", "--mac-addresses=10", "--loops=3",
            "--ms-per-test", "50", "--warmup", "0", "--throughput", "--connect-delay", "1", "--of-version", "1.0"})
                .config();
        assertEquals("ctl", config.host());
        assertEquals(7000, config.port());
        assertEquals(2, config.switches());
        assertEquals(10, config.macsPerSwitch());
        assertEquals(3, config.loops());
        assertEquals(0, config.warmupLoops());
        assertEquals(BenchMode.THROUGHPUT, config.mode());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "-s abc              | -s/--switches expects a whole number, got 'abc'",
        "-s 0                | -s/--switches must be at least 1, got 0",
        "-M -5               | -M/--mac-addresses must be at least 1, got -5",
        "-p 70000            | -p/--port must be between 1 and 65535, got 70000",
        "-V 1.2              | -V/--of-version must be 1.0 or 1.3, got '1.2'",
        "-l 2 -w 2           | warm-up (2) + cool-down (0) loops must be fewer than loops (2)",
        "--frame tcp         | --frame must be udp or cbench, got 'tcp'",
        "-x                  | unrecognized option: -x",
        "-s                  | missing argument for option: s",
        "extra               | unexpected argument 'extra'",
        "--peer-pid 5        | --peer-pid needs --peer-port",
        "--peer-host h       | --peer-host needs --peer-port",
        "--peer-port 7 -t    | --peer-port measures latency mode only (in throughput mode a controller would still drain its backlog in the other's window)",
        "-p 7 --peer-port 7  | --peer-port must name another controller than -p (both are localhost:7)",
        "--peer-port 0       | --peer-port must be between 1 and 65535, got 0",
    })
    void rejectsBadArgumentsWithOneLineAndExitCode2(String args, String message) {
        Run run = run(args.trim().split("\\s+"));
        assertEquals(BenchMain.EXIT_USAGE, run.exitCode);
        assertEquals("", run.out);
        assertEquals("bench: " + message + " (see --help)" + System.lineSeparator(), run.err);
    }

    @Test
    void helpGoesToStandardOutput() {
        Run run = run("-h");
        assertEquals(BenchMain.EXIT_OK, run.exitCode);
        assertTrue(run.out.contains("--throughput"), run.out);
        assertTrue(run.out.contains("--connect-delay"), run.out);
        assertEquals("", run.err);
    }

    @Test
    void anUnreachableControllerIsOneLineAndExitCode1() throws Exception {
        int port;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            port = socket.getLocalPort(); // closed again: nothing listens there
        }
        Run run = run("-c", "127.0.0.1", "-p", String.valueOf(port), "-s", "2", "-l", "2", "-m", "10");
        assertEquals(BenchMain.EXIT_FAILED, run.exitCode);
        String[] lines = run.err.split("\\R");
        assertEquals("bench: cannot connect to the controller at 127.0.0.1:" + port
                + ": connection refused (is it running?)", lines[lines.length - 1]);
        assertFalse(run.err.contains("Exception"), run.err);
        assertEquals("", run.out);
    }

    private record Run(int exitCode, String out, String err) {
    }

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = BenchMain.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), Clock.systemUTC());
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
