package dev.weft.core.config;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.concurrent.TimeUnit;

/**
 * Calls {@code onChange} when the config file changes (editors write files in several steps:
 * changes are debounced). SIGHUP is the launcher's ({@code weft controller}).
 */
public final class ConfigWatcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ConfigWatcher.class);
    private static final long DEBOUNCE_MS = 250;

    private final WatchService watch;
    private final Thread thread;

    public ConfigWatcher(Path file, Runnable onChange) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Path name = file.getFileName();
        watch = FileSystems.getDefault().newWatchService();
        dir.register(watch, StandardWatchEventKinds.ENTRY_MODIFY, StandardWatchEventKinds.ENTRY_CREATE,
                StandardWatchEventKinds.ENTRY_DELETE);
        thread = new Thread(() -> loop(name, onChange), "weft-config-watch");
        thread.setDaemon(true);
        thread.start();
    }

    private void loop(Path name, Runnable onChange) {
        try {
            while (true) {
                WatchKey key = watch.take();
                boolean ours = key.pollEvents().stream().anyMatch(e -> name.equals(e.context()));
                key.reset();
                if (!ours) {
                    continue;
                }
                // Swallow the burst of events one save makes.
                while (true) {
                    WatchKey more = watch.poll(DEBOUNCE_MS, TimeUnit.MILLISECONDS);
                    if (more == null) {
                        break;
                    }
                    more.pollEvents();
                    more.reset();
                }
                log.info("config file changed; reloading");
                onChange.run();
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            // closing
        } catch (RuntimeException e) {
            log.error("config watcher stopped", e);
        }
    }

    @Override
    public void close() {
        try {
            watch.close();
        } catch (IOException e) {
            log.debug("closing the watch service: {}", e.toString());
        }
        thread.interrupt();
    }
}
