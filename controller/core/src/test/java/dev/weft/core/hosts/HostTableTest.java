package dev.weft.core.hosts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.api.event.HostAdded;
import dev.weft.api.event.HostFlapping;
import dev.weft.api.event.HostMoved;
import dev.weft.api.event.HostRemoved;
import dev.weft.api.event.NetworkEvent;
import dev.weft.api.host.Host;
import dev.weft.api.packet.Ethernet;
import dev.weft.api.topology.SwitchPort;
import dev.weft.sim.packet.Frames;
import dev.weft.fakes.MutableClock;
import org.junit.jupiter.api.Test;
import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.VlanVid;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Host learning rules, with a clock moved by hand. */
class HostTableTest {
    private static final MacAddress H1 = MacAddress.of("00:00:00:00:00:01");
    private static final IPv4Address IP1 = IPv4Address.of("10.0.0.1");
    private static final SwitchPort A = SwitchPort.of(1, 1);
    private static final SwitchPort B = SwitchPort.of(2, 1);

    private final MutableClock clock = new MutableClock();
    private final List<NetworkEvent> events = new ArrayList<>();
    private final HostTable table = new HostTable(HostSettings.DEFAULTS.withTimeout(Duration.ofMinutes(5))
            .withFlapping(3, Duration.ofSeconds(10), Duration.ofSeconds(30)), events::add, clock::millis);

    private void see(MacAddress mac, SwitchPort at, IPv4Address ip) {
        table.observe(mac, VlanVid.ZERO, at.dpid(), at.port(), ip, clock.millis());
    }

    private Host host() {
        return table.get(H1, VlanVid.ZERO).orElseThrow();
    }

    @Test
    void learnsOnceThenOnlyTheTimeMoves() {
        see(H1, A, IP1);
        assertEquals(1, events.size());
        HostAdded added = assertInstanceOf(HostAdded.class, events.get(0));
        assertEquals(A, added.host().location());
        assertEquals(Set.of(IP1), added.host().ips());
        assertEquals(clock.instant(), added.host().firstSeen());
        clock.advance(Duration.ofSeconds(3));
        see(H1, A, null);
        see(H1, A, IP1);
        assertEquals(1, events.size(), "nothing new: no event");
        assertEquals(clock.instant(), host().lastSeen());
        see(H1, A, IPv4Address.of("10.0.0.99"));
        assertEquals(Set.of(IP1, IPv4Address.of("10.0.0.99")), host().ips());
        assertEquals(1, events.size(), "a new address is recorded without an event");
    }

    @Test
    void moveCarriesThePreviousLocation() {
        see(H1, A, IP1);
        clock.advance(Duration.ofSeconds(1));
        see(H1, B, IP1);
        HostMoved moved = assertInstanceOf(HostMoved.class, events.get(1));
        assertEquals(B, moved.host().location());
        assertEquals(A, moved.previous());
        assertEquals(B, host().location());
        assertEquals(clock.instant().minusSeconds(1), moved.host().firstSeen());
    }

    @Test
    void flappingHostIsDampedAndReportedOnce() {
        see(H1, A, null);
        see(H1, B, null);          // move 1
        see(H1, A, null);          // move 2
        see(H1, B, null);          // 3rd move within the window: flapping
        assertEquals(List.of(HostAdded.class, HostMoved.class, HostMoved.class, HostFlapping.class),
                events.stream().map(Object::getClass).toList());
        HostFlapping f = (HostFlapping) events.get(3);
        assertEquals(A, f.host().location(), "frozen where it was");
        assertEquals(B, f.seenAt());
        assertEquals(clock.instant().plusSeconds(30), f.dampedUntil());
        for (int i = 0; i < 100; i++) {
            see(H1, i % 2 == 0 ? B : A, null);
        }
        assertEquals(4, events.size(), "no more events while damped");
        assertEquals(A, host().location());
        clock.advance(Duration.ofSeconds(31));
        see(H1, B, null);
        assertInstanceOf(HostMoved.class, events.get(4), "after the hold, moves count again");
    }

    @Test
    void slowMovesAreNotFlapping() {
        see(H1, A, null);
        for (int i = 0; i < 6; i++) {
            clock.advance(Duration.ofSeconds(6));
            see(H1, i % 2 == 0 ? B : A, null);
        }
        assertEquals(6, events.stream().filter(e -> e instanceof HostMoved).count());
    }

    @Test
    void hostsAgeOut() {
        see(H1, A, null);
        see(MacAddress.of("00:00:00:00:00:02"), B, null);
        clock.advance(Duration.ofMinutes(4));
        see(H1, A, null);
        clock.advance(Duration.ofMinutes(2));
        table.age(clock.millis());
        HostRemoved r = assertInstanceOf(HostRemoved.class, events.get(2));
        assertEquals(MacAddress.of("00:00:00:00:00:02"), r.host().mac());
        assertEquals(HostRemoved.Reason.AGED_OUT, r.reason());
        assertEquals(1, table.size());
        clock.advance(Duration.ofMinutes(4));
        table.age(clock.millis());
        assertEquals(0, table.size());
    }

    @Test
    void forgottenWhenItsPortTurnsOutToBeALink() {
        see(H1, A, null);
        table.removeAt(A, HostRemoved.Reason.INTER_SWITCH_PORT);
        assertEquals(HostRemoved.Reason.INTER_SWITCH_PORT, ((HostRemoved) events.get(1)).reason());
        assertTrue(table.get(H1, VlanVid.ZERO).isEmpty());
    }

    @Test
    void vlansAreSeparateHosts() {
        table.observe(H1, VlanVid.ofVlan(10), A.dpid(), A.port(), null, clock.millis());
        table.observe(H1, VlanVid.ZERO, B.dpid(), B.port(), null, clock.millis());
        assertEquals(A, table.get(H1, VlanVid.ofVlan(10)).orElseThrow().location());
        assertEquals(B, table.get(H1, VlanVid.ZERO).orElseThrow().location());
        assertEquals(2, events.size());
        assertTrue(events.stream().allMatch(e -> e instanceof HostAdded));
    }

    @Test
    void fullTableIgnoresNewHosts() {
        HostTable small = new HostTable(HostSettings.DEFAULTS.withMax(2), events::add, () -> 0L);
        for (int i = 1; i <= 5; i++) {
            small.observe(MacAddress.of(i), VlanVid.ZERO, DatapathId.of(1), OFPort.of(i), null, 0);
        }
        assertEquals(2, small.size());
        assertEquals(2, events.size(), "only the two hosts that fit were announced");
        assertEquals(3, small.ignoredFull(), "the others are counted");
        small.observe(MacAddress.of(1), VlanVid.ZERO, DatapathId.of(1), OFPort.of(7), null, 0);
        assertInstanceOf(HostMoved.class, events.get(2), "a known host still moves while the table is full");
    }

    @Test
    void senderAddresses() {
        MacAddress m = MacAddress.of("00:00:00:00:00:05");
        Ethernet arp = Ethernet.parse(Frames.from(m, IPv4Address.of("10.0.0.5")).arpRequest(IPv4Address.of("10.0.0.6")))
                .orElseThrow();
        assertEquals(IPv4Address.of("10.0.0.5"), HostTracker.senderIp(arp));
        Ethernet probe = Ethernet.parse(Frames.from(m, IPv4Address.NONE)
                .arpRequest(IPv4Address.of("10.0.0.6"))).orElseThrow();
        assertEquals(null, HostTracker.senderIp(probe), "ARP probe (0.0.0.0) teaches no address");
        Ethernet icmp = Ethernet.parse(Frames.from(m, IPv4Address.of("10.0.0.5")).to(H1, IP1)
                .echoRequest(1, 1)).orElseThrow();
        assertEquals(IPv4Address.of("10.0.0.5"), HostTracker.senderIp(icmp));
        Ethernet proxied = Ethernet.parse(Frames.from(m, IPv4Address.of("10.0.0.7")).to(H1, IP1)
                .arpReply()).orElseThrow();
        assertEquals(IPv4Address.of("10.0.0.7"), HostTracker.senderIp(proxied));
    }
}
