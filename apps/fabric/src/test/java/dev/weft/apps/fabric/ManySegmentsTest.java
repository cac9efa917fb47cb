package dev.weft.apps.fabric;

import dev.weft.api.tenant.Binding;
import dev.weft.api.tenant.LogicalNetwork;
import dev.weft.api.tenant.LogicalPort;
import dev.weft.api.tenant.NetworkConfig;
import dev.weft.api.tenant.Tenant;
import dev.weft.api.topology.Link;
import dev.weft.sim.inprocess.Reach;
import dev.weft.sim.packet.Frames;
import org.junit.jupiter.api.Test;
import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * More than 4,094 segments across one fabric: VLAN ids are per cable, so the fabric carries as
 * many segments as it likes as long as no cable carries more than 4,094. Here 5,900 segments with
 * 24-bit ids, each with two servers, every server the same MAC and IP as its counterpart in every
 * other segment: 2,000 between leaf1 and leaf2, 2,900 between leaf3 and leaf4, and 1,000 between
 * leaf1 and leaf3, which find their tag on leaf1's cable already taken on leaf3's (by the 2,900)
 * and are translated at the spine. Leaves of all three targets.
 */
class ManySegmentsTest {
    static final int BASE = 1 << 20;
    /** Segments per pair of leaves: {count, leaf of x, leaf of y}. */
    static final int[][] GROUPS = {{2000, 1, 2}, {2900, 3, 4}, {1000, 1, 3}};
    static final int SEGMENTS = 5900;

    /** Segment i: servers x{i} and y{i}, on the leaves of its group, each on a port of its own. */
    static NetworkConfig config() {
        List<Tenant> tenants = new ArrayList<>();
        Map<Integer, Integer> nextPort = new java.util.HashMap<>();
        int i = 0;
        for (int[] g : GROUPS) {
            for (int k = 0; k < g[0]; k++, i++) {
                int seg = BASE + i;
                LogicalPort x = server("x" + i, seg, 1, DatapathId.of(g[1]), nextPort.merge(g[1], 1, Integer::sum) + 2);
                LogicalPort y = server("y" + i, seg, 2, DatapathId.of(g[2]), nextPort.merge(g[2], 1, Integer::sum) + 2);
                tenants.add(new Tenant("t" + i, List.of(new LogicalNetwork("t" + i, "n", seg, Optional.empty(),
                        List.of(x, y)))));
            }
        }
        return new NetworkConfig(List.of(), tenants);
    }

    static LogicalPort server(String name, int seg, int n, DatapathId sw, int port) {
        String tenant = "t" + name.substring(1);
        return new LogicalPort(name, tenant, "n", seg, MacAddress.of(0x020000000000L + n),
                List.of(IPv4Address.of("10.0.0." + n)), new Binding.Static(sw, OFPort.of(port)));
    }

    @Test
    void fiveThousandNineHundredSegmentsEachReachOnlyItself() {
        FabricModel m = LeafSpine.site(Target.MULTI_TABLE, Target.SINGLE_TABLE, Target.MULTI_TABLE,
                Target.SINGLE_TABLE_OF10).build(config(), Map.of());
        assertTrue(m.tags().overfull().isEmpty(), "no cable over 4,094 segments");
        Set<Integer> segmentsOnFabric = new HashSet<>();
        int maxOnACable = 0;
        for (SegmentTree t : m.trees) {
            if (!t.cables().isEmpty()) {
                segmentsOnFabric.add(t.segment());
            }
            for (Link c : t.cables()) {
                maxOnACable = Math.max(maxOnACable, m.tags().segmentsOn(c));
            }
        }
        assertEquals(SEGMENTS, segmentsOnFabric.size(), "every segment crosses the fabric");
        assertEquals(3900, maxOnACable, "leaf3's uplink carries 2,900 + 1,000 segments");
        // The leaf1-leaf3 segments: a tag on leaf1's uplink, another on leaf3's (translated at the spine).
        Link up1 = Link.of(1, 1, 0x101, 1);
        Link up3 = Link.of(3, 1, 0x101, 3);
        int translated = 0;
        for (int i = 4900; i < SEGMENTS; i++) {
            int a = m.tags().tag(up1, BASE + i).orElseThrow();
            int b = m.tags().tag(up3, BASE + i).orElseThrow();
            translated += a != b ? 1 : 0;
        }
        assertEquals(1000, translated, "every leaf1-leaf3 segment changes tag at the spine");
        // Reachability and isolation in every segment, both ways, unicast and broadcast (a frame
        // reaching anyone else, in any segment, fails).
        int checked = 0;
        for (int i = 0; i < SEGMENTS; i++, checked++) {
            LogicalPort x = m.port("x" + i);
            LogicalPort y = m.port("y" + i);
            Reach r = m.send("x" + i, Frames.from(x.mac(), x.ips().get(0)).to(y.mac(), y.ips().get(0)).echoRequest(1, 1));
            assertTrue(r.reachedOnly("y" + i), "segment " + i + ": " + r);
            Reach back = m.send("y" + i, Frames.from(y.mac(), y.ips().get(0)).to(x.mac(), x.ips().get(0)).echoReply(1, 1, new byte[0]));
            assertTrue(back.reachedOnly("x" + i), "segment " + i + " back: " + back);
            Reach b = m.send("y" + i, Frames.from(y.mac(), y.ips().get(0)).arpRequest(x.ips().get(0)));
            assertTrue(b.reachedOnly("x" + i), "segment " + i + " broadcast: " + b);
        }
        System.out.printf("[fabric] %d segments on one leaf-spine, at most %d on a cable, %d translated at the spine; "
                + "%d checked both ways (unicast and broadcast), each reaching only its own server%n", SEGMENTS,
                maxOnACable, translated, checked);
    }

    @Test
    void aCableAskedForMoreThan4094SegmentsSaysSoAndCarriesNoneBeyond() {
        List<Tenant> tenants = new ArrayList<>();
        for (int i = 0; i < 4095; i++) {
            int seg = BASE + i;
            tenants.add(new Tenant("t" + i, List.of(new LogicalNetwork("t" + i, "n", seg, Optional.empty(), List.of(
                    server("x" + i, seg, 1, DatapathId.of(1), 3 + i), server("y" + i, seg, 2, DatapathId.of(2), 3 + i))))));
        }
        FabricModel m = LeafSpine.site(Target.MULTI_TABLE, Target.MULTI_TABLE, Target.MULTI_TABLE, Target.MULTI_TABLE)
                .build(new NetworkConfig(List.of(), tenants), Map.of());
        assertFalse(m.tags().overfull().isEmpty());
        assertTrue(m.tags().overfull().values().stream().allMatch(s -> s.equals(Set.of(BASE + 4094))),
                m.tags().overfull().toString());
        LogicalPort x = m.port("x4094");
        LogicalPort y = m.port("y4094");
        assertTrue(m.send("x4094", Frames.from(x.mac(), x.ips().get(0)).to(y.mac(), y.ips().get(0)).echoRequest(1, 1))
                .reachedNobody());
        LogicalPort x0 = m.port("x0");
        LogicalPort y0 = m.port("y0");
        assertTrue(m.send("x0", Frames.from(x0.mac(), x0.ips().get(0)).to(y0.mac(), y0.ips().get(0)).echoRequest(1, 1))
                .reachedOnly("y0"));
    }
}
