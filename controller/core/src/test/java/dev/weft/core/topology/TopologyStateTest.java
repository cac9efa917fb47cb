package dev.weft.core.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.api.event.LinkAdded;
import dev.weft.api.event.LinkRemoved;
import dev.weft.api.event.NetworkEvent;
import dev.weft.api.topology.Link;
import dev.weft.api.topology.PortRole;
import dev.weft.api.topology.SwitchPort;
import dev.weft.api.topology.Topology;
import dev.weft.fakes.FakeSwitch;
import org.junit.jupiter.api.Test;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFPortDesc;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.OFPort;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Discovery state as a function of time: no threads, no timers. */
class TopologyStateTest {
    private static final OFFactory F = OFFactories.getFactory(OFVersion.OF_13);
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final Duration GRACE = Duration.ofSeconds(1);
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final TopologyState s = new TopologyState(true, TIMEOUT, GRACE);

    private static DatapathId d(long n) {
        return DatapathId.of(n);
    }

    private static List<OFPortDesc> ports(int... numbers) {
        List<OFPortDesc> l = new ArrayList<>();
        for (int n : numbers) {
            l.add(FakeSwitch.portDesc(F, OFPort.of(n), "p" + n, false));
        }
        l.add(FakeSwitch.portDesc(F, OFPort.LOCAL, "br", false));
        return l;
    }

    private static Instant at(long ms) {
        return T0.plusMillis(ms);
    }

    /** Two switches with a cable s1:2 - s2:2, hosts on port 1. */
    private void twoSwitches() {
        s.switchUp(d(1), ports(1, 2), at(0));
        s.switchUp(d(2), ports(1, 2), at(0));
    }

    @Test
    void portsArePendingUntilTheGraceHasPassed() {
        twoSwitches();
        Topology t = s.snapshot();
        assertEquals(PortRole.PENDING, t.role(d(1), OFPort.of(1)));
        assertEquals(PortRole.NONE, t.role(d(1), OFPort.LOCAL), "reserved ports are not part of the topology");
        s.tick(at(999));
        assertSame(t, s.snapshot(), "nothing changed, same snapshot");
        s.tick(at(1000));
        Topology t2 = s.snapshot();
        assertTrue(t2.version() > t.version());
        assertEquals(PortRole.EDGE, t2.role(d(1), OFPort.of(1)));
        assertEquals(PortRole.EDGE, t2.role(d(1), OFPort.of(2)), "no probe came back: an edge port");
        assertEquals(java.util.Optional.empty(), s.nextSettle());
    }

    @Test
    void linkSeenAddsTheLinkAndProbesTheOtherDirection() {
        twoSwitches();
        assertEquals(at(1000), s.nextSettle().orElseThrow());
        Link l = Link.of(1, 2, 2, 2);
        TopologyState.Result r = s.linkSeen(l, at(5));
        assertEquals(List.of(new LinkAdded(l)), r.events());
        assertEquals(List.of(SwitchPort.of(2, 2)), r.probe(), "probe back at once for the reverse direction");
        assertTrue(s.linkSeen(l, at(6)).isEmpty(), "a known link is only refreshed");
        TopologyState.Result back = s.linkSeen(l.reversed(), at(7));
        assertEquals(List.of(new LinkAdded(l.reversed())), back.events());
        assertEquals(List.of(), back.probe());
        s.tick(at(1000));
        Topology t = s.snapshot();
        assertEquals(PortRole.INTER_SWITCH, t.role(d(1), OFPort.of(2)));
        assertEquals(PortRole.EDGE, t.role(d(2), OFPort.of(1)));
        assertEquals(List.of(l), t.path(d(1), d(2)).orElseThrow());
    }

    @Test
    void linksToUnknownOrDownPortsAreIgnored() {
        twoSwitches();
        assertTrue(s.linkSeen(Link.of(1, 2, 3, 1), at(1)).isEmpty(), "unknown switch");
        assertTrue(s.linkSeen(Link.of(1, 9, 2, 2), at(1)).isEmpty(), "unknown port");
        assertTrue(s.linkSeen(Link.of(1, 2, 1, 2), at(1)).isEmpty(), "a probe seen on the port it left");
        s.portChanged(d(2), FakeSwitch.portDesc(F, OFPort.of(2), "p2", true), false, at(2));
        assertTrue(s.linkSeen(Link.of(1, 2, 2, 2), at(3)).isEmpty(), "the receiving port is down");
    }

    @Test
    void portDownRemovesItsLinksAtOnce() {
        twoSwitches();
        s.linkSeen(Link.of(1, 2, 2, 2), at(1));
        s.linkSeen(Link.of(2, 2, 1, 2), at(1));
        TopologyState.Result r = s.portChanged(d(2), FakeSwitch.portDesc(F, OFPort.of(2), "p2", true), false, at(2));
        assertEquals(List.of(new LinkRemoved(Link.of(1, 2, 2, 2), LinkRemoved.Reason.PORT_DOWN),
                new LinkRemoved(Link.of(2, 2, 1, 2), LinkRemoved.Reason.PORT_DOWN)), r.events());
        assertEquals(0, s.linkCount());
        assertEquals(PortRole.NONE, s.snapshot().role(d(2), OFPort.of(2)));
        // Back up: pending again until its grace has passed (the caller probed it).
        assertTrue(s.portChanged(d(2), FakeSwitch.portDesc(F, OFPort.of(2), "p2", false), false, at(3)).isEmpty());
        assertEquals(PortRole.PENDING, s.snapshot().role(d(2), OFPort.of(2)));
        TopologyState.Result del = s.portChanged(d(1), FakeSwitch.portDesc(F, OFPort.of(1), "p1", false), true, at(4));
        assertTrue(del.events().isEmpty());
        assertEquals(PortRole.NONE, s.snapshot().role(d(1), OFPort.of(1)));
    }

    @Test
    void switchGoneRemovesItsLinksAndReprobesTheOtherEnd() {
        twoSwitches();
        s.tick(at(1000));
        s.linkSeen(Link.of(1, 2, 2, 2), at(1001));
        s.linkSeen(Link.of(2, 2, 1, 2), at(1001));
        TopologyState.Result r = s.switchDown(d(2), at(2000));
        assertEquals(2, r.events().size());
        assertTrue(r.events().stream().allMatch(e -> ((LinkRemoved) e).reason() == LinkRemoved.Reason.SWITCH_DISCONNECTED));
        assertEquals(List.of(SwitchPort.of(1, 2)), r.probe());
        Topology t = s.snapshot();
        assertEquals(PortRole.PENDING, t.role(d(1), OFPort.of(2)), "not flooded until we know what is behind it");
        assertTrue(!t.contains(d(2)));
        s.tick(at(3000));
        assertEquals(PortRole.EDGE, s.snapshot().role(d(1), OFPort.of(2)));
    }

    @Test
    void linksExpireWhenProbesStop() {
        twoSwitches();
        Link l = Link.of(1, 2, 2, 2);
        s.linkSeen(l, at(0));
        s.linkSeen(l.reversed(), at(0));
        s.linkSeen(l, at(6000)); // one direction keeps coming
        assertTrue(s.tick(at(10_000)).isEmpty(), "exactly the timeout: still there");
        TopologyState.Result r = s.tick(at(10_001));
        assertEquals(List.<NetworkEvent>of(new LinkRemoved(l.reversed(), LinkRemoved.Reason.EXPIRED)), r.events());
        assertEquals(List.of(), r.probe(), "both ends are still on a live link");
        assertEquals(1, s.linkCount());
        assertEquals(PortRole.INTER_SWITCH, s.snapshot().role(d(2), OFPort.of(2)));
        assertTrue(s.snapshot().graph().edges().isEmpty(), "a one-way link is not usable");
    }

    @Test
    void reconnectStartsOver() {
        twoSwitches();
        s.linkSeen(Link.of(1, 2, 2, 2), at(1));
        TopologyState.Result r = s.switchUp(d(2), ports(1, 2), at(2));
        assertEquals(List.<NetworkEvent>of(new LinkRemoved(Link.of(1, 2, 2, 2), LinkRemoved.Reason.SWITCH_DISCONNECTED)),
                r.events());
    }

    @Test
    void withoutDiscoveryEveryWorkingPortIsAnEdgeAtOnce() {
        TopologyState off = new TopologyState(false, TIMEOUT, GRACE);
        off.switchUp(d(1), ports(1, 2), at(0));
        assertEquals(PortRole.EDGE, off.snapshot().role(d(1), OFPort.of(2)));
        assertEquals(java.util.Optional.empty(), off.nextSettle());
    }
}
