package dev.weft.rest;

import dev.weft.core.config.AtomicFiles;
import dev.weft.core.config.ConfigException;
import dev.weft.core.config.ConfigLoader;
import dev.weft.core.config.ReloadResult;
import dev.weft.core.config.SharedConfig;
import dev.weft.core.config.WeftConfig;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/** Where {@link ConfigEditor}'s text lives: this instance's config file, or a cluster's shared config. */
final class ConfigStores {
    private ConfigStores() {
    }

    /** Puts a validated configuration in force (the controller's {@code applyNetwork}). */
    @FunctionalInterface
    interface Applier {
        ReloadResult apply(WeftConfig config);
    }

    /** Where the config text lives and how a change is committed: this instance's file, or a cluster's shared config. */
    interface Store {
        /** For messages: the file, or {@code zookeeper:/weft/config}. */
        String where();

        SharedConfig.Versioned read();

        /** Write {@code text} in place of {@code base} and put {@code next} in force; empty when {@code base} is stale. */
        Optional<ReloadResult> commit(SharedConfig.Versioned base, String text, WeftConfig next);
    }

    /** Today's single instance: the file, re-read just before it is replaced. */
    static final class FileStore implements Store {
        private final Path path;
        private final Applier applier;

        FileStore(Path path, Applier applier) {
            this.path = path;
            this.applier = applier;
        }

        @Override
        public String where() {
            return path.toString();
        }

        @Override
        public SharedConfig.Versioned read() {
            try {
                return new SharedConfig.Versioned(ConfigLoader.read(path), 0); // bounded: over the limit, refused unread
            } catch (ConfigException e) {
                throw ApiException.conflict("the config file cannot be read, so it cannot be changed: "
                        + e.getMessage(), null);
            }
        }

        @Override
        public Optional<ReloadResult> commit(SharedConfig.Versioned base, String text, WeftConfig next) {
            if (!read().text().equals(base.text())) {
                throw ApiException.conflict("the config file changed on disk while this change was being made; "
                        + "nothing was written: try again", null);
            }
            writeAtomically(path, text);
            return Optional.of(applier.apply(next));
        }
    }

    /** A cluster's shared config: ZooKeeper unreachable is a 503 and nothing changes anywhere. */
    record SharedStore(SharedConfig shared) implements Store {
        @Override
        public String where() {
            return shared.where();
        }

        @Override
        public SharedConfig.Versioned read() {
            try {
                return shared.read();
            } catch (SharedConfig.Unavailable e) {
                throw unavailable(e);
            }
        }

        @Override
        public Optional<ReloadResult> commit(SharedConfig.Versioned base, String text, WeftConfig next) {
            try {
                return shared.replace(base, text, next);
            } catch (SharedConfig.Unavailable e) {
                throw unavailable(e);
            } catch (IllegalArgumentException e) {
                throw new ApiException(io.netty.handler.codec.http.HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                        "too-large", e.getMessage(), null);
            }
        }

        private static ApiException unavailable(SharedConfig.Unavailable e) {
            return new ApiException(io.netty.handler.codec.http.HttpResponseStatus.SERVICE_UNAVAILABLE,
                    "shared-config-unavailable", e.getMessage(), null);
        }
    }

    private static void writeAtomically(Path file, String text) {
        try {
            AtomicFiles.write(file, text);
        } catch (IOException e) {
            throw new ApiException(io.netty.handler.codec.http.HttpResponseStatus.INTERNAL_SERVER_ERROR, "config-file",
                    "cannot write the config file " + file + ": " + e.getMessage() + " (nothing was changed)", null);
        }
    }

}
