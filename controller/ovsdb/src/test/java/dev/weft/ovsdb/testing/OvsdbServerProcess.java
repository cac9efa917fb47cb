package dev.weft.ovsdb.testing;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A real {@code ovsdb-server} with a fresh Open_vSwitch database in a temporary directory,
 * listening on a unix socket there (and, if asked, on a TCP port of 127.0.0.1 it picks). It is
 * the test's own process (no --detach), killed by its pid on {@link #close()}, its directory
 * removed. Without Open vSwitch's tools the test is skipped, or fails when the system property
 * {@code weft.requireOvs} is true (CI).
 */
public final class OvsdbServerProcess implements AutoCloseable {
    public static final Path SCHEMA = Path.of("/usr/share/openvswitch/vswitch.ovsschema");
    private static final Pattern LISTENING = Pattern.compile("127\\.0\\.0\\.1: listening on port (\\d+)");

    private final Path dir;
    private Process process;
    private final int tcpPort;

    private OvsdbServerProcess(Path dir, Process process, int tcpPort) {
        this.dir = dir;
        this.process = process;
        this.tcpPort = tcpPort;
    }

    /** Start the server again (after {@link #kill()}) on the same database and socket. */
    public void restart() throws IOException, InterruptedException {
        Files.deleteIfExists(socket());
        process = new ProcessBuilder(List.of("/usr/sbin/ovsdb-server", dir.resolve("conf.db").toString(),
                "--remote=punix:" + socket(), "--unixctl=" + dir.resolve("ovsdb-server.ctl"),
                "--log-file=" + dir.resolve("ovsdb-server.log"), "-vfile:info")).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("stdout.txt").toFile())).start();
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        while (!Files.exists(socket())) {
            if (!process.isAlive() || Instant.now().isAfter(deadline)) {
                throw new IOException("ovsdb-server did not restart: " + log());
            }
            Thread.sleep(10); // polling for the socket file, bounded by the deadline
        }
    }

    /** Skip (or fail in CI) unless Open vSwitch's database tools are installed. */
    public static void assumeInstalled() {
        boolean present = Files.isExecutable(Path.of("/usr/sbin/ovsdb-server")) && Files.isRegularFile(SCHEMA)
                && Files.isExecutable(Path.of("/usr/bin/ovsdb-tool")) && Files.isExecutable(Path.of("/usr/bin/ovs-vsctl"));
        String require = System.getProperty("weft.requireOvs", "");
        if (!present && (require.equals("true") || require.equals("1"))) {
            throw new AssertionError("Open vSwitch (ovsdb-server, ovsdb-tool, ovs-vsctl) is required but not installed");
        }
        Assumptions.assumeTrue(present, "Open vSwitch's ovsdb-server/ovsdb-tool/ovs-vsctl are not installed");
    }

    public static OvsdbServerProcess start(boolean tcp) throws IOException, InterruptedException {
        return start(tcp ? List.of("--remote=ptcp:0:127.0.0.1") : List.of());
    }

    /**
     * With more remotes or options (e.g. {@code --remote=pssl:0:127.0.0.1} and its keys); a
     * {@code 127.0.0.1} port it listens on is {@link #tcpPort()}.
     */
    public static OvsdbServerProcess start(List<String> extra) throws IOException, InterruptedException {
        assumeInstalled();
        boolean tcp = extra.stream().anyMatch(a -> a.contains(":0:127.0.0.1"));
        Path dir = Files.createTempDirectory("weft-ovsdb-");
        run(List.of("ovsdb-tool", "create", dir.resolve("conf.db").toString(), SCHEMA.toString()));
        List<String> cmd = new ArrayList<>(List.of("/usr/sbin/ovsdb-server", dir.resolve("conf.db").toString(),
                "--remote=punix:" + dir.resolve("db.sock"), "--unixctl=" + dir.resolve("ovsdb-server.ctl"),
                "--log-file=" + dir.resolve("ovsdb-server.log"), "-vfile:info"));
        cmd.addAll(extra);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve("stdout.txt").toFile()).start();
        OvsdbServerProcess s = new OvsdbServerProcess(dir, p, 0);
        try {
            Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
            int port = 0;
            while (!Files.exists(dir.resolve("db.sock")) || (tcp && port == 0)) {
                if (!p.isAlive() || Instant.now().isAfter(deadline)) {
                    throw new IOException("ovsdb-server did not start: " + s.log());
                }
                port = tcp ? s.listeningPort() : 0;
                Thread.sleep(10); // polling for the socket file, bounded by the deadline
            }
            s = new OvsdbServerProcess(dir, p, port);
            run(List.of("ovs-vsctl", "--db=unix:" + dir.resolve("db.sock"), "--no-wait", "init"));
            return s;
        } catch (IOException | InterruptedException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    private int listeningPort() throws IOException {
        Path logFile = dir.resolve("ovsdb-server.log");
        if (!Files.exists(logFile)) {
            return 0;
        }
        Matcher m = LISTENING.matcher(Files.readString(logFile));
        return m.find() ? Integer.parseInt(m.group(1)) : 0;
    }

    public Path socket() {
        return dir.resolve("db.sock");
    }

    public Path dir() {
        return dir;
    }

    public int tcpPort() {
        return tcpPort;
    }

    public long pid() {
        return process.pid();
    }

    /** {@code ovs-vsctl --db=unix:SOCKET --no-wait ARGS}; its output, trimmed. Fails when it fails. */
    public String vsctl(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("ovs-vsctl", "--db=unix:" + socket(), "--no-wait", "--timeout=20"));
        cmd.addAll(List.of(args));
        return run(cmd);
    }

    public static String run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(cmd + " did not finish");
        }
        if (p.exitValue() != 0) {
            throw new IOException(cmd + " failed (" + p.exitValue() + "): " + out.trim());
        }
        return out.trim();
    }

    public String log() {
        try {
            Path l = dir.resolve("ovsdb-server.log");
            return Files.exists(l) ? Files.readString(l) : "(no log)";
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    /** Kill the server (its pid) without removing its directory: what a crash looks like. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        try {
            kill();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // best effort: a temp dir
        }
    }
}
