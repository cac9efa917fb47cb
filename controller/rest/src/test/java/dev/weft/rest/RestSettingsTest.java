package dev.weft.rest;

import dev.weft.core.config.ConfigException;
import dev.weft.core.config.ConfigLoader;
import dev.weft.core.config.RestSection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The rest: section, the token rule and the token itself. */
class RestSettingsTest {

    private static InetSocketAddress at(String literal) {
        return new InetSocketAddress(literal, 8080); // literals: no lookup, no traffic
    }

    @Test
    void aTokenIsNeededOffLoopbackOrWhenAskedFor() {
        assertFalse(RestSettings.needsToken(at("127.0.0.1"), false));
        assertFalse(RestSettings.needsToken(at("127.0.0.2"), false));
        assertFalse(RestSettings.needsToken(at("::1"), false));
        assertTrue(RestSettings.needsToken(at("0.0.0.0"), false), "the wildcard reaches every interface");
        assertTrue(RestSettings.needsToken(at("::"), false));
        assertTrue(RestSettings.needsToken(at("10.1.2.3"), false));
        assertTrue(RestSettings.needsToken(at("127.0.0.1"), true));
    }

    @Test
    void settingsWithoutTheNeededTokenCannotExist() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new RestSettings(at("0.0.0.0"), Optional.empty(), false));
        assertTrue(e.getMessage().contains("0.0.0.0:8080, which is not a loopback address"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new RestSettings(at("127.0.0.1"), Optional.empty(), true));
        RestSettings ok = new RestSettings(at("0.0.0.0"), Optional.of(ApiToken.of("s3cret")), false);
        assertTrue(ok.tokenRequired());
        assertFalse(ok.toString().contains("s3cret"), ok.toString());
        assertFalse(RestSettings.defaults().tokenRequired());
        assertEquals("127.0.0.1:8080", RestSettings.text(RestSettings.defaults().listen()));
    }

    @Test
    void theTokenComesFromAFileOrAVariableAndIsNeverPrinted(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("token"), "  s3cret-file\n");
        RestSettings s = RestSettings.with(Optional.empty(), new RestSection(null, "0.0.0.0:0", file.toString(),
                null, null), "weft.yaml", Map.of()).orElseThrow();
        assertTrue(s.token().orElseThrow().matches("s3cret-file"));
        assertFalse(s.token().get().matches("s3cret-fil"));
        assertFalse(s.token().get().matches(null));
        assertEquals("ApiToken(hidden)", s.token().get().toString());

        RestSettings env = RestSettings.with(Optional.empty(), new RestSection(null, null, null, "WEFT_TEST_TOKEN",
                true), "weft.yaml", Map.of("WEFT_TEST_TOKEN", "from-env")).orElseThrow();
        assertTrue(env.token().orElseThrow().matches("from-env"));
        assertTrue(env.tokenRequired());

        assertEquals("weft.yaml: rest: token-file: no such file " + dir.resolve("nope"), assertThrows(
                ConfigException.class, () -> RestSettings.with(Optional.empty(), new RestSection(null, null,
                        dir.resolve("nope").toString(), null, null), "weft.yaml", Map.of())).getMessage());
        Path empty = Files.writeString(dir.resolve("empty"), "\n");
        assertTrue(assertThrows(ConfigException.class, () -> RestSettings.with(Optional.empty(), new RestSection(null,
                null, empty.toString(), null, null), "weft.yaml", Map.of())).getMessage().contains("is empty"));
        assertTrue(assertThrows(ConfigException.class, () -> RestSettings.with(Optional.empty(), new RestSection(null,
                null, null, "UNSET_VARIABLE", null), "weft.yaml", Map.of())).getMessage().contains("is not set"));
        assertTrue(assertThrows(ConfigException.class, () -> RestSettings.with(Optional.empty(), new RestSection(null,
                null, file.toString(), "X", null), "weft.yaml", Map.of("X", "y"))).getMessage().contains("not both"));
        assertThrows(IllegalArgumentException.class, () -> ApiToken.of("  "));
    }

    @Test
    void theSectionIsStrictAndCanTurnTheApiOff() {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse("""
                rest:
                  listen: 127.0.0.1:9000
                  tokn-file: /etc/weft/token
                """, "weft.yaml"));
        assertTrue(e.getMessage().startsWith("weft.yaml:3:3: unknown key 'tokn-file' in rest; known keys: certificate, "
                + "enabled, limits, listen, private-key, require-token, token-env, token-file"), e.getMessage());
        var cfg = ConfigLoader.parse("rest:\n  enabled: false\n", "weft.yaml");
        assertTrue(RestSettings.with(Optional.of(RestSettings.defaults()), cfg.rest(), cfg.source(), Map.of()).isEmpty());
        var moved = ConfigLoader.parse("rest:\n  listen: 9000\n", "weft.yaml");
        assertEquals("127.0.0.1:9000", RestSettings.text(RestSettings.with(Optional.empty(), moved.rest(),
                moved.source(), Map.of()).orElseThrow().listen()), "a port alone stays on loopback");
        var open = assertThrows(ConfigException.class, () -> RestSettings.with(Optional.empty(),
                ConfigLoader.parse("rest:\n  listen: 0.0.0.0:8080\n", "weft.yaml").rest(), "weft.yaml", Map.of()));
        assertTrue(open.getMessage().startsWith("weft.yaml: rest: the REST API would listen on 0.0.0.0:8080"),
                open.getMessage());
    }

    @Test
    void limitsComeFromTheFileWithTheirRangesCheckedAtTheirLine() {
        var cfg = ConfigLoader.parse("""
                rest:
                  limits:
                    max-connections: 100
                    header-timeout: 2s
                    max-body-bytes: 65536
                    max-output-bytes: 8388608
                    send-timeout: 20s
                """, "weft.yaml");
        RestLimits l = RestSettings.with(Optional.empty(), cfg.rest(), cfg.source(), Map.of()).orElseThrow().limits();
        assertEquals(new RestLimits(100, RestLimits.DEFAULTS.maxConnectionsPerClient(), java.time.Duration.ofSeconds(2),
                RestLimits.DEFAULTS.requestTimeout(), RestLimits.DEFAULTS.idleTimeout(), 65536,
                RestLimits.DEFAULTS.maxEntriesPerRequest(), 8 << 20, java.time.Duration.ofSeconds(20)), l);
        assertEquals(RestLimits.DEFAULTS, RestSettings.defaults().limits());
        for (String[] bad : new String[][]{
                {"header-timeout: 0s", "weft.yaml:3:5: rest.limits.header-timeout: 0ms is out of range: it must be "
                        + "from 100ms to 5m (from connecting (or a request's first byte) to its last header line)"},
                {"max-connections: 0", "weft.yaml:3:5: rest.limits.max-connections: 0 is out of range: it must be "
                        + "from 1 to 10000 (open connections to the API in all)"},
                {"request-timeout: 5s", "weft.yaml:3:5: rest.limits.request-timeout: request-timeout (5s) must be at "
                        + "least header-timeout (10s): the headers are part of the request"},
                {"max-body-bytes: 10", "weft.yaml:3:5: rest.limits.max-body-bytes: 10 is out of range: it must be "
                        + "from 1024 to 67108864 (the largest request body)"},
                {"max-output-bytes: 1000", "weft.yaml:3:5: rest.limits.max-output-bytes: 1000 is out of range: it must "
                        + "be from 1048576 to 1073741824 (the bytes of answers held for sending, across all connections)"},
                {"send-timeout: 0s", "weft.yaml:3:5: rest.limits.send-timeout: 0ms is out of range: it must be from 1s "
                        + "to 1h (how long a client may take to read one answer whole)"}}) {
            ConfigException e = assertThrows(ConfigException.class,
                    () -> ConfigLoader.parse("rest:\n  limits:\n    " + bad[0] + "\n", "weft.yaml"), bad[0]);
            assertEquals(bad[1], e.getMessage());
        }
    }

    @Test
    void theExamplePublicApiConfigIsWhatItSays() throws Exception {
        var cfg = ConfigLoader.load(java.nio.file.Path.of("../../examples/rest/public-api.yaml"));
        RestSettings s = RestSettings.with(Optional.empty(), cfg.rest(), cfg.source(),
                Map.of("WEFT_API_TOKEN", "tok-example")).orElseThrow();
        assertTrue(s.tokenRequired(), "0.0.0.0 needs the token");
        assertEquals(new RestLimits(128, 8, java.time.Duration.ofSeconds(5), java.time.Duration.ofSeconds(15),
                java.time.Duration.ofSeconds(30), 262144, 200, 32 << 20, java.time.Duration.ofSeconds(30)), s.limits());
    }
}
