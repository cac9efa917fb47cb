package dev.weft.api.state;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * An append-only list of records (one line of text each), kept by the {@link StateStore}.
 * Appends return at once: the store writes them in order on its own thread, never on the
 * caller's (a switch's lane or the control lane does not wait for a disk). A record that was
 * written survives a {@code kill -9} of the controller; one cut short by a crash is dropped when
 * the journal is read again, with everything after it.
 */
public interface Journal {

    /** The records the journal held when it was opened, oldest first. */
    List<String> records();

    /** Add a record (no line break in it) at the end. */
    void append(String record);

    /**
     * Replace the whole journal with {@code records} (a compaction: the state it sums up, instead
     * of its history), after everything appended before this call; atomic on disk.
     */
    void replace(List<String> records);

    /** Completes once everything handed to the journal before this call is written. */
    CompletableFuture<Void> written();
}
