package dev.weft.core.config;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;

/** Replacing a config file so that a crash leaves either the old or the new text, never half of one. */
public final class AtomicFiles {
    private AtomicFiles() {
    }

    /**
     * A temporary file beside the real one (same file system), forced to disk, renamed over it,
     * with the old file's permissions. A symlinked config stays a symlink; its target is replaced.
     */
    public static void write(Path file, String text) throws IOException {
        Path target;
        try {
            target = file.toRealPath();
        } catch (IOException e) {
            target = file.toAbsolutePath();
        }
        Path dir = target.getParent();
        Path tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer b = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
                while (b.hasRemaining()) {
                    ch.write(b);
                }
                ch.force(true);
            }
            copyPermissions(target, tmp);
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("this file system cannot rename atomically", e);
            }
            tmp = null;
            try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
                d.force(true); // the rename itself survives a crash
            } catch (IOException | UnsupportedOperationException ignored) {
                // not every file system lets a directory be opened; the rename is done anyway
            }
        } finally {
            if (tmp != null) {
                Files.deleteIfExists(tmp);
            }
        }
    }

    private static void copyPermissions(Path from, Path to) {
        PosixFileAttributeView src = Files.getFileAttributeView(from, PosixFileAttributeView.class);
        PosixFileAttributeView dst = Files.getFileAttributeView(to, PosixFileAttributeView.class);
        if (src == null || dst == null || !Files.exists(from)) {
            return;
        }
        try {
            dst.setPermissions(src.readAttributes().permissions());
        } catch (IOException ignored) {
            // the temporary file's own permissions (owner only) are safe
        }
    }
}
