package dev.weft.core.tenant;

import dev.weft.api.tenant.PortLocation;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * An immutable map of logical port name → location that is cheap to change by one entry: the
 * entries are spread over {@value #SHARDS} shards by hash, and a change copies one shard (about
 * n/256 entries) instead of the whole map. With 100,000 ports a migration publishes a new
 * snapshot in microseconds, not the milliseconds a full copy takes.
 */
final class LocationMap extends AbstractMap<String, PortLocation> {
    static final int SHARDS = 256;
    static final LocationMap EMPTY = new LocationMap(emptyShards(), 0);

    private final Map<String, PortLocation>[] shards;
    private final int size;

    private LocationMap(Map<String, PortLocation>[] shards, int size) {
        this.shards = shards;
        this.size = size;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Map<String, PortLocation>[] emptyShards() {
        Map<String, PortLocation>[] s = new Map[SHARDS];
        for (int i = 0; i < SHARDS; i++) {
            s[i] = Map.of();
        }
        return s;
    }

    private static int shard(Object key) {
        int h = key.hashCode();
        return (h ^ (h >>> 16)) & (SHARDS - 1);
    }

    /** This map with {@code name} at {@code at}, or without {@code name} when {@code at} is null. */
    LocationMap with(String name, PortLocation at) {
        int i = shard(name);
        Map<String, PortLocation> old = shards[i];
        if (at == null ? !old.containsKey(name) : at.equals(old.get(name))) {
            return this;
        }
        Map<String, PortLocation> copy = new HashMap<>(old);
        boolean had = at == null ? copy.remove(name) != null : copy.put(name, at) != null;
        Map<String, PortLocation>[] next = shards.clone();
        next[i] = copy.isEmpty() ? Map.of() : java.util.Collections.unmodifiableMap(copy);
        return new LocationMap(next, size + (at == null ? -1 : had ? 0 : 1));
    }

    /** This map without the names for which {@code drop} is true. */
    LocationMap without(java.util.function.Predicate<String> drop) {
        LocationMap m = this;
        for (String name : keySet()) {
            if (drop.test(name)) {
                m = m.with(name, null);
            }
        }
        return m;
    }

    @Override
    public PortLocation get(Object key) {
        return key == null ? null : shards[shard(key)].get(key);
    }

    @Override
    public boolean containsKey(Object key) {
        return key != null && shards[shard(key)].containsKey(key);
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public Set<Entry<String, PortLocation>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public Iterator<Entry<String, PortLocation>> iterator() {
                return new Iterator<>() {
                    int shard = 0;
                    Iterator<Entry<String, PortLocation>> it = shards[0].entrySet().iterator();

                    @Override
                    public boolean hasNext() {
                        while (!it.hasNext()) {
                            if (++shard >= SHARDS) {
                                return false;
                            }
                            it = shards[shard].entrySet().iterator();
                        }
                        return true;
                    }

                    @Override
                    public Entry<String, PortLocation> next() {
                        if (!hasNext()) {
                            throw new NoSuchElementException();
                        }
                        Entry<String, PortLocation> e = it.next();
                        return Map.entry(e.getKey(), e.getValue());
                    }
                };
            }

            @Override
            public int size() {
                return size;
            }
        };
    }
}
