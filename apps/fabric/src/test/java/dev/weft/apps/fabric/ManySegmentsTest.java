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
 * many segments as it likes as long as no cable carries more than 4,094. Here 5,000 segments,
 * each with one server on leaf 1 or 3 and one on leaf 2 or 4 (every server the same MAC and IP
 * as its counterpart in every other segment), with 24-bit segment ids.
 */
class ManySegmentsTest {
    static final int SEGMENTS = 5000;
    static final int BASE = 1 << 20;

    /** Segment i: servers x{i} and y{i}; the first half between leaf1 and leaf2, the rest between leaf3 and leaf4. */
    static NetworkConfig config() {
        List<Tenant> tenants = new ArrayList<>();
        for (int i = 0; i < SEGMENTS; i++) {
            int seg = BASE + i;
            boolean low = i < SEGMENTS / 2;
            int port = 3 + (low ? i : i - SEGMENTS / 2);
            LogicalPort x = server("x" + i, seg, 1, DatapathId.of(low ? 1 : 3), port);
            LogicalPort y = server("y" + i, seg, 2, DatapathId.of(low ? 2 : 4), port);
            tenants.add(new Tenant("t" + i, List.of(new LogicalNetwork("t" + i, "n", seg, Optional.empty(), List.of(x, y)))));
        }
        return new NetworkConfig(List.of(), tenants);
    }

    static LogicalPort server(String name, int seg, int n, DatapathId sw, int port) {
        String tenant = "t" + name.substring(1);
        return new LogicalPort(name, tenant, "n", seg, MacAddress.of(0x020000000000L + n),
                List.of(IPv4Address.of("10.0.0." + n)), new Binding.Static(sw, OFPort.of(port)));
    }

    @Test
    void fiveThousandSegmentsEachReachOnlyItself() {
        FabricModel m = LeafSpine.site(Target.MULTI_TABLE, Target.SINGLE_TABLE, Target.MULTI_TABLE,
                Target.SINGLE_TABLE_OF10).build(config(), Map.of());
        assertTrue(m.tags().overfull().isEmpty(), "no cable over 4,094 segments");
        Set<Integer> segmentsOnFabric = new HashSet<>();
        for (SegmentTree t : m.trees) {
            if (!t.cables().isEmpty()) {
                segmentsOnFabric.add(t.segment());
            }
            for (Link c : t.cables()) {
                assertTrue(m.tags().segmentsOn(c) <= 4094);
            }
        }
        assertEquals(SEGMENTS, segmentsOnFabric.size(), "every segment crosses the fabric");
        for (int i : new int[] {0, 1, 1234, 2499, 2500, 2501, 4093, 4094, 4095, 4999}) {
            LogicalPort x = m.port("x" + i);
            LogicalPort y = m.port("y" + i);
            Reach r = m.send("x" + i, Frames.from(x.mac(), x.ips().get(0)).to(y.mac(), y.ips().get(0)).echoRequest(1, 1));
            assertTrue(r.reachedOnly("y" + i), "segment " + i + ": " + r);
            Reach b = m.send("y" + i, Frames.from(y.mac(), y.ips().get(0)).arpRequest(x.ips().get(0)));
            assertTrue(b.reachedOnly("x" + i), "segment " + i + " broadcast: " + b);
        }
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
