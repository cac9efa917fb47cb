package dev.weft.core.config;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.concurrent.TimeUnit;

/**
 * Calls {@code onChange} when the config file changes. Editors write a file in several steps (and
 * many save by writing a new file and renaming it over the old one: a delete and a create of the
 * name), so a change is acted on once the file has been quiet for {@value #SETTLE_MS} ms, and at
 * the latest {@value #MAX_SETTLE_MS} ms after its first event. Only the file's own events count:
 * other files written in the same folder (a log beside the config) neither trigger a reload nor
 * delay one. SIGHUP is the launcher's ({@code weft controller}).
 */
public final class ConfigWatcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ConfigWatcher.class);
    static final long SETTLE_MS = 250;
    static final long MAX_SETTLE_MS = 2_000;

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

    /** Whether a key's events touch the file (an overflow may have: it counts too). */
    private static boolean touches(WatchKey key, Path name) {
        boolean ours = false;
        for (WatchEvent<?> e : key.pollEvents()) {
            ours |= e.kind() == StandardWatchEventKinds.OVERFLOW || name.equals(e.context());
        }
        key.reset();
        return ours;
    }

    private void loop(Path name, Runnable onChange) {
        try {
            while (true) {
                if (!touches(watch.take(), name)) {
                    continue;
                }
                long first = System.nanoTime();
                long last = first;
                while (true) {
                    long now = System.nanoTime();
                    long wait = Math.min(last + TimeUnit.MILLISECONDS.toNanos(SETTLE_MS),
                            first + TimeUnit.MILLISECONDS.toNanos(MAX_SETTLE_MS)) - now;
                    if (wait <= 0) {
                        break;
                    }
                    WatchKey more = watch.poll(wait, TimeUnit.NANOSECONDS);
                    if (more == null) {
                        break;
                    }
                    if (touches(more, name)) {
                        last = System.nanoTime();
                    }
                }
                log.info("config file changed; reloading");
                try {
                    onChange.run();
                } catch (RuntimeException e) {
                    log.error("config reload failed; still watching", e);
                }
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
