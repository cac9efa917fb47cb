package dev.weft.core.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The watcher reacts to the config file, not to its neighbours: a folder where another file is
 * written without pause (a log beside the config) neither triggers nor delays a reload; and an
 * editor's save by rename is seen.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ConfigWatcherTest {

    @Test
    void aSaveIsSeenWhileANeighbourIsWrittenWithoutPause(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("weft.yaml"), "tenants: []\n");
        LinkedBlockingQueue<String> seen = new LinkedBlockingQueue<>();
        AtomicBoolean logging = new AtomicBoolean(true);
        Thread log = new Thread(() -> {
            int i = 0;
            while (logging.get()) {
                try {
                    Files.writeString(dir.resolve("weft.log"), "line " + i++ + "\n",
                            java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
                    Thread.sleep(20); // a busy log: a write every 20 ms, far inside the settle time
                } catch (Exception e) {
                    return;
                }
            }
        }, "test-neighbour");
        try (ConfigWatcher w = new ConfigWatcher(config, () -> seen.add(read(config)))) {
            log.start();
            Files.writeString(config, "tenants: []\n# saved once\n");
            // Before: each neighbour's write restarted the wait, so this never came while the log was written.
            assertEquals("tenants: []\n# saved once\n", seen.take());
            assertEquals(0, seen.size(), "one save, one reload; the neighbour's writes triggered none");
        } finally {
            logging.set(false);
            log.join();
        }
    }

    @Test
    void anEditorsRenameOnSaveIsSeen(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("weft.yaml"), "tenants: []\n");
        LinkedBlockingQueue<String> seen = new LinkedBlockingQueue<>();
        try (ConfigWatcher w = new ConfigWatcher(config, () -> seen.add(read(config)))) {
            Path tmp = Files.writeString(dir.resolve(".weft.yaml.swp"), "tenants: []\n# by rename\n");
            Files.move(tmp, config, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            assertEquals("tenants: []\n# by rename\n", seen.take());
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (Exception e) {
            return "(unreadable: " + e + ")";
        }
    }
}
