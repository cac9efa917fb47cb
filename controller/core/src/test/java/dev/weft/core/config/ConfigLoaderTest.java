package dev.weft.core.config;

import dev.weft.core.ControllerSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.projectfloodlight.openflow.protocol.OFVersion;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigLoaderTest {

    private static ConfigException fails(String yaml) {
        return assertThrows(ConfigException.class,
                () -> ControllerSettings.builder().config(ConfigLoader.parse(yaml, "weft.yaml")).build());
    }

    @Test
    void fullControllerSectionIsApplied() {
        String yaml = """
                controller:
                  listen: ["127.0.0.1:6653", "6633"]
                  apps: [learning-switch]
                  dispatch-threads: 3
                  openflow-versions: ["1.3"]
                  echo-interval: 2s
                  echo-timeout: 500ms
                  handshake-timeout: 1m
                  table-miss-to-controller: false
                apps:
                  learning-switch:
                    idle-timeout: 30s
                """;
        // Refused when the file is read, at the value's line and column.
        var ex = assertThrows(ConfigException.class, () -> ConfigLoader.parse(yaml, "weft.yaml"));
        assertEquals("weft.yaml:7:3: controller.echo-timeout: echo-timeout (500ms) must be at least echo-interval (2s): "
                + "a switch is dropped only after it missed an echo", ex.getMessage());
        var s = ControllerSettings.builder()
                .config(ConfigLoader.parse(yaml.replace("500ms", "6s"), "weft.yaml")).build();
        assertEquals(2, s.listen().size());
        assertEquals(6633, s.listen().get(1).address().getPort());
        assertEquals(3, s.dispatchThreads());
        assertEquals(Set.of(OFVersion.OF_13), s.versions());
        assertEquals(Duration.ofSeconds(2), s.echoInterval());
        assertEquals(Duration.ofMinutes(1), s.handshakeTimeout());
        assertEquals(false, s.tableMissToController());
        assertEquals("30s", s.appConfig().get("learning-switch").get("idle-timeout").asText());
    }

    @Test
    void tlsListenersKeysAndPins() {
        var s = ControllerSettings.builder().config(ConfigLoader.parse("""
                controller:
                  listen: ["ssl:0.0.0.0:6653", "tcp:127.0.0.1:6633"]
                  takeover-probe-timeout: 300ms
                  tls:
                    private-key: /etc/weft/ctl-privkey.pem
                    certificate: /etc/weft/ctl-cert.pem
                    ca-certificate: /etc/weft/switchca/cacert.pem
                    pins:
                      - { datapath-id: "00:00:00:00:00:00:00:a1", subject-cn: "hv1 id:1234" }
                      - datapath-id: 0xa2
                        sha256: "E7:8E:B5:1A:CB:26:D9:F5:7D:66:9C:C3:9F:8D:B5:6A:2E:3D:D0:8C:B9:66:64:A3:39:52:65:1B:27:92:C3:49"
                """, "weft.yaml")).build();
        assertTrue(s.listen().get(0).tls());
        assertEquals(false, s.listen().get(1).tls());
        assertEquals("ssl:0.0.0.0:6653", s.listen().get(0).toString());
        assertEquals(Path.of("/etc/weft/switchca/cacert.pem"), s.switchTls().orElseThrow().caCertificate().orElseThrow());
        assertEquals(2, s.pins().size());
        assertEquals("CN=hv1 id:1234", s.pins().get(0).toString());
        assertEquals(org.projectfloodlight.openflow.types.DatapathId.of(0xa2), s.pins().get(1).datapathId());
        assertEquals(Duration.ofMillis(300), s.takeoverProbe());
    }

    @Test
    void tlsMistakesAreExplained() {
        var noKeys = assertThrows(IllegalArgumentException.class, () -> ControllerSettings.builder()
                .config(ConfigLoader.parse("controller:\n  listen: [\"ssl:6653\"]\n", "weft.yaml")).build());
        assertTrue(noKeys.getMessage().contains("listening on ssl:0.0.0.0:6653 needs the TLS keys"), noKeys.getMessage());
        String keys = "controller:\n  tls:\n    private-key: k.pem\n    certificate: c.pem\n";
        assertTrue(fails(keys).getMessage().contains("controller.tls needs private-key, certificate and ca-certificate"));
        String pin = keys + "    ca-certificate: ca.pem\n    pins:\n      - { datapath-id: 1, sha256: abcd }\n";
        assertTrue(fails(pin).getMessage().contains("controller.tls.pins[0]: sha256 fingerprint 'abcd' is not 32 hex bytes"),
                fails(pin).getMessage());
        String both = keys + "    ca-certificate: ca.pem\n    pins:\n      - { datapath-id: 1 }\n";
        assertTrue(fails(both).getMessage().contains("needs exactly one of subject-cn and sha256"), fails(both).getMessage());
    }

    @Test
    void unknownKeyNamesTheLineAndTheKnownKeys() {
        ConfigException e = fails("""
                controller:
                  apps: [learning-switch]
                  lisen: ["6653"]
                """);
        assertEquals(3, e.line());
        assertTrue(e.getMessage().startsWith("weft.yaml:3:"), e.getMessage());
        assertTrue(e.getMessage().contains("unknown key 'lisen' in controller"), e.getMessage());
        assertTrue(e.getMessage().contains("listen"), e.getMessage());
    }

    @Test
    void unknownTopLevelKey() {
        ConfigException e = fails("controler:\n  apps: []\n");
        assertEquals(1, e.line());
        assertTrue(e.getMessage().contains("unknown key 'controler' in the top level"), e.getMessage());
    }

    @Test
    void badDuration() {
        ConfigException e = fails("controller:\n  echo-interval: soon\n");
        assertEquals(2, e.line());
        assertTrue(e.getMessage().contains("controller.echo-interval") && e.getMessage().contains("not a duration"),
                e.getMessage());
    }

    @Test
    void wrongType() {
        ConfigException e = fails("controller:\n  dispatch-threads: many\n");
        assertTrue(e.getMessage().contains("controller.dispatch-threads") && e.getMessage().contains("whole number"),
                e.getMessage());
    }

    @Test
    void badListenAddress() {
        ConfigException e = fails("controller:\n  listen: [\"host:99999\"]\n");
        assertTrue(e.getMessage().contains("out of range"), e.getMessage());
    }

    @Test
    void unsupportedVersion() {
        ConfigException e = fails("controller:\n  openflow-versions: [\"1.1\"]\n");
        assertTrue(e.getMessage().contains("unsupported OpenFlow version '1.1'"), e.getMessage());
    }

    @Test
    void duplicateKeyIsAnError() {
        ConfigException e = fails("controller:\n  apps: [a]\n  apps: [b]\n");
        assertTrue(e.getMessage().toLowerCase().contains("duplicate"), e.getMessage());
    }

    @Test
    void malformedYamlSaysWhere() {
        ConfigException e = fails("controller:\n  apps: [a\n");
        assertTrue(e.line() > 0, e.getMessage());
    }

    @Test
    void missingFile(@TempDir Path dir) {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(dir.resolve("nope.yaml")));
        assertTrue(e.getMessage().endsWith("no such file"), e.getMessage());
    }

    @Test
    void emptyFileMeansDefaults(@TempDir Path dir) throws Exception {
        Path f = Files.writeString(dir.resolve("w.yaml"), "");
        var s = ControllerSettings.builder().config(ConfigLoader.load(f)).build();
        assertEquals(List.of("learning-switch"), s.apps());
        assertEquals(6653, s.listen().get(0).address().getPort());
    }

    record AppCfg(Duration idleTimeout, Integer priority) {
        AppCfg {
            priority = priority == null ? 100 : priority;
        }
    }

    @Test
    void appSectionsBindStrictlyWithDefaults() {
        var cfg = ConfigLoader.parse("apps:\n  x:\n    idle-timeout: 5s\n", "w.yaml");
        AppCfg c = ConfigLoader.bind("w.yaml", "apps.x", cfg.apps().get("x"), AppCfg.class);
        assertEquals(Duration.ofSeconds(5), c.idleTimeout());
        assertEquals(100, c.priority());
        AppCfg absent = ConfigLoader.bind("w.yaml", "apps.y", null, AppCfg.class);
        assertEquals(100, absent.priority());
        var bad = ConfigLoader.parse("apps:\n  x:\n    idle-timout: 5s\n", "w.yaml");
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigLoader.bind("w.yaml", "apps.x", bad.apps().get("x"), AppCfg.class));
        assertTrue(e.getMessage().contains("unknown key 'idle-timout' in apps.x"), e.getMessage());
    }

    @Test
    void durations() {
        assertEquals(Duration.ofMillis(250), Durations.parse("250ms"));
        assertEquals(Duration.ofSeconds(5), Durations.parse("5"));
        assertEquals(Duration.ofMillis(1500), Durations.parse("1.5s"));
        assertEquals(Duration.ofHours(2), Durations.parse("2h"));
        assertThrows(IllegalArgumentException.class, () -> Durations.parse("-1s"));
        assertEquals("90s", Durations.format(Duration.ofSeconds(90)));
    }
}
