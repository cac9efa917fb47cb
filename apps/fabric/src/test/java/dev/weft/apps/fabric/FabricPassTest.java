package dev.weft.apps.fabric;

import dev.weft.api.flow.FlowSpec;
import dev.weft.api.tenant.LogicalNetwork;
import dev.weft.api.tenant.LogicalPort;
import dev.weft.api.tenant.NetworkConfig;
import dev.weft.api.tenant.Tenant;
import dev.weft.api.topology.Link;
import dev.weft.sim.inprocess.Reach;
import dev.weft.sim.packet.Frames;
import org.junit.jupiter.api.Test;
import org.projectfloodlight.openflow.types.DatapathId;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A link failure recomputes only the segments whose tree used the link, declares entries only for
 * them, and leaves the fabric exactly as a rebuild from scratch would; anything else rebuilds all.
 */
class FabricPassTest {
    static final DatapathId LEAF1 = DatapathId.of(1);
    static final DatapathId LEAF4 = DatapathId.of(4);
    static final DatapathId SPINE1 = DatapathId.of(0x101);
    static final DatapathId SPINE2 = DatapathId.of(0x102);

    /** The segments whose tree crosses the cable of {@code l}. */
    static Set<Integer> crossing(FabricModel m, Link l) {
        Set<Integer> s = new TreeSet<>();
        m.trees.stream().filter(t -> t.cables().contains(LinkTags.cable(l))).forEach(t -> s.add(t.segment()));
        return s;
    }

    static Set<Integer> scopes(FabricPass.Result r) {
        Set<Integer> s = new TreeSet<>();
        r.declare().values().forEach(m -> s.addAll(m.keySet()));
        return s;
    }

    /**
     * The same trees (members, cables). Entries may differ in tags only: a rebuild allocates tags
     * afresh, the next pass keeps each segment's tags where it keeps its cables (sticky).
     */
    static void assertSameTrees(FabricModel want, FabricModel got, String what) {
        Map<Integer, String> a = new HashMap<>();
        Map<Integer, String> b = new HashMap<>();
        want.trees.forEach(t -> a.put(t.segment(), t.members() + " " + t.cables()));
        got.trees.forEach(t -> b.put(t.segment(), t.members() + " " + t.cables()));
        assertEquals(a, b, what + ": trees");
        assertEquals(want.flows.keySet(), got.flows.keySet(), what + ": switches with entries");
    }

    @Test
    void aCutSpineLinkRecomputesOnlyTheSegmentsOnItAndLeavesWhatARebuildWould() {
        for (Target leaves : Target.values()) {
            FabricModel m = LeafSpine.site(leaves, leaves, leaves, leaves).build(LeafSpine.CONFIG);
            assertFalse(m.result.incremental(), "the first pass builds everything");
            assertEquals(Set.of(5001, 6001, 7001), m.result.recomputed());
            Link up1 = Link.of(1, 1, 0x101, 1);
            Set<Integer> onIt = crossing(m, up1);
            assertEquals(Set.of(5001, 6001), onIt, "acme and globex are rooted at leaf1, through spine1");

            FabricModel cut = m.without("leaf1", 1);
            assertTrue(cut.result.incremental(), leaves + ": a loss alone is an incremental pass");
            assertEquals(onIt, cut.result.recomputed(), leaves + ": only the segments on the cut cable");
            assertEquals(onIt, scopes(cut.result), leaves + ": entries declared for them only (no base, no initech)");
            assertTrue(cut.trees.stream().noneMatch(t -> t.cables().contains(LinkTags.cable(up1))));
            assertSameTrees(cut.rebuilt(), cut, leaves + " after the cut");
            assertEquals(FabricReachabilityTest.expected(), FabricReachabilityTest.matrix(cut), leaves + " after the cut");

            // Nothing changed at all: nothing recomputed, nothing declared.
            FabricModel again = cut.without("leaf1", 1);
            assertTrue(again.result.incremental());
            assertEquals(Set.of(), again.result.recomputed());
            assertTrue(again.result.declare().isEmpty() && again.result.of10().isEmpty(), again.result.toString());

            // The cable back: a new link may shorten any path, so everything is rebuilt (the trees
            // return to spine1), declared only where it changed.
            FabricModel back = m.rebuilt();
            FabricModel healed = cut.restored();
            assertFalse(healed.result.incremental(), "a new link rebuilds every tree");
            assertEquals(Set.of(5001, 6001, 7001), healed.result.recomputed());
            assertFalse(scopes(healed.result).contains(7001), "initech's entries did not change: not declared");
            assertSameTrees(back, healed, leaves + " healed");
        }
    }

    /** Segment i between two leaves, servers on ports of their own. */
    static NetworkConfig config(int[][] groups) {
        List<Tenant> tenants = new ArrayList<>();
        Map<Integer, Integer> nextPort = new HashMap<>();
        int i = 0;
        for (int[] g : groups) {
            for (int k = 0; k < g[0]; k++, i++) {
                int seg = ManySegmentsTest.BASE + i;
                LogicalPort x = ManySegmentsTest.server("x" + i, seg, 1, DatapathId.of(g[1]),
                        nextPort.merge(g[1], 1, Integer::sum) + 2);
                LogicalPort y = ManySegmentsTest.server("y" + i, seg, 2, DatapathId.of(g[2]),
                        nextPort.merge(g[2], 1, Integer::sum) + 2);
                tenants.add(new Tenant("t" + i, List.of(new LogicalNetwork("t" + i, "n", seg, Optional.empty(),
                        List.of(x, y)))));
            }
        }
        return new NetworkConfig(List.of(), tenants);
    }

    @Test
    void ofManySegmentsOnlyThoseOnTheFailedLinkAreReprogrammed() {
        // 2,000 segments between leaf2 and leaf3 (through spine1, not over leaf1's uplink), 100
        // between leaf1 and leaf4.
        FabricModel m = LeafSpine.site(Target.MULTI_TABLE, Target.SINGLE_TABLE, Target.SINGLE_TABLE_OF10,
                Target.MULTI_TABLE).build(config(new int[][] {{2000, 2, 3}, {100, 1, 4}}), Map.of());
        Set<Integer> onIt = crossing(m, Link.of(1, 1, 0x101, 1));
        assertEquals(100, onIt.size());
        FabricModel cut = m.without("leaf1", 1);
        assertTrue(cut.result.incremental());
        assertEquals(onIt, cut.result.recomputed(), "the 100 leaf1-leaf4 segments, none of the 2,000");
        assertEquals(onIt, scopes(cut.result));
        assertEquals(Set.of(LEAF1, LEAF4, SPINE1, SPINE2), cut.result.declare().keySet(),
                "leaf2 and leaf3 (the OpenFlow 1.0 one) are not touched");
        assertTrue(cut.result.of10().isEmpty(), "leaf3 is not reprogrammed");
        // Every declaration is one of the 100 segments' complete entries on one of those switches.
        int perSegment = 0;
        for (var e : cut.result.declare().entrySet()) {
            for (List<FlowSpec> l : e.getValue().values()) {
                perSegment = Math.max(perSegment, l.size());
            }
        }
        assertTrue(cut.result.declaredEntries() <= 100 * 4 * perSegment, cut.result.declaredEntries() + " entries");
        for (int i = 2000; i < 2100; i += 9) {
            ping(cut, i);
        }
        for (int i = 0; i < 2000; i += 97) {
            ping(cut, i);
        }
        System.out.printf("[fabric] 2,100 segments, leaf1-spine1 cut: %d recomputed, %d entries declared on %d "
                + "switches%n", cut.result.recomputed().size(), cut.result.declaredEntries(), cut.result.declare().size());
    }

    static void ping(FabricModel m, int i) {
        LogicalPort x = m.port("x" + i);
        LogicalPort y = m.port("y" + i);
        Reach r = m.send("x" + i, Frames.from(x.mac(), x.ips().get(0)).to(y.mac(), y.ips().get(0)).echoRequest(1, 1));
        assertTrue(r.reachedOnly("y" + i), "segment " + i + ": " + r);
        Reach b = m.send("y" + i, Frames.from(y.mac(), y.ips().get(0)).arpRequest(x.ips().get(0)));
        assertTrue(b.reachedOnly("x" + i), "segment " + i + " broadcast: " + b);
    }
}
