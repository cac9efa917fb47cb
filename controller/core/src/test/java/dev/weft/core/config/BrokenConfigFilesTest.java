package dev.weft.core.config;

import dev.weft.api.tenant.NetworkConfig;
import dev.weft.core.Controller;
import dev.weft.core.ControllerSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Broken config files, each with its exact one-line error (file, line and column where there is
 * a place), reloaded into a running controller that stays exactly as it was.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BrokenConfigFilesTest {
    static final String GOOD = """
            controller:
              apps: []
            transport-nodes:
              - name: hv1
                datapath-id: "00:00:00:00:00:00:00:a1"
                tunnel-ip: 10.77.0.1
            tenants:
              - name: acme
                networks:
                  - name: web
                    segment: 5001
                    ports:
                      - name: acme-web1
                        mac: "02:00:0a:00:01:0b"
                        ips: [10.0.1.11]
                        binding: { interface: vm-acme-web1 }
              - name: globex
                networks:
                  - name: web
                    segment: 6001
            """;

    /** Each broken file, and the error it must give (the file is called weft.yaml). */
    static final Map<String, String> BROKEN = Map.ofEntries(
            Map.entry("controller:\n  echo-interval: 0s\n",
                    "weft.yaml:2:3: controller.echo-interval: 0ms is out of range: it must be from 100ms to 10m (how "
                            + "often an idle switch is sent an echo request)"),
            Map.entry("controller:\n  handshake-timeout: 0ms\n",
                    "weft.yaml:2:3: controller.handshake-timeout: 0ms is out of range: it must be from 100ms to 10m "
                            + "(how long a connecting switch has to finish the handshake)"),
            Map.entry("controller:\n  request-timeout: 30d\n",
                    "weft.yaml:2:3: controller.request-timeout: 30d is out of range: it must be from 100ms to 10m "
                            + "(how long a switch has to answer a request)"),
            Map.entry("controller:\n  echo-interval: 20s\n",
                    "weft.yaml:2:3: controller.echo-interval: echo-timeout (15s, the default) must be at least "
                            + "echo-interval (20s): a switch is dropped only after it missed an echo"),
            Map.entry("controller:\n  dispatch-threads: 0\n",
                    "weft.yaml:2:3: controller.dispatch-threads: 0 is out of range: it must be from 1 to 256 (threads "
                            + "that run the apps)"),
            Map.entry("controller:\n  flow-audit-interval: 10ms\n",
                    "weft.yaml:2:3: controller.flow-audit-interval: 10ms is out of range: it must be from 1s to 1d "
                            + "(how often every switch's flow table is re-read; 0s turns the audit off)"),
            Map.entry("controller:\n  takeover-probe-timeout: 0s\n",
                    "weft.yaml:2:3: controller.takeover-probe-timeout: 0ms is out of range: it must be from 100ms to "
                            + "1m (how long a connected switch has to answer before a newcomer with its datapath id "
                            + "replaces it)"),
            Map.entry("rest:\n  limits:\n    idle-timeout: 0s\n",
                    "weft.yaml:3:5: rest.limits.idle-timeout: 0ms is out of range: it must be from 1s to 1h (how long "
                            + "a keep-alive connection may wait for its next request)"),
            Map.entry("tenants: " + "a".repeat(1_000_000) + "\n",
                    "weft.yaml:1:65537: this line is 1000009 characters long; a line may have at most 65536 (write a "
                            + "long list one item a line)"),
            Map.entry("tenants:\n  - name: \"acme\n",
                    "weft.yaml:3:1: not valid YAML: while scanning a quoted scalar: found unexpected end of stream"),
            Map.entry("tenants:\n\t- name: acme\n",
                    "weft.yaml:2:1: not valid YAML: while scanning for the next token: found character '\\t(TAB)' "
                            + "that cannot start any token. (Do not use \\t(TAB) for indentation)"),
            Map.entry(": x\n", "weft.yaml:1:1: not valid YAML: while parsing a block mapping: expected <block end>, "
                    + "but found ':'"),
            Map.entry("tenants: []\n---\ntenants: []\n", "weft.yaml:3:1: a second YAML document: a config file is "
                    + "one document (remove the '---' and what follows, or merge it into the first)"),
            Map.entry("tenants: [a\u0007]\n", "weft.yaml:1:12: not valid YAML: character U+0007 is not allowed in YAML"),
            Map.entry("? [a, b]\n: c\n", "weft.yaml:1:4: a key must be a name, not a list or a section "
                    + "('? [a, b]: c' is not a key)"),
            Map.entry("tenants:\n  - name: ac\u00e9me\n",
                    "weft.yaml:2:5: tenants[0].name: 'ac\u00e9me' is not a usable tenant name (letters, digits, '-', "
                            + "'_', '.')"));

    private static Path write(Path dir, String text) throws Exception {
        return Files.writeString(dir.resolve("weft.yaml"), text);
    }

    private static ConfigException loading(Path file) {
        return assertThrows(ConfigException.class, () -> ConfigLoader.load(file));
    }

    private static String relative(ConfigException e, Path file) {
        return e.getMessage().replace(file.toString(), "weft.yaml");
    }

    @Test
    void eachBrokenFileGivesItsOneLineErrorAtItsPlace(@TempDir Path dir) throws Exception {
        for (Map.Entry<String, String> b : BROKEN.entrySet()) {
            Path f = write(dir, b.getKey());
            ConfigException e = loading(f);
            assertEquals(b.getValue(), relative(e, f), b.getKey().length() > 80 ? "(a long line)" : b.getKey());
            assertTrue(e.line() > 0 && e.column() > 0, e.getMessage());
            assertTrue(!e.getMessage().contains("\n"), "one line");
        }
    }

    @Test
    void aFileOverTheLimitIsRefusedBeforeItIsRead(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("weft.yaml");
        try (var out = Files.newOutputStream(f)) {
            byte[] mb = "a".repeat(1 << 20).getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < 50; i++) {
                out.write(mb); // 50 MB in one scalar: what kept a core busy for minutes
            }
        }
        assertEquals("weft.yaml: the file is 52428800 bytes; a config file may have at most 3145728 (3 MiB): it was "
                + "not read", relative(loading(f), f));
        Files.write(f, new byte[]{'a', ':', ' ', (byte) 0xff, '\n'});
        assertEquals("weft.yaml:1:4: not UTF-8 text (byte 3 of the file)", relative(loading(f), f));
    }

    /** The same 50 MB file saved over a running controller's config: refused at once, nothing changes. */
    @Test
    void aReloadOfAFiftyMegabyteFileIsRefusedAndChangesNothing(@TempDir Path dir) throws Exception {
        Path f = write(dir, GOOD);
        try (Controller c = running(f)) {
            c.awaitControlLaneIdle(); // the config is applied on the control lane, after start returns
            NetworkConfig before = c.tenants().config();
            assertEquals(2, before.tenants().size(), "the good file is running: " + before);
            try (var out = Files.newOutputStream(f)) {
                out.write("tenants: ".getBytes(StandardCharsets.US_ASCII));
                byte[] mb = "a".repeat(1 << 20).getBytes(StandardCharsets.US_ASCII);
                for (int i = 0; i < 50; i++) {
                    out.write(mb);
                }
            }
            ReloadResult r = c.reload();
            assertEquals(ReloadResult.Outcome.REJECTED, r.outcome());
            assertEquals("weft.yaml: the file is 52428809 bytes; a config file may have at most 3145728 (3 MiB): it "
                    + "was not read", r.message().replace(f.toString(), "weft.yaml"));
            c.controlLaneDone().get(10, TimeUnit.SECONDS);
            assertEquals(before, c.tenants().config(), "the running configuration is untouched");
        }
    }

    @Test
    void errorsFoundAfterLoadingNameTheirLineToo(@TempDir Path dir) throws Exception {
        Map<String, String> later = Map.of(
                "controller:\n  listen: [\"6653\", \"tcp:nohost:99999\"]\n",
                "weft.yaml:2:20: controller.listen[1]: port 99999 in 'nohost:99999' is out of range 0..65535",
                "controller:\n  openflow-versions: [\"1.3\", \"2.0\"]\n",
                "weft.yaml:2:30: controller.openflow-versions[1]: unsupported OpenFlow version '2.0' (supported: "
                        + "1.0, 1.3, 1.4, 1.5)",
                "topology:\n  discovery: true\n  probe-interval: 5ms\n",
                "weft.yaml:3:3: topology: probe-interval must be at least 10ms (was 5ms)",
                "controller:\n  tls:\n    private-key: k.pem\n",
                "weft.yaml:2:3: controller.tls needs private-key, certificate and ca-certificate (PEM files, as "
                        + "ovs-pki makes them)");
        for (Map.Entry<String, String> b : later.entrySet()) {
            Path f = write(dir, b.getKey());
            WeftConfig cfg = ConfigLoader.load(f);
            ConfigException e = assertThrows(ConfigException.class,
                    () -> ControllerSettings.builder().config(cfg).build(), b.getKey());
            assertEquals(b.getValue(), relative(e, f));
        }
    }

    /** An app's section as an app binds it (at its start, long after the file was read). */
    record AppSection(java.time.Duration idleTimeout, Integer priority) {
    }

    @Test
    void anAppsSectionNamesTheLineOfItsBadValue(@TempDir Path dir) throws Exception {
        Path f = write(dir, "apps:\n  some-app:\n    priority: 10\n    idle-timeout: 5q\n");
        WeftConfig cfg = ConfigLoader.load(f);
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.bind(f.toString(), "apps.some-app",
                cfg.apps().get("some-app"), AppSection.class));
        assertEquals(4, e.line(), e.getMessage());
        assertTrue(relative(e, f).startsWith("weft.yaml:4:5: apps.some-app.idle-timeout: bad value '5q'"),
                e.getMessage());
        Path g = write(dir, "apps:\n  some-app:\n    priority: 10\n    idle-timout: 5s\n");
        ConfigException u = assertThrows(ConfigException.class, () -> ConfigLoader.bind(g.toString(),
                "apps.some-app", ConfigLoader.load(g).apps().get("some-app"), AppSection.class));
        assertTrue(relative(u, g).startsWith("weft.yaml:4:5: unknown key 'idle-timout' in apps.some-app"),
                u.getMessage());
    }

    private static Controller running(Path file) {
        return Controller.start(ControllerSettings.builder().config(ConfigLoader.load(file)).configFile(file)
                .listen(List.of(new InetSocketAddress("127.0.0.1", 0))).dispatchThreads(1).build());
    }

    @Test
    void aReloadOfABrokenFileChangesNothing(@TempDir Path dir) throws Exception {
        Path f = write(dir, GOOD);
        try (Controller c = running(f)) {
            c.awaitControlLaneIdle(); // the config is applied on the control lane, after start returns
            NetworkConfig before = c.tenants().config();
            assertEquals(2, before.tenants().size());
            for (Map.Entry<String, String> b : BROKEN.entrySet()) {
                write(dir, b.getKey());
                ReloadResult r = c.reload();
                assertEquals(ReloadResult.Outcome.REJECTED, r.outcome());
                assertEquals(b.getValue(), r.message().replace(f.toString(), "weft.yaml"));
                c.controlLaneDone().get(10, TimeUnit.SECONDS);
                assertEquals(before, c.tenants().config(), "the running configuration is untouched");
            }
        }
    }

    /** An empty file, blanks, comments, or a file cut before its tenants: none removes every tenant. */
    @Test
    void aFileWithoutTenantsDoesNotRemoveThemAllUnlessItSaysSo(@TempDir Path dir) throws Exception {
        Path f = write(dir, GOOD);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logs =
                new ch.qos.logback.core.read.ListAppender<>();
        logs.start();
        ch.qos.logback.classic.Logger reloads = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(
                "dev.weft.core.ConfigReloads");
        reloads.addAppender(logs);
        try (Controller c = running(f)) {
            NetworkConfig before = c.tenants().config();
            for (String text : List.of("", " \n\n\t\n", GOOD.substring(0, GOOD.indexOf("tenants:")))) {
                write(dir, text);
                ReloadResult r = c.reload();
                assertEquals(ReloadResult.Outcome.REJECTED, r.outcome(), "'" + text + "'");
                assertEquals("weft.yaml: the file has no tenants: section (" + (text.isBlank() ? "it is empty"
                        : "half-written?") + "), which would remove every tenant (acme, globex); refused, the running "
                        + "configuration stays. To remove them all, write tenants: []",
                        r.message().replace(f.toString(), "weft.yaml"));
                c.controlLaneDone().get(10, TimeUnit.SECONDS);
                assertEquals(before, c.tenants().config());
                // The log says it too, naming the tenants that would have gone.
                ch.qos.logback.classic.spi.ILoggingEvent last = logs.list.get(logs.list.size() - 1);
                assertEquals(ch.qos.logback.classic.Level.ERROR, last.getLevel());
                assertEquals("config reload rejected: " + r.message(), last.getFormattedMessage());
            }
            // Cut just after "tenants:" (or a tenants: with nothing in it): not tenants: [] either.
            for (String text : List.of(GOOD.substring(0, GOOD.indexOf("tenants:") + "tenants:\n".length()),
                    "tenants:\n", "tenants:   # none yet\n")) {
                write(dir, text);
                ReloadResult r = c.reload();
                assertEquals(ReloadResult.Outcome.REJECTED, r.outcome(), "'" + text + "'");
                assertEquals("weft.yaml: the file's tenants: section lists nothing and is not tenants: [] "
                        + "(half-written?), which would remove every tenant (acme, globex); refused, the running "
                        + "configuration stays. To remove them all, write tenants: []",
                        r.message().replace(f.toString(), "weft.yaml"));
                c.controlLaneDone().get(10, TimeUnit.SECONDS);
                assertEquals(before, c.tenants().config());
            }
            write(dir, "# nothing here yet\n");
            assertEquals(ReloadResult.Outcome.REJECTED, c.reload().outcome(), "a comment-only file");
            assertEquals(before, c.tenants().config());

            write(dir, GOOD.substring(0, GOOD.indexOf("tenants:")) + "tenants: []\n");
            ReloadResult all = c.reload();
            assertEquals(ReloadResult.Outcome.APPLIED, all.outcome(), all.message());
            c.controlLaneDone().get(10, TimeUnit.SECONDS);
            assertEquals(List.of(), c.tenants().config().tenants(), "said explicitly: every tenant removed");
        } finally {
            reloads.detachAppender(logs);
        }
    }

    /**
     * A reload reading a file that does not come (a FIFO nobody writes yet) holds nobody: a change
     * through the API goes in meanwhile, and the late reading, older than it, is not applied over it.
     */
    @Test
    void aSlowReloadHoldsNobodyAndDoesNotUndoANewerChange(@TempDir Path dir) throws Exception {
        Path f = write(dir, GOOD);
        try (Controller c = running(f)) {
            Files.delete(f);
            Process mk = new ProcessBuilder("mkfifo", f.toString()).inheritIO().start();
            assertEquals(0, mk.waitFor());
            CompletableFuture<ReloadResult> slow = CompletableFuture.supplyAsync(c::reload);
            // Opening the FIFO's writing end returns once the reload has opened it to read: it is
            // now waiting for the text.
            java.io.OutputStream fifo = Files.newOutputStream(f);

            WeftConfig newer = ConfigLoader.parse(GOOD.replace("segment: 6001", "segment: 6002"), "weft.yaml");
            ReloadResult api = c.applyNetwork(newer.network(), newer); // would wait on a reload that held the lock
            assertEquals(ReloadResult.Outcome.APPLIED, api.outcome());
            assertTrue(!slow.isDone(), "the slow reading is still waiting for its file");

            fifo.write(GOOD.getBytes(StandardCharsets.UTF_8)); // the old text, to the waiting reload
            fifo.close();
            ReloadResult late = slow.get(30, TimeUnit.SECONDS);
            assertEquals(ReloadResult.Outcome.UNCHANGED, late.outcome());
            assertEquals("a newer reading of the file is in force", late.message());
            c.controlLaneDone().get(10, TimeUnit.SECONDS);
            assertEquals(newer.network(), c.tenants().config());
        }
    }
}
