package dev.weft.core.state;

import dev.weft.api.state.Journal;
import dev.weft.api.state.StateStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Journals as files in the state directory ({@code NAME.journal}), written by one thread
 * ({@code weft-state}) in the order they were handed over, and forced to disk once each time it
 * runs out of work (so a burst costs one {@code fsync}). A {@code kill -9} loses nothing that was
 * written; a crash of the machine loses at most what was not yet forced. A lock file keeps a
 * second controller out of the same directory.
 */
public final class FileStateStore implements StateStore, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(FileStateStore.class);
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}");

    private final Path dir;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final ThreadPoolExecutor writer;
    private final Map<String, FileJournal> journals = new ConcurrentHashMap<>();
    /** Writer thread only: files written to since the last force. */
    private final Set<FileJournal> dirty = new HashSet<>();

    /**
     * Open (creating it if needed) the state directory {@code dir}. Throws
     * {@link IllegalStateException} with a sentence when it cannot be used.
     */
    public FileStateStore(Path dir) {
        this.dir = dir;
        try {
            Files.createDirectories(dir);
            lockChannel = FileChannel.open(dir.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new IllegalStateException("the state directory " + dir + " cannot be used: " + e.getMessage()
                    + " (controller: state-dir)", e);
        }
        FileLock l;
        try {
            l = lockChannel.tryLock();
        } catch (IOException | OverlappingFileLockException e) {
            l = null;
        }
        if (l == null) {
            closeQuietly(lockChannel);
            throw new IllegalStateException("the state directory " + dir + " is in use by another running Weft "
                    + "(each controller needs its own: controller: state-dir)");
        }
        lock = l;
        writer = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                r -> {
                    Thread t = new Thread(r, "weft-state");
                    t.setDaemon(true);
                    return t;
                });
        log.info("state kept in {}", dir);
    }

    static void checkName(String name) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("journal name '" + name + "': lower-case letters, digits and '-'");
        }
    }

    @Override
    public Journal open(String name) {
        checkName(name);
        FileJournal j = new FileJournal(name, dir.resolve(name + ".journal"));
        if (journals.putIfAbsent(name, j) != null) {
            throw new IllegalStateException("journal '" + name + "' is open already");
        }
        try {
            j.load();
        } catch (IOException e) {
            journals.remove(name);
            throw new IllegalStateException("the journal " + j.file + " cannot be read: " + e.getMessage(), e);
        }
        return j;
    }

    @Override
    public boolean durable() {
        return true;
    }

    public Path directory() {
        return dir;
    }

    /** Write what is queued, then stop. */
    @Override
    public void close() {
        writer.shutdown();
        try {
            if (!writer.awaitTermination(10, TimeUnit.SECONDS)) {
                log.warn("state writes did not finish within 10 s; the last ones may be lost");
                writer.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        journals.values().forEach(j -> closeQuietly(j.channel));
        try {
            lock.release();
        } catch (IOException e) {
            // closing the channel releases it too
        }
        closeQuietly(lockChannel);
    }

    private static void closeQuietly(FileChannel c) {
        if (c != null) {
            try {
                c.close();
            } catch (IOException e) {
                // nothing more to do
            }
        }
    }

    private void submit(FileJournal j, String what, IoTask task) {
        try {
            writer.execute(() -> {
                try {
                    task.run();
                    dirty.add(j);
                } catch (IOException | RuntimeException e) {
                    j.failed(what, e);
                }
                if (writer.getQueue().isEmpty()) {
                    forceDirty();
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            log.warn("state journal {}: {} after the store closed; not written", j.name, what);
        }
    }

    /** Writer thread: the batch is done; put it on the disk. */
    private void forceDirty() {
        for (FileJournal j : dirty) {
            try {
                j.channel.force(false);
            } catch (IOException e) {
                j.failed("forcing to disk", e);
            }
        }
        dirty.clear();
    }

    @FunctionalInterface
    private interface IoTask {
        void run() throws IOException;
    }

    private final class FileJournal implements Journal {
        final String name;
        final Path file;
        List<String> records;
        FileChannel channel;
        private volatile long lastFailureLog;

        FileJournal(String name, Path file) {
            this.name = name;
            this.file = file;
        }

        void load() throws IOException {
            byte[] bytes = Files.exists(file) ? Files.readAllBytes(file) : new byte[0];
            JournalFile.Contents c = JournalFile.parse(bytes);
            records = List.copyOf(c.records());
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            if (c.validBytes() < bytes.length) {
                log.warn("state journal {}: the last {} bytes were cut short (a crash while writing) and are dropped; "
                        + "{} records kept", file, bytes.length - c.validBytes(), records.size());
                channel.truncate(c.validBytes());
                channel.force(true);
            }
            channel.position(c.validBytes());
        }

        @Override
        public List<String> records() {
            return records;
        }

        @Override
        public void append(String record) {
            byte[] line = JournalFile.line(record);
            submit(this, "an append", () -> {
                long start = channel.position();
                try {
                    writeFully(channel, line);
                } catch (IOException e) {
                    // No half line may stay: what follows would be unreadable.
                    channel.truncate(start);
                    channel.position(start);
                    throw e;
                }
            });
        }

        @Override
        public void replace(List<String> all) {
            List<byte[]> lines = all.stream().map(JournalFile::line).toList();
            submit(this, "a compaction", () -> {
                Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
                try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE,
                        StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
                    for (byte[] l : lines) {
                        writeFully(out, l);
                    }
                    out.force(true);
                }
                try {
                    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
                }
                closeQuietly(channel);
                channel = FileChannel.open(file, StandardOpenOption.WRITE);
                channel.position(channel.size());
            });
        }

        @Override
        public CompletableFuture<Void> written() {
            CompletableFuture<Void> done = new CompletableFuture<>();
            try {
                writer.execute(() -> {
                    forceDirty();
                    done.complete(null);
                });
            } catch (java.util.concurrent.RejectedExecutionException e) {
                done.complete(null);
            }
            return done;
        }

        /** Writer thread: logged at most once a minute per journal. */
        void failed(String what, Exception e) {
            long now = System.nanoTime();
            if (lastFailureLog == 0 || now - lastFailureLog > TimeUnit.MINUTES.toNanos(1)) {
                lastFailureLog = now;
                log.error("state journal {}: {} failed: {}; the state written there may not survive a restart", file,
                        what, e.toString());
            }
        }
    }

    private static void writeFully(FileChannel c, byte[] bytes) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        while (b.hasRemaining()) {
            c.write(b);
        }
    }
}
