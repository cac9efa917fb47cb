package dev.weft.apps.fabric;

import dev.weft.api.tenant.Binding;
import dev.weft.api.tenant.LogicalNetwork;
import dev.weft.api.tenant.LogicalPort;
import dev.weft.api.tenant.NetworkConfig;
import dev.weft.api.tenant.Tenant;
import dev.weft.api.topology.Link;
import org.junit.jupiter.api.Test;
import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Tags are sticky: a segment keeps its tag on a cable while it uses the cable, whatever other
 * segments come and go (so a change to one network reprograms no other), takes the same tag on
 * every cable where it is free, and a tag freed on a cable is reused there.
 */
class LinkTagsTest {
    /** Segment {@code seg} with a server on leaf1 and one on leaf4 (the leaf-spine of the specs). */
    static LogicalNetwork net(int seg) {
        return new LogicalNetwork("t" + seg, "n", seg, Optional.empty(), List.of(
                port("x" + seg, seg, 1, 1), port("y" + seg, seg, 4, 2)));
    }

    static LogicalPort port(String name, int seg, long leaf, int n) {
        return new LogicalPort(name, "t" + seg, "n", seg, MacAddress.of(0x020000000000L + n), List.of(),
                new Binding.Static(DatapathId.of(leaf), OFPort.of(3 + seg % 100)));
    }

    static Map<Integer, Map<Link, Integer>> assign(LinkTags tags, int... segments) {
        List<Tenant> tenants = new ArrayList<>();
        for (int s : segments) {
            tenants.add(new Tenant("t" + s, List.of(net(s))));
        }
        FabricModel m = LeafSpine.site(Target.MULTI_TABLE, Target.MULTI_TABLE, Target.MULTI_TABLE, Target.MULTI_TABLE)
                .build(new NetworkConfig(List.of(), tenants), Map.of());
        List<SegmentTree> trees = new ArrayList<>();
        tenants.forEach(t -> trees.add(SegmentTree.of(t.networks().get(0), m.inputs)));
        tags.assign(trees);
        Map<Integer, Map<Link, Integer>> out = new HashMap<>();
        for (SegmentTree t : trees) {
            for (Link c : t.cables()) {
                OptionalInt tag = tags.tag(c, t.segment());
                assertTrue(tag.isPresent());
                out.computeIfAbsent(t.segment(), k -> new HashMap<>()).put(c, tag.getAsInt());
            }
        }
        return out;
    }

    @Test
    void aSegmentKeepsItsTagsWhileOthersComeAndGo() {
        LinkTags tags = new LinkTags();
        Map<Integer, Map<Link, Integer>> first = assign(tags, 101, 102, 103);
        first.values().forEach(m -> assertEquals(1, m.values().stream().distinct().count(),
                "one tag on every cable of a segment when free: " + m));
        Map<Integer, Map<Link, Integer>> more = assign(tags, 101, 102, 103, 104);
        for (int s : new int[] {101, 102, 103}) {
            assertEquals(first.get(s), more.get(s), "segment " + s + " kept its tags");
        }
        Map<Integer, Map<Link, Integer>> fewer = assign(tags, 101, 103, 104);
        assertEquals(first.get(101), fewer.get(101));
        assertEquals(first.get(103), fewer.get(103));
        assertEquals(more.get(104), fewer.get(104));
        // 102's tag is free again: the next new segment takes it.
        Map<Integer, Map<Link, Integer>> again = assign(tags, 101, 103, 104, 105);
        assertEquals(first.get(102).values().iterator().next(), again.get(105).values().iterator().next());
        assertNotEquals(again.get(104).values().iterator().next(), again.get(105).values().iterator().next());
    }
}
