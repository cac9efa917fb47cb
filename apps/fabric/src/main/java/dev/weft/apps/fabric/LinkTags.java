package dev.weft.apps.fabric;

import dev.weft.api.topology.Link;

import java.util.BitSet;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The fabric-local tag of each segment on each cable: a VLAN id (1..4094) per (cable, segment),
 * so that 24-bit segment ids keep working however many segments the fabric carries, as long as
 * at most 4,094 cross any one cable. Switches translate the tag from cable to cable (single
 * table: rewrite in place; multi-table: pop at ingress, push at egress); edge ports are untagged.
 *
 * <p>Tags are sticky: a segment keeps its tag on a cable for as long as its tree uses the cable,
 * so a change to one segment (a new port, a rerouted tree) reprograms no other. A new segment
 * takes, on every cable, the tag it already has elsewhere if free there (so small fabrics see one
 * tag per segment everywhere, easy to read in {@code ovs-ofctl dump-flows}), else the lowest free
 * one. A segment that finds a cable full gets no tag there; {@link #overfull()} reports it.
 * Used on the control lane only.
 */
public final class LinkTags {
    public static final int MIN = 1;
    public static final int MAX = 4094;

    private final Map<Link, Map<Integer, Integer>> tags = new HashMap<>();
    private final Map<Link, BitSet> used = new HashMap<>();
    private final Map<Integer, Integer> preferred = new HashMap<>();
    private final Map<Link, Set<Integer>> overfull = new TreeMap<>();

    /** A cable named by the direction that starts at its lower switch port. */
    public static Link cable(Link l) {
        return l.src().compareTo(l.dst()) <= 0 ? l : l.reversed();
    }

    /** Give every tree's cables a tag for its segment; free the tags of segments no longer on a cable. */
    public void assign(Collection<SegmentTree> trees) {
        Map<Link, Set<Integer>> need = new TreeMap<>();
        for (SegmentTree t : trees) {
            for (Link c : t.cables()) {
                need.computeIfAbsent(c, k -> new TreeSet<>()).add(t.segment());
            }
        }
        // Free first (a cable's tags may all be reused by new segments in the same pass).
        for (var it = tags.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            Set<Integer> keep = need.getOrDefault(e.getKey(), Set.of());
            BitSet bits = used.get(e.getKey());
            e.getValue().entrySet().removeIf(x -> {
                if (!keep.contains(x.getKey())) {
                    bits.clear(x.getValue());
                    return true;
                }
                return false;
            });
            if (e.getValue().isEmpty()) {
                it.remove();
                used.remove(e.getKey());
            }
        }
        overfull.clear();
        for (var e : need.entrySet()) {
            Map<Integer, Integer> onCable = tags.computeIfAbsent(e.getKey(), k -> new HashMap<>());
            BitSet bits = used.computeIfAbsent(e.getKey(), k -> new BitSet(MAX + 1));
            for (int seg : e.getValue()) {
                if (onCable.containsKey(seg)) {
                    continue;
                }
                Integer want = preferred.get(seg);
                int tag = want != null && !bits.get(want) ? want : bits.nextClearBit(MIN);
                if (tag > MAX) {
                    overfull.computeIfAbsent(e.getKey(), k -> new TreeSet<>()).add(seg);
                    continue;
                }
                bits.set(tag);
                onCable.put(seg, tag);
                preferred.putIfAbsent(seg, tag);
            }
        }
        Set<Integer> live = new java.util.HashSet<>();
        need.values().forEach(live::addAll);
        preferred.keySet().retainAll(live);
    }

    /** The tag of {@code segment} on the cable of {@code link} (either direction). */
    public OptionalInt tag(Link link, int segment) {
        Map<Integer, Integer> m = tags.get(cable(link));
        Integer t = m == null ? null : m.get(segment);
        return t == null ? OptionalInt.empty() : OptionalInt.of(t);
    }

    /** Cables that more than 4,094 segments wanted to cross, with the segments left without a tag there. */
    public Map<Link, Set<Integer>> overfull() {
        return Map.copyOf(overfull);
    }

    /** How many segments cross the cable of {@code link}. */
    public int segmentsOn(Link link) {
        Map<Integer, Integer> m = tags.get(cable(link));
        return m == null ? 0 : m.size();
    }
}
