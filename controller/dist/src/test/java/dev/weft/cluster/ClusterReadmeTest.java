package dev.weft.cluster;

import dev.weft.core.config.ConfigLoader;
import dev.weft.core.config.WeftConfig;
import dev.weft.ovs.RepoFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README's three-instance commands, as written: the lines that make each instance's config file
 * (the example tenants plus examples/cluster/cluster.yaml, edited by sed) run in bash from the
 * repository, and what they produce is a config Weft accepts with the cluster settings intended.
 */
class ClusterReadmeTest {

    @Test
    void theReadmesConfigLinesMakeThreeValidInstanceConfigs(@TempDir Path dir) throws Exception {
        Path readme = RepoFiles.find("README.md", null).orElseThrow();
        String text = Files.readString(readme);
        int marker = text.indexOf("<!-- cluster-three-instances:");
        assertTrue(marker >= 0, "README has the block");
        int start = text.indexOf('\n', text.indexOf("```", marker)) + 1;
        String block = text.substring(start, text.indexOf("```", start));
        // The loop that writes /tmp/weft-N.yaml, written into our own directory instead of /tmp.
        String loop = block.substring(block.indexOf("for i in"), block.indexOf("done") + 4)
                .replace("/tmp/", dir + "/");
        Process p = new ProcessBuilder("bash", "-euo", "pipefail", "-c", loop).directory(readme.getParent().toFile())
                .redirectErrorStream(true).start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the loop ends");
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.exitValue(), out);
        for (int i = 1; i <= 3; i++) {
            WeftConfig cfg = ConfigLoader.load(dir.resolve("weft-" + i + ".yaml"));
            ClusterSettings c = ClusterSettings.of(cfg.cluster(), cfg.source()).orElseThrow();
            assertEquals("127.0.0.1:2181", c.zookeeper());
            assertEquals("weft-" + i, c.instance());
            assertEquals("127.0.0.1:818" + i, c.advertise());
            assertEquals(Duration.ofSeconds(1), c.sessionTimeout());
            assertTrue(cfg.network().tenants().size() >= 3, "the example's tenants are there");
        }
    }
}
