package dev.weft.apps.mobility;

import dev.weft.api.state.Journal;
import dev.weft.api.tenant.Migration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The last {@code capacity} migrations, oldest first, kept in a journal so that a restarted
 * controller shows them and numbers on from the last one. Thread-safe (written on the control
 * lane, read by anyone); the journal is written on the store's own thread.
 */
final class MigrationHistory {
    private static final Logger log = LoggerFactory.getLogger(MigrationHistory.class);

    private final int capacity;
    private final Journal journal;
    private final ArrayDeque<Migration> ring = new ArrayDeque<>();
    private final Map<String, Migration> lastBySubject = new HashMap<>();
    /** Records in the journal; at twice the capacity it is rewritten with the ring alone. */
    private int inJournal;
    private long lastSequence;

    MigrationHistory(int capacity, Journal journal) {
        this.capacity = capacity;
        this.journal = journal;
        int unreadable = 0;
        for (String r : journal.records()) {
            try {
                remember(StateCodec.migration(r));
            } catch (IllegalArgumentException e) {
                unreadable++;
            }
        }
        inJournal = journal.records().size();
        if (unreadable > 0) {
            log.warn("{} migration records in the state journal could not be read and are skipped", unreadable);
        }
        if (!ring.isEmpty()) {
            log.info("migration history: {} migrations kept from before the restart (the last was number {})",
                    ring.size(), lastSequence);
        }
    }

    synchronized void add(Migration m) {
        remember(m);
        journal.append(StateCodec.migration(m));
        if (++inJournal >= 2 * capacity + 16) {
            journal.replace(ring.stream().map(StateCodec::migration).toList());
            inJournal = ring.size();
        }
    }

    private void remember(Migration m) {
        if (ring.size() == capacity) {
            Migration dropped = ring.pollFirst();
            if (dropped != null && lastBySubject.get(dropped.subject()) == dropped) {
                lastBySubject.remove(dropped.subject());
            }
        }
        ring.addLast(m);
        lastBySubject.put(m.subject(), m);
        lastSequence = Math.max(lastSequence, m.sequence());
    }

    synchronized List<Migration> all() {
        return List.copyOf(ring);
    }

    synchronized Optional<Migration> last(String subject) {
        return Optional.ofNullable(lastBySubject.get(subject));
    }

    synchronized int size() {
        return ring.size();
    }

    /** The number of the last migration ever recorded (0 when none): the next one is this plus one. */
    synchronized long lastSequence() {
        return lastSequence;
    }
}
