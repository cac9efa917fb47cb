package dev.weft.apps.mobility;

import dev.weft.api.state.Journal;
import dev.weft.api.state.StateStore;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** The journals the mobility app keeps its history and counters in. */
final class Journals {
    private Journals() {
    }

    /** A journal of the store, or one that keeps nothing (an app test without a store). */
    static Journal open(StateStore state, String name) {
        if (state != null) {
            return state.open(name);
        }
        return new Journal() {
            @Override
            public List<String> records() {
                return List.of();
            }

            @Override
            public void append(String record) {
            }

            @Override
            public void replace(List<String> records) {
            }

            @Override
            public CompletableFuture<Void> written() {
                return CompletableFuture.completedFuture(null);
            }
        };
    }
}
