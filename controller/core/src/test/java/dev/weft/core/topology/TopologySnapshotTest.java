package dev.weft.core.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.api.topology.Link;
import dev.weft.api.topology.PortRole;
import dev.weft.api.topology.SwitchPort;
import dev.weft.api.topology.Topology;
import org.junit.jupiter.api.Test;
import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.OFPort;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The snapshot's graph algorithms as pure functions: roles, paths, the broadcast tree. */
class TopologySnapshotTest {

    private static DatapathId d(long n) {
        return DatapathId.of(n);
    }

    private static OFPort p(int n) {
        return OFPort.of(n);
    }

    /** ring,N as the simulator builds it: host on port 1, port 2 to the previous switch, port 3 to the next. */
    static Topology ring(int n) {
        TopologySnapshot.Builder b = TopologySnapshot.builder().version(1);
        for (int i = 1; i <= n; i++) {
            b.addPort(i, 1);
            int next = i % n + 1;
            b.addCable(i, 3, next, 2);
        }
        return b.build();
    }

    /** torus,X,Y: switch i*256+j, host port 1, ports 2.. to the right and down neighbours (with wrap). */
    static Topology torus(int x, int y) {
        TopologySnapshot.Builder b = TopologySnapshot.builder();
        Map<Long, Integer> nextPort = new HashMap<>();
        for (int i = 1; i <= x; i++) {
            for (int j = 1; j <= y; j++) {
                b.addPort(i * 256L + j, 1);
                nextPort.put(i * 256L + j, 2);
            }
        }
        for (int i = 1; i <= x; i++) {
            for (int j = 1; j <= y; j++) {
                long a = i * 256L + j;
                long right = i * 256L + (j % y + 1);
                long down = (i % x + 1) * 256L + j;
                for (long other : List.of(right, down)) {
                    int pa = nextPort.merge(a, 1, Integer::sum) - 1;
                    int pb = nextPort.merge(other, 1, Integer::sum) - 1;
                    b.addCable(a, pa, other, pb);
                }
            }
        }
        return b.build();
    }

    @Test
    void rolesFollowLinksAndSettling() {
        Topology t = TopologySnapshot.builder()
                .addPort(SwitchPort.of(1, 1), true)
                .addPort(SwitchPort.of(1, 4), false)
                .addCable(1, 2, 2, 1)
                .addLink(Link.of(1, 3, 2, 3)) // one way only
                .build();
        assertEquals(PortRole.EDGE, t.role(d(1), p(1)));
        assertEquals(PortRole.PENDING, t.role(d(1), p(4)));
        assertEquals(PortRole.INTER_SWITCH, t.role(d(1), p(2)));
        assertEquals(PortRole.INTER_SWITCH, t.role(d(1), p(3)), "a one-way link still makes both ends inter-switch");
        assertEquals(PortRole.INTER_SWITCH, t.role(d(2), p(3)));
        assertEquals(PortRole.NONE, t.role(d(1), p(9)));
        assertEquals(PortRole.NONE, t.role(d(7), p(1)));
        assertEquals(Set.of(p(1)), t.edgePorts(d(1)));
        assertTrue(t.graph().hasEdgeConnecting(d(1), d(2)));
        assertEquals(1, t.graph().edges().size(), "the one-way link is not a usable edge");
        assertEquals(Set.of(p(2)), t.treePorts(d(1)), "only the two-way cable is on the tree");
        assertEquals(Set.of(p(1), p(2)), t.floodPorts(d(1)), "pending and non-tree ports are not flooded");
        assertFalse(t.mayFloodFrom(d(1), p(3)));
        assertFalse(t.mayFloodFrom(d(1), p(4)));
        assertTrue(t.mayFloodFrom(d(1), p(1)));
        assertTrue(t.mayFloodFrom(d(2), p(1)));
    }

    @Test
    void shortestPathsOnARing() {
        Topology t = ring(4);
        assertEquals(Optional.of(List.of()), t.path(d(1), d(1)));
        assertEquals(Optional.of(List.of(Link.of(1, 3, 2, 2))), t.path(d(1), d(2)));
        assertEquals(Optional.of(List.of(Link.of(1, 2, 4, 3))), t.path(d(1), d(4)), "the short way round");
        assertEquals(2, t.path(d(1), d(3)).orElseThrow().size());
        assertEquals(Optional.empty(), t.path(d(1), d(9)));
        // Paths towards one destination agree hop by hop (a shortest-path tree).
        for (long dst = 1; dst <= 4; dst++) {
            for (long src = 1; src <= 4; src++) {
                List<Link> path = t.path(d(src), d(dst)).orElseThrow();
                for (int k = 0; k < path.size(); k++) {
                    DatapathId at = path.get(k).src().dpid();
                    assertEquals(path.subList(k, path.size()), t.path(at, d(dst)).orElseThrow());
                }
            }
        }
    }

    @Test
    void pathsAvoidAMissingCable() {
        TopologySnapshot.Builder b = TopologySnapshot.builder();
        for (int i = 1; i <= 4; i++) {
            b.addPort(i, 1);
        }
        b.addCable(1, 3, 2, 2).addCable(2, 3, 3, 2).addCable(3, 3, 4, 2); // ring,4 without 4-1
        Topology t = b.build();
        assertEquals(3, t.path(d(1), d(4)).orElseThrow().size());
        assertEquals(Link.of(1, 3, 2, 2), t.nextHop(d(1), d(4)).orElseThrow());
    }

    @Test
    void partitionedNetworkHasNoPath() {
        Topology t = TopologySnapshot.builder().addCable(1, 1, 2, 1).addCable(3, 1, 4, 1).build();
        assertEquals(Optional.empty(), t.path(d(1), d(3)));
        assertEquals(Set.of(p(1)), t.treePorts(d(3)), "each part has its own tree");
    }

    @Test
    void parallelCablesUseTheLowestPort() {
        Topology t = TopologySnapshot.builder().addCable(1, 5, 2, 5).addCable(1, 3, 2, 7).addPort(1, 1).addPort(2, 1).build();
        assertEquals(Set.of(p(3)), t.treePorts(d(1)));
        assertEquals(Set.of(p(7)), t.treePorts(d(2)));
        assertEquals(List.of(Link.of(1, 3, 2, 7)), t.path(d(1), d(2)).orElseThrow());
        assertEquals(Set.of(p(1), p(3)), t.floodPorts(d(1)));
    }

    @Test
    void selfLoopIsNeverFlooded() {
        Topology t = TopologySnapshot.builder().addCable(1, 2, 1, 3).addPort(1, 1).build();
        assertEquals(PortRole.INTER_SWITCH, t.role(d(1), p(2)));
        assertEquals(Set.of(p(1)), t.floodPorts(d(1)));
    }

    @Test
    void treeIsASpanningTreeOfTheTorus() {
        Topology t = torus(4, 4);
        assertEquals(16, t.switches().size());
        assertEquals(64, t.links().size());
        assertEquals(32, t.graph().edges().size());
        assertEquals(2 * 15, t.broadcastTree().size(), "n-1 cables, both directions");
        for (DatapathId s : t.switches()) {
            assertEquals(Set.of(p(1)), t.edgePorts(s));
        }
        assertEquals(t.broadcastTree(), torus(4, 4).broadcastTree(), "deterministic");
    }

    /**
     * Flood from every edge port of the torus: each other edge port gets exactly one copy (the
     * rule the forwarding app applies, run as a packet walk over the snapshot).
     */
    @Test
    void floodReachesEveryEdgePortExactlyOnce() {
        for (Topology t : List.of(torus(4, 4), torus(3, 3), ring(4), ring(7))) {
            Map<SwitchPort, SwitchPort> peer = new HashMap<>();
            t.links().forEach(l -> peer.put(l.src(), l.dst()));
            for (SwitchPort origin : t.edgePorts()) {
                Map<SwitchPort, Integer> got = new HashMap<>();
                ArrayDeque<SwitchPort> arriving = new ArrayDeque<>();
                arriving.add(origin);
                int steps = 0;
                while (!arriving.isEmpty()) {
                    assertTrue(++steps < 10_000, "flood does not terminate");
                    SwitchPort in = arriving.poll();
                    if (!t.mayFloodFrom(in.dpid(), in.port())) {
                        continue;
                    }
                    for (OFPort out : t.floodPorts(in.dpid())) {
                        if (out.equals(in.port())) {
                            continue;
                        }
                        SwitchPort o = new SwitchPort(in.dpid(), out);
                        if (t.isEdge(o)) {
                            got.merge(o, 1, Integer::sum);
                        } else {
                            arriving.add(peer.get(o));
                        }
                    }
                }
                Set<SwitchPort> expected = new HashSet<>(t.edgePorts());
                expected.remove(origin);
                assertEquals(expected, got.keySet(), t + " from " + origin);
                assertTrue(got.values().stream().allMatch(c -> c == 1), () -> "duplicates: " + got);
            }
        }
    }

    @Test
    void pathsOnTheTorusAreShortest() {
        Topology t = torus(4, 4);
        // On a 4x4 torus the farthest switch is 2 + 2 hops away.
        for (DatapathId a : t.switches()) {
            for (DatapathId b : t.switches()) {
                List<Link> path = t.path(a, b).orElseThrow();
                long di = Math.abs(a.getLong() / 256 - b.getLong() / 256);
                long dj = Math.abs(a.getLong() % 256 - b.getLong() % 256);
                long expected = Math.min(di, 4 - di) + Math.min(dj, 4 - dj);
                assertEquals(expected, path.size(), a + " -> " + b);
                DatapathId at = a;
                for (Link l : path) {
                    assertEquals(at, l.src().dpid());
                    assertTrue(t.links().contains(l));
                    at = l.dst().dpid();
                }
                assertEquals(b, at);
            }
        }
    }

    @Test
    void emptyTopology() {
        Topology t = TopologySnapshot.empty();
        assertEquals(0, t.version());
        assertTrue(t.switches().isEmpty());
        assertEquals(PortRole.NONE, t.role(d(1), p(1)));
        assertTrue(t.floodPorts(d(1)).isEmpty());
        assertFalse(SwitchPort.isPhysical(OFPort.LOCAL));
        assertFalse(SwitchPort.isPhysical(OFPort.CONTROLLER));
        assertTrue(SwitchPort.isPhysical(OFPort.of(1)));
    }
}
