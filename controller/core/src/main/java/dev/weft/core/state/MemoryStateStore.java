package dev.weft.core.state;

import dev.weft.api.state.Journal;
import dev.weft.api.state.StateStore;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/** The store without a state directory: every journal starts empty and keeps nothing. */
public final class MemoryStateStore implements StateStore {
    private final Set<String> opened = ConcurrentHashMap.newKeySet();

    @Override
    public Journal open(String name) {
        FileStateStore.checkName(name);
        if (!opened.add(name)) {
            throw new IllegalStateException("journal '" + name + "' is open already");
        }
        return new Journal() {
            @Override
            public List<String> records() {
                return List.of();
            }

            @Override
            public void append(String record) {
                JournalFile.line(record); // the same rules as on disk
            }

            @Override
            public void replace(List<String> records) {
                records.forEach(JournalFile::line);
            }

            @Override
            public CompletableFuture<Void> written() {
                return CompletableFuture.completedFuture(null);
            }
        };
    }

    @Override
    public boolean durable() {
        return false;
    }
}
