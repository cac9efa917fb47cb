package dev.weft.apps.mobility;

import dev.weft.api.tenant.Migration;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The last {@code capacity} migrations, oldest first. Thread-safe (written on the control lane, read by anyone). */
final class MigrationHistory {
    private final int capacity;
    private final ArrayDeque<Migration> ring = new ArrayDeque<>();
    private final Map<String, Migration> lastBySubject = new HashMap<>();

    MigrationHistory(int capacity) {
        this.capacity = capacity;
    }

    synchronized void add(Migration m) {
        if (ring.size() == capacity) {
            Migration dropped = ring.pollFirst();
            if (dropped != null && lastBySubject.get(dropped.subject()) == dropped) {
                lastBySubject.remove(dropped.subject());
            }
        }
        ring.addLast(m);
        lastBySubject.put(m.subject(), m);
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
}
