package dev.weft.apps.fabric;

import dev.weft.api.flow.FlowSpec;
import dev.weft.api.tenant.LogicalNetwork;
import dev.weft.api.topology.Link;
import org.projectfloodlight.openflow.types.DatapathId;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The fabric's passes, one after another: from a pass's {@link FabricInputs} and what the last
 * pass left (its trees, their tags, the entries compiled per segment and switch), the entries to
 * declare now, and only those that differ.
 *
 * <p><b>A failure recomputes only what it touched.</b> When the topology merely lost links, ports
 * or switches since the last pass, and nothing else changed (a link or port went down), only the
 * segments whose tree used a lost link, or whose members changed, get a new tree and new entries;
 * every other segment keeps its tree, which is exactly what a rebuild would give it (the shortest
 * paths it used are still the ones chosen: see {@link SegmentTree#holdsUnder}), and its tags
 * (sticky, {@link LinkTags}). So a spine link carrying a few segments reprograms a few segments,
 * however many the fabric has. Anything else (configuration, locations, targets, a new link or
 * switch) rebuilds every tree, and still declares only the entries that changed.
 *
 * <p>Pure apart from its own state: no I/O, no clock. Control lane only.
 */
final class FabricPass {
    /**
     * What one pass asks of the switches.
     *
     * @param incremental only the segments a loss touched were recomputed
     * @param recomputed  the segments whose tree and entries were computed in this pass
     * @param declare     per OpenFlow 1.3 switch and scope (0: the entries of no segment), the
     *                    complete new entries of each scope that changed (empty: none any more)
     * @param of10        per OpenFlow 1.0 switch whose entries changed, its whole table
     * @param trees       every segment with anything on the fabric, after this pass
     */
    record Result(boolean incremental, Set<Integer> recomputed, Map<DatapathId, Map<Integer, List<FlowSpec>>> declare,
                  Map<DatapathId, List<FlowSpec>> of10, List<SegmentTree> trees) {
        /** How many flow entries the declarations carry (what a switch gets is their difference). */
        int declaredEntries() {
            return declare.values().stream().flatMap(m -> m.values().stream()).mapToInt(List::size).sum();
        }
    }

    private final LinkTags tags = new LinkTags();
    private FabricInputs last;
    /** By segment, in configuration order. */
    private Map<Integer, SegmentTree> trees = new LinkedHashMap<>();
    /** By segment: its entries per switch. */
    private final Map<Integer, Map<DatapathId, List<FlowSpec>>> compiled = new HashMap<>();
    /** Segments that found a cable full (no tag there) in the last pass. */
    private Set<Integer> untagged = Set.of();
    private Map<DatapathId, List<FlowSpec>> base = Map.of();

    LinkTags tags() {
        return tags;
    }

    Result run(FabricInputs in) {
        boolean incremental = last != null && onlyLosses(last, in);
        Map<Integer, SegmentTree> next = new LinkedHashMap<>();
        Set<Integer> recomputed = new TreeSet<>();
        boolean membersChanged = !incremental;
        for (LogicalNetwork n : in.config().networks()) {
            SegmentTree old = trees.get(n.segment());
            SegmentTree t;
            if (incremental && old != null && old.holdsUnder(in)) {
                t = old;
            } else {
                t = SegmentTree.of(n, in);
                if (old == null ? !t.isEmpty() : !(old.members().equals(t.members())
                        && old.vlanPort().equals(t.vlanPort()))) {
                    membersChanged = true;
                }
                if (!t.isEmpty() || old != null) {
                    recomputed.add(n.segment());
                }
            }
            if (!t.isEmpty()) {
                next.put(n.segment(), t);
            }
        }
        tags.assign(next.values());
        Set<Integer> nowUntagged = new HashSet<>();
        for (SegmentTree t : next.values()) {
            for (Link c : t.cables()) {
                if (tags.tag(c, t.segment()).isEmpty()) {
                    nowUntagged.add(t.segment());
                    break;
                }
            }
        }
        // A segment kept as it was but left without a tag on a full cable may find one free now.
        for (int seg : untagged) {
            if (next.containsKey(seg)) {
                recomputed.add(seg);
            }
        }

        Map<DatapathId, Map<Integer, List<FlowSpec>>> declare = new TreeMap<>();
        Set<DatapathId> of10Touched = new TreeSet<>();
        if (membersChanged || !incremental) {
            Map<DatapathId, List<FlowSpec>> b = FabricCompiler.base(in, next.values());
            diff(in, 0, base, b, declare, of10Touched);
            base = b;
        }
        for (int seg : recomputed) {
            SegmentTree t = next.get(seg);
            Map<DatapathId, List<FlowSpec>> now = t == null ? Map.of() : FabricCompiler.segment(t, tags, in);
            diff(in, seg, compiled.getOrDefault(seg, Map.of()), now, declare, of10Touched);
            if (now.isEmpty()) {
                compiled.remove(seg);
            } else {
                compiled.put(seg, now);
            }
        }
        // Segments gone from the configuration.
        for (var it = compiled.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            if (!next.containsKey(e.getKey()) && !recomputed.contains(e.getKey())) {
                diff(in, e.getKey(), e.getValue(), Map.of(), declare, of10Touched);
                recomputed.add(e.getKey());
                it.remove();
            }
        }
        Map<DatapathId, List<FlowSpec>> of10 = new TreeMap<>();
        for (DatapathId d : of10Touched) {
            of10.put(d, table(d));
        }
        trees = next;
        untagged = Set.copyOf(nowUntagged);
        last = in;
        return new Result(incremental, Set.copyOf(recomputed), declare, of10, List.copyOf(next.values()));
    }

    /** Everything the fabric wants on one switch now: its base entries and every segment's. */
    List<FlowSpec> table(DatapathId dpid) {
        List<FlowSpec> all = new ArrayList<>(base.getOrDefault(dpid, List.of()));
        for (Map<DatapathId, List<FlowSpec>> m : compiled.values()) {
            all.addAll(m.getOrDefault(dpid, List.of()));
        }
        return all;
    }

    /** Every switch with anything on it, with {@link #table}. */
    Map<DatapathId, List<FlowSpec>> tables() {
        Set<DatapathId> all = new TreeSet<>(base.keySet());
        compiled.values().forEach(m -> all.addAll(m.keySet()));
        Map<DatapathId, List<FlowSpec>> out = new TreeMap<>();
        all.forEach(d -> out.put(d, table(d)));
        return out;
    }

    /** Only links, ports or switches lost since {@code a}; everything else the same. */
    private static boolean onlyLosses(FabricInputs a, FabricInputs b) {
        return a.config() == b.config() && a.targets().equals(b.targets()) && a.locations().equals(b.locations())
                && a.vlanPorts().equals(b.vlanPorts()) && a.topology().switches().containsAll(b.topology().switches())
                && a.topology().links().containsAll(b.topology().links());
    }

    /** Declare, for one scope, the switches whose entries differ between {@code before} and {@code after}. */
    private static void diff(FabricInputs in, int scope, Map<DatapathId, List<FlowSpec>> before,
                             Map<DatapathId, List<FlowSpec>> after, Map<DatapathId, Map<Integer, List<FlowSpec>>> declare,
                             Set<DatapathId> of10Touched) {
        Set<DatapathId> switches = new TreeSet<>(before.keySet());
        switches.addAll(after.keySet());
        for (DatapathId d : switches) {
            List<FlowSpec> now = after.getOrDefault(d, List.of());
            if (now.equals(before.getOrDefault(d, List.of()))) {
                continue;
            }
            if (in.targets().get(d) == Target.SINGLE_TABLE_OF10) {
                of10Touched.add(d);
            } else {
                declare.computeIfAbsent(d, k -> new TreeMap<>()).put(scope, now);
            }
        }
    }
}
