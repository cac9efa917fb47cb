package dev.weft.rest;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Answers that depend only on immutable snapshots (the config, the port locations), encoded
 * once per path and snapshot version and shared: two hundred clients asking for the tenants get
 * the same bytes, not two hundred copies. A newer version drops the older answers; at most
 * {@link #MAX_ENTRIES} paths are kept (least recently asked dropped first).
 */
final class AnswerCache {
    static final int MAX_ENTRIES = 32;

    private List<Object> version = List.of();
    private final LinkedHashMap<String, Body> bodies = new LinkedHashMap<>(16, 0.75f, true);

    /**
     * The body for {@code path} at {@code v} (compared element by element by identity), held for
     * the caller, who releases it; made by {@code make} (a body held once, or null when the
     * budget refuses it) when there is none yet.
     */
    Body get(String path, List<Object> v, Supplier<Body> make) {
        List<Body> dropped = new ArrayList<>();
        Body b;
        synchronized (this) {
            if (!same(v)) {
                dropped.addAll(bodies.values());
                bodies.clear();
                version = v;
            }
            b = bodies.get(path);
            if (b != null && !b.hold()) {
                bodies.remove(path);
                b = null;
            }
        }
        dropped.forEach(Body::release);
        dropped.clear();
        if (b != null) {
            return b;
        }
        b = make.get();
        if (b == null) {
            return null;
        }
        b.hold(); // the caller's; the one it was made with is the cache's
        synchronized (this) {
            if (same(v)) {
                Body old = bodies.put(path, b);
                if (old != null) {
                    dropped.add(old);
                }
                if (bodies.size() > MAX_ENTRIES) {
                    Iterator<Map.Entry<String, Body>> eldest = bodies.entrySet().iterator();
                    dropped.add(eldest.next().getValue());
                    eldest.remove();
                }
            } else {
                dropped.add(b); // a newer version came meanwhile: the caller sends it, nobody keeps it
            }
        }
        dropped.forEach(Body::release);
        return b;
    }

    /**
     * Lets go of the answers nobody is sending (the budget is short); those being sent stay, so
     * that whoever asks next still shares them.
     */
    void dropIdle() {
        List<Body> idle = new ArrayList<>();
        synchronized (this) {
            bodies.values().removeIf(b -> {
                if (b.heldOnce()) {
                    idle.add(b);
                    return true;
                }
                return false;
            });
        }
        idle.forEach(Body::release);
    }

    /** Lets go of every answer (those being sent are freed once sent). */
    void clear() {
        List<Body> all;
        synchronized (this) {
            all = new ArrayList<>(bodies.values());
            bodies.clear();
        }
        all.forEach(Body::release);
    }

    synchronized int size() {
        return bodies.size();
    }

    /** The bytes of the answers kept. */
    synchronized long bytes() {
        return bodies.values().stream().mapToLong(Body::size).sum();
    }

    private boolean same(List<Object> v) {
        if (v.size() != version.size()) {
            return false;
        }
        for (int i = 0; i < v.size(); i++) {
            if (v.get(i) != version.get(i)) {
                return false;
            }
        }
        return true;
    }
}
