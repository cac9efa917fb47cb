package dev.weft.cluster;

import dev.weft.core.config.ConfigException;
import dev.weft.core.config.ConfigLoader;
import dev.weft.core.config.WeftConfig;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The config file's cluster: section as a user writes it, and the errors of a wrong one. */
class ClusterSettingsTest {

    @Test
    void aClusterSectionWithDefaults() {
        WeftConfig cfg = ConfigLoader.parse("""
                cluster:
                  zookeeper: 10.0.0.5:2181,10.0.0.6:2181,10.0.0.7:2181
                  instance: weft-1
                """, "weft.yaml");
        ClusterSettings s = ClusterSettings.of(cfg.cluster(), cfg.source()).orElseThrow();
        assertEquals("10.0.0.5:2181,10.0.0.6:2181,10.0.0.7:2181", s.zookeeper());
        assertEquals("weft-1", s.instance());
        assertEquals("weft-1", s.advertise());
        assertEquals(Duration.ofSeconds(2), s.sessionTimeout());
        assertEquals("/weft", s.root());
    }

    @Test
    void noSectionNoCluster() {
        WeftConfig cfg = ConfigLoader.parse("controller:\n  listen: [tcp:127.0.0.1:6653]\n", "weft.yaml");
        assertTrue(ClusterSettings.of(cfg.cluster(), cfg.source()).isEmpty());
    }

    @Test
    void mistakesAreNamed() {
        assertEquals("weft.yaml: cluster.zookeeper: the ZooKeeper connect string is required (host:port,...)",
                error("cluster:\n  instance: a\n"));
        assertEquals("weft.yaml: cluster.instance: 'a b' is not an id (letters, digits, '.', '_', '-'; at most 64)",
                error("cluster:\n  zookeeper: z:2181\n  instance: a b\n"));
        assertEquals("weft.yaml: cluster.session-timeout: 10 ms is outside 100 ms .. 2 min",
                error("cluster:\n  zookeeper: z:2181\n  instance: a\n  session-timeout: 10ms\n"));
        assertEquals("weft.yaml: cluster.root: 'weft' is not a ZooKeeper path such as /weft",
                error("cluster:\n  zookeeper: z:2181\n  instance: a\n  root: weft\n"));
        ConfigException unknown = assertThrows(ConfigException.class,
                () -> ConfigLoader.parse("cluster:\n  zookeper: z:2181\n", "weft.yaml"));
        assertTrue(unknown.getMessage().contains("unknown key 'zookeper'"), unknown.getMessage());
    }

    private static String error(String yaml) {
        WeftConfig cfg = ConfigLoader.parse(yaml, "weft.yaml");
        return assertThrows(ConfigException.class, () -> ClusterSettings.of(cfg.cluster(), cfg.source())).getMessage();
    }
}
