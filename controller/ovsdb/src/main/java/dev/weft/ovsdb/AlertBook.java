package dev.weft.ovsdb;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The alerts in force, each with when it was raised, and the last ones cleared (with how long
 * they lasted). Each checker owns a scope (a node's OVSDB, a node's OpenFlow view) and replaces
 * that scope's alerts as a whole after every check: what is new is raised (logged as a warning),
 * what is gone is cleared (logged with how long it lasted). Thread-safe; readers get copies.
 */
public final class AlertBook {
    private static final Logger log = LoggerFactory.getLogger(AlertBook.class);
    private static final int CLEARED_KEPT = 200;

    /** An alert in force since {@code raised}, or one that was cleared at {@code cleared}. */
    public record Entry(Alert alert, Instant raised, Instant cleared) {
        public Duration lasted() {
            return Duration.between(raised, cleared);
        }
    }

    private final Clock clock;
    private final Map<String, Map<String, Entry>> byScope = new HashMap<>();
    private final Deque<Entry> cleared = new ArrayDeque<>();

    public AlertBook(Clock clock) {
        this.clock = clock;
    }

    /** The alerts of {@code scope} are now {@code now}. */
    public synchronized void replace(String scope, Collection<Alert> now) {
        Map<String, Entry> before = byScope.getOrDefault(scope, Map.of());
        Map<String, Entry> after = new LinkedHashMap<>();
        Instant t = clock.instant();
        for (Alert a : now) {
            Entry old = before.get(a.key());
            if (old == null) {
                log.warn("{}: alert {} raised: {}", a.node(), a.kind(), a.message());
                after.put(a.key(), new Entry(a, t, null));
            } else {
                after.put(a.key(), new Entry(a, old.raised(), null));
            }
        }
        for (var e : before.entrySet()) {
            if (!after.containsKey(e.getKey())) {
                Entry done = new Entry(e.getValue().alert(), e.getValue().raised(), t);
                log.info("{}: alert {} cleared after {} ms: {}", done.alert().node(), done.alert().kind(),
                        done.lasted().toMillis(), done.alert().subject());
                cleared.addFirst(done);
                if (cleared.size() > CLEARED_KEPT) {
                    cleared.removeLast();
                }
            }
        }
        if (after.isEmpty()) {
            byScope.remove(scope);
        } else {
            byScope.put(scope, after);
        }
    }

    /** The alerts in force, by node, kind and subject. */
    public synchronized List<Entry> active() {
        List<Entry> all = new ArrayList<>();
        byScope.values().forEach(m -> all.addAll(m.values()));
        all.sort(Comparator.comparing((Entry e) -> e.alert().node()).thenComparing(e -> e.alert().kind())
                .thenComparing(e -> e.alert().subject()));
        return all;
    }

    /** The alerts cleared lately, newest first. */
    public synchronized List<Entry> cleared() {
        return List.copyOf(cleared);
    }
}
