package dev.weft.apps.mobility;

import dev.weft.api.tenant.Binding;
import dev.weft.api.tenant.LogicalNetwork;
import dev.weft.api.tenant.LogicalPort;
import dev.weft.api.tenant.NetworkConfig;
import dev.weft.api.tenant.PortLocation;
import dev.weft.api.tenant.Tenant;
import dev.weft.api.tenant.TransportNode;
import org.junit.jupiter.api.Test;
import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The location rules as a pure function: what the switches show in, decisions out. */
class PortTrackerTest {
    static final LogicalPort VM = new LogicalPort("web1", "acme", "web", 5001, MacAddress.of("02:00:00:00:00:01"),
            List.of(IPv4Address.of("10.0.0.1")), new Binding.Interface("vm-web1"));
    static final LogicalPort BY_MAC = new LogicalPort("db1", "acme", "web", 5001, MacAddress.of("02:00:00:00:00:02"),
            List.of(IPv4Address.of("10.0.0.2")), new Binding.ByMac());
    static final PortLocation HV1 = new PortLocation(DatapathId.of(1), OFPort.of(3));
    static final PortLocation HV2 = new PortLocation(DatapathId.of(2), OFPort.of(7));
    static final PortLocation HV3 = new PortLocation(DatapathId.of(3), OFPort.of(4));

    Instant now = Instant.parse("2025-01-01T00:00:00Z");
    final PortTracker t = new PortTracker(4, Duration.ofSeconds(10), Duration.ofSeconds(30));

    PortTracker.Seen seen(String what) {
        return new PortTracker.Seen(what, now, 0);
    }

    static List<PortTracker.Locate> locates(List<PortTracker.Decision> ds) {
        return ds.stream().filter(d -> d instanceof PortTracker.Locate).map(d -> (PortTracker.Locate) d).toList();
    }

    static PortTracker.Locate only(List<PortTracker.Decision> ds) {
        List<PortTracker.Locate> l = locates(ds);
        assertEquals(1, l.size(), ds.toString());
        return l.get(0);
    }

    @Test
    void anInterfaceThatAppearsLocatesItsPort() {
        PortTracker.Locate l = only(t.interfaceChanged(VM, HV1, true, seen("added")));
        assertEquals(Optional.of(HV1), l.to());
        assertEquals(Optional.empty(), l.from());
        assertFalse(l.isMigration(), "a first location is not a migration");
        assertEquals(Optional.of(HV1), t.located("web1"));
        assertTrue(locates(t.interfaceChanged(VM, HV1, true, seen("reported again"))).isEmpty());
    }

    @Test
    void removedThenAddedElsewhereIsAMigrationFromTheLastPlace() {
        t.interfaceChanged(VM, HV1, true, seen("added"));
        PortTracker.Locate gone = only(t.interfaceChanged(VM, HV1, false, seen("deleted on hv1")));
        assertEquals(Optional.empty(), gone.to());
        assertEquals(Optional.of(HV1), gone.from());
        PortTracker.Locate back = only(t.interfaceChanged(VM, HV2, true, seen("added on hv2")));
        assertTrue(back.isMigration());
        assertEquals(Optional.empty(), back.from());
        assertEquals(Optional.of(HV1), back.last());
        assertEquals(Optional.of(HV2), back.to());
    }

    @Test
    void dualPresenceWaitsForTheVmToAnnounceItself() {
        t.interfaceChanged(VM, HV1, true, seen("added on hv1"));
        List<PortTracker.Decision> second = t.interfaceChanged(VM, HV2, true, seen("added on hv2"));
        assertTrue(locates(second).isEmpty(), "no move while hv1 still has it: " + second);
        assertTrue(second.contains(new PortTracker.PendingChanged(5001)));
        assertEquals(Optional.of(HV1), t.located("web1"));
        assertEquals(Map.of("web1", List.of(HV2)), t.pending());
        assertEquals(Map.of(HV2, VM), t.pendingOf(5001, config()));
        // Traffic still comes from hv1 (pre-copy): nothing moves.
        assertTrue(locates(t.announced(VM, HV1, seen("ARP on hv1"))).isEmpty());
        // The VM resumes on hv2 and sends a gratuitous ARP there.
        PortTracker.Locate moved = only(t.announced(VM, HV2, seen("gratuitous ARP on hv2")));
        assertEquals(Optional.of(HV1), moved.from());
        assertEquals(Optional.of(HV2), moved.to());
        assertTrue(moved.isMigration());
        // hv1's port still exists: it is the pending place now (a fail-back would be followed).
        assertEquals(Map.of("web1", List.of(HV1)), t.pending());
        // Its removal moves nothing.
        assertTrue(locates(t.interfaceChanged(VM, HV1, false, seen("deleted on hv1"))).isEmpty());
        assertEquals(Map.of(), t.pending());
        assertEquals(Optional.of(HV2), t.located("web1"));
    }

    @Test
    void dualPresenceWithoutAnnouncementMovesWhenTheOldPortGoes() {
        t.interfaceChanged(VM, HV1, true, seen("added on hv1"));
        t.interfaceChanged(VM, HV2, true, seen("added on hv2"));
        PortTracker.Locate moved = only(t.interfaceChanged(VM, HV1, false, seen("deleted on hv1")));
        assertEquals(Optional.of(HV2), moved.to());
        assertEquals(Optional.of(HV1), moved.from());
        assertTrue(moved.seen().cause().contains("still on"), moved.seen().cause());
    }

    @Test
    void aLatePacketFromAPlaceThatIsGoneMovesNothing() {
        t.interfaceChanged(VM, HV1, true, seen("added on hv1"));
        t.interfaceChanged(VM, HV2, true, seen("added on hv2"));
        t.interfaceChanged(VM, HV2, false, seen("deleted on hv2"));
        assertTrue(t.announced(VM, HV2, seen("trapped before the delete")).isEmpty());
        assertEquals(Optional.of(HV1), t.located("web1"));
    }

    @Test
    void aMacBoundPortFollowsItsAnnouncementsAndGoesWithItsSwitchPort() {
        PortTracker.Locate first = only(t.announced(BY_MAC, HV1, seen("gratuitous ARP on hv1")));
        assertEquals(Optional.of(HV1), first.to());
        PortTracker.Locate moved = only(t.announced(BY_MAC, HV3, seen("RARP on hv3")));
        assertTrue(moved.isMigration());
        assertTrue(locates(t.switchPortGone(HV1, seen("hv1 port 3 deleted"))).isEmpty(), "not where it is");
        PortTracker.Locate gone = only(t.switchPortGone(HV3, seen("hv3 port 4 deleted")));
        assertEquals(Optional.empty(), gone.to());
    }

    @Test
    void aPortBouncingBetweenHypervisorsIsDampedAndLocatedAgainWhenTheHoldIsOver() {
        t.interfaceChanged(VM, HV1, true, seen("added on hv1"));
        int moves = 0;
        PortLocation[] cycle = {HV2, HV1, HV2};
        PortLocation at = HV1;
        for (PortLocation next : cycle) {
            now = now.plusSeconds(1);
            t.interfaceChanged(VM, at, false, seen("deleted"));
            if (only(t.interfaceChanged(VM, next, true, seen("added"))).isMigration()) {
                moves++;
            }
            at = next;
        }
        assertEquals(3, moves, "three moves within the window are followed");
        now = now.plusSeconds(1);
        // The fourth: its deletion at hv2 is followed (nowhere), its appearance at hv1 is not.
        only(t.interfaceChanged(VM, HV2, false, seen("deleted")));
        List<PortTracker.Decision> fourth = t.interfaceChanged(VM, HV1, true, seen("added"));
        assertTrue(locates(fourth).isEmpty(), fourth.toString());
        PortTracker.Damped d = (PortTracker.Damped) fourth.stream().filter(x -> x instanceof PortTracker.Damped)
                .findFirst().orElseThrow();
        assertEquals(HV1, d.seenAt());
        assertEquals(now.plusSeconds(30), d.until());
        assertEquals(Map.of("web1", now.plusSeconds(30)), t.damped());
        // While damped nothing moves, whatever happens.
        now = now.plusSeconds(1);
        assertTrue(locates(t.interfaceChanged(VM, HV1, false, seen("deleted"))).isEmpty());
        assertTrue(locates(t.interfaceChanged(VM, HV3, true, seen("added"))).isEmpty());
        assertTrue(locates(t.tick(now.plusSeconds(10), 0)).isEmpty(), "hold not over yet");
        // Hold over: located where its interface is.
        PortTracker.Locate after = only(t.tick(now.plusSeconds(30), 0));
        assertEquals(Optional.of(HV3), after.to());
        assertEquals(Map.of(), t.damped());
    }

    @Test
    void movesSpreadOutAreNeverDamped() {
        t.interfaceChanged(VM, HV1, true, seen("added on hv1"));
        PortLocation at = HV1;
        for (int i = 0; i < 20; i++) {
            now = now.plusSeconds(4); // at most 3 within any 10 s window
            PortLocation next = at.equals(HV1) ? HV2 : HV1;
            t.interfaceChanged(VM, at, false, seen("deleted"));
            List<PortTracker.Decision> ds = t.interfaceChanged(VM, next, true, seen("added"));
            assertTrue(only(ds).isMigration(), "move " + i + ": " + ds);
            at = next;
        }
    }

    @Test
    void dampingCanBeTurnedOff() {
        PortTracker free = new PortTracker(0, Duration.ofSeconds(10), Duration.ofSeconds(30));
        free.interfaceChanged(VM, HV1, true, seen("added"));
        for (int i = 0; i < 10; i++) {
            PortLocation from = i % 2 == 0 ? HV1 : HV2;
            PortLocation to = i % 2 == 0 ? HV2 : HV1;
            free.interfaceChanged(VM, from, false, seen("deleted"));
            assertInstanceOf(PortTracker.Locate.class, free.interfaceChanged(VM, to, true, seen("added")).get(0));
        }
    }

    @Test
    void aNewConfigurationForgetsRemovedPortsAndRestartsRebound() {
        t.interfaceChanged(VM, HV1, true, seen("added"));
        t.interfaceChanged(VM, HV2, true, seen("added"));
        List<PortTracker.Decision> ds = t.configChanged(new NetworkConfig(List.of(), List.of()));
        assertTrue(ds.contains(new PortTracker.PendingChanged(5001)), "its traps go: " + ds);
        assertEquals(Optional.empty(), t.located("web1"));
        assertEquals(Map.of(), t.pending());
    }

    static NetworkConfig config() {
        return new NetworkConfig(List.of(new TransportNode("hv1", DatapathId.of(1), IPv4Address.of("10.77.0.1"))),
                List.of(new Tenant("acme", List.of(new LogicalNetwork("acme", "web", 5001, Optional.empty(),
                        List.of(VM, BY_MAC))))));
    }

    // ---- what a peer (another instance of a cluster) decided ---------------------------------

    @Test
    void aPeersDecisionMovesAMacBoundPortAndCountsAsAMoveButIsNotDampedHere() {
        PortTracker p = new PortTracker(3, Duration.ofSeconds(10), Duration.ofSeconds(30));
        only(p.announced(BY_MAC, HV1, seen("gratuitous ARP on hv1")));
        PortTracker.Locate l = only(p.reported(BY_MAC, HV2, seen("cluster: located by weft-2")));
        assertEquals(Optional.of(HV1), l.from());
        assertEquals(Optional.of(HV2), l.to());
        assertTrue(l.isMigration());
        assertEquals(Optional.of(HV1), only(p.announced(BY_MAC, HV1, seen("gratuitous ARP on hv1"))).to());
        // The third move within the window would be damped if seen here; the peer's is followed.
        assertEquals(Optional.of(HV2), only(p.reported(BY_MAC, HV2, seen("cluster: located by weft-2"))).to());
        // Our own observation after it is the fourth move: damped, kept where the peer put it.
        List<PortTracker.Decision> own = p.announced(BY_MAC, HV1, seen("gratuitous ARP on hv1 again"));
        assertTrue(locates(own).isEmpty(), own.toString());
        assertInstanceOf(PortTracker.Damped.class, own.get(0));
        assertEquals(Optional.of(HV2), p.located("db1"));
        // The peer's next decision is followed even during the hold (its decider damps its own moves),
        // and the end of the hold does not take the port back to what was seen here before it.
        assertEquals(Optional.of(HV3), only(p.reported(BY_MAC, HV3, seen("cluster: located by weft-3"))).to());
        assertTrue(locates(p.tick(now.plusSeconds(31), 0)).isEmpty());
        assertEquals(Optional.of(HV3), p.located("db1"));
    }

    @Test
    void aPeersDecisionAtAPlaceWhoseInterfaceIsNotKnownHereYetWaitsForIt() {
        only(t.interfaceChanged(VM, HV1, true, seen("added on hv1")));
        assertTrue(locates(t.reported(VM, HV2, seen("cluster: located by weft-2"))).isEmpty(),
                "hv2's PORT_STATUS has not arrived here yet");
        assertEquals(Optional.of(HV1), t.located("web1"));
        // It arrives: hv1 still has the interface (dual presence), yet the peer saw the VM at hv2.
        PortTracker.Locate l = only(t.interfaceChanged(VM, HV2, true, seen("added on hv2")));
        assertEquals(Optional.of(HV2), l.to());
        assertEquals(Map.of("web1", List.of(HV1)), t.pending());
    }

    @Test
    void aPeersDecisionInDualPresenceMovesAtOnce() {
        only(t.interfaceChanged(VM, HV1, true, seen("added on hv1")));
        assertTrue(locates(t.interfaceChanged(VM, HV2, true, seen("added on hv2"))).isEmpty());
        PortTracker.Locate l = only(t.reported(VM, HV2, seen("cluster: located by weft-2: first frame")));
        assertEquals(Optional.of(HV2), l.to());
        assertEquals(Map.of("web1", List.of(HV1)), t.pending());
        // Told again (a failover's re-publication): nothing moves.
        assertTrue(locates(t.reported(VM, HV2, seen("cluster: located by weft-3"))).isEmpty());
    }

    @Test
    void aStaleHintIsForgottenWhenSomethingElseDecides() {
        only(t.interfaceChanged(VM, HV1, true, seen("added on hv1")));
        t.reported(VM, HV2, seen("cluster: located by weft-2"));
        only(t.interfaceChanged(VM, HV1, false, seen("deleted on hv1")));
        only(t.interfaceChanged(VM, HV3, true, seen("added on hv3")));
        // hv2 shows the interface later: an ordinary second place now, not where the peer said.
        assertTrue(locates(t.interfaceChanged(VM, HV2, true, seen("added on hv2"))).isEmpty());
        assertEquals(Optional.of(HV3), t.located("web1"));
    }
}
