package dev.weft.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.api.AppCookie;
import dev.weft.api.event.HostMoved;
import dev.weft.api.event.LinkRemoved;
import dev.weft.api.host.Host;
import dev.weft.api.topology.Link;
import dev.weft.api.topology.SwitchPort;
import dev.weft.core.app.AppCookies;
import dev.weft.core.topology.TopologySettings;
import dev.weft.sim.datapath.FlowSnapshot;
import dev.weft.sim.net.Delivery;
import dev.weft.sim.net.PingAllResult;
import dev.weft.sim.net.PingResult;
import dev.weft.sim.net.SimHost;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.VlanVid;

/**
 * Weft with discovery, host tracking and the forwarding app on simulated networks with loops:
 * every link found, full reachability, every broadcast delivered to every host exactly once,
 * rerouting around a dead link, and a moved host found at its new place with no flow left
 * towards the old one.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TopologySimTest {
    static final TopologySettings SETTINGS = TopologySettings.DEFAULTS.withEdgeGrace(Duration.ofMillis(300));
    private static final long FORWARDING = AppCookies.idFor("forwarding");

    private static OFVersion version(String v) {
        return v.equals("1.0") ? OFVersion.OF_10 : OFVersion.OF_13;
    }

    @ParameterizedTest(name = "{0} over OpenFlow {1}")
    @CsvSource({"'ring,4', 1.3", "'ring,4', 1.0", "'torus,4,4', 1.3"})
    void loopsAreFoundAndFloodsReachEveryHostExactlyOnce(String topo, String of) throws Exception {
        try (SimFixture f = new SimFixture(topo, version(of), SETTINGS)) {
            System.out.printf("[sim] %s OF %s: %d switches, all %d links discovered %d ms after the last switch "
                            + "connected (%d ms after the first); %s%n", topo, of, f.net.switches().size(),
                    f.current().links().size(), f.discovery.toMillis(), f.discoveryFromFirst.toMillis(), f.current());
            assertEquals(f.simLinks(), f.current().links());
            int n = f.net.hosts().size();
            assertEquals(f.net.switches().size() - 1, f.current().broadcastTree().size() / 2,
                    "a spanning tree of the switches: one cable less than switches");

            // Every host announces itself: one copy to every other host, no storm.
            List<String> names = f.net.hosts().stream().map(SimHost::name).toList();
            for (String h : names) {
                Delivery d = f.net.gratuitousArp(h);
                String[] others = names.stream().filter(x -> !x.equals(h)).toArray(String[]::new);
                assertTrue(d.settled(), () -> h + ": " + d);
                assertFalse(d.stormDetected(), () -> h + ": " + d);
                assertTrue(d.reachedExactly(others), () -> h + " gARP: " + d);
            }
            assertEquals(0, f.net.hopLimitDrops());
            // ... and is now known where it is.
            for (SimHost h : f.net.hosts()) {
                Host known = f.hosts.get(h.mac()).orElseThrow(() -> new AssertionError(h.name() + " unknown"));
                assertEquals(new SwitchPort(f.dpid(h.switchName()), h.port()), known.location());
                assertEquals(Set.of(h.ip()), known.ips());
            }

            long t0 = System.nanoTime();
            PingAllResult all = f.net.pingAll();
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            System.out.printf("[sim] %s OF %s pingall (%d pairs, %d ms): %s%n", topo, of, all.attempted(), ms,
                    all.summary());
            assertEquals(0, all.droppedPercent(), all::summary);

            // With paths installed, pinging again needs the controller no more.
            PingResult again = f.net.ping(names.get(0), names.get(n - 1));
            assertTrue(again.success());
            assertEquals(0, again.packetIns(), "the path entries carry the traffic");
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"'ring,4', h1, h3", "'torus,4,4', h1x1, h3x3"})
    void linkDownOnThePathReroutes(String topo, String a, String b) throws Exception {
        try (SimFixture f = new SimFixture(topo, OFVersion.OF_13, SETTINGS)) {
            assertTrue(f.net.ping(a, b).success());
            assertTrue(f.net.ping(b, a).success());
            Delivery before = f.net.trace(a, echo(f, a, b, 7));
            assertTrue(before.reachedExactly(b), before::toString);
            List<String> pathBefore = before.switchesVisited();
            // Take down the first cable of the path.
            String s1 = pathBefore.get(0);
            String s2 = pathBefore.get(1);
            long down = System.nanoTime();
            f.net.linkDown(s1, s2);
            var removed = f.events.await(LinkRemoved.class, e -> e.reason() == LinkRemoved.Reason.PORT_DOWN, down,
                    Duration.ofSeconds(5)).orElseThrow(() -> new AssertionError("no LinkRemoved"));
            // Ping until it works again (bounded): the reroute time as a host sees it.
            PingResult p = null;
            for (int i = 0; i < 50 && (p == null || !p.success()); i++) {
                p = f.net.ping(a, b, Duration.ofMillis(500));
            }
            long reroute = System.nanoTime() - down;
            assertTrue(p.success(), p::toString);
            System.out.printf("[sim] %s: link %s-%s down: LinkRemoved after %.1f ms, %s -> %s pings again after "
                            + "%.1f ms (first ping: %d packet-ins)%n", topo, s1, s2,
                    (removed.nanos() - down) / 1e6, a, b, reroute / 1e6, p.packetIns());
            Delivery after = f.net.trace(a, echo(f, a, b, 8));
            assertTrue(after.reachedExactly(b), after::toString);
            assertEquals(0, after.packetIns(), "rerouted proactively: no packet-in needed");
            assertNotEquals(pathBefore, after.switchesVisited());
            // Nothing of ours sends into the dead link any more.
            for (dev.weft.sim.net.Link l : f.net.links()) {
                if (!l.isUp()) {
                    assertNoOutput(f, l.switchA(), l.portA());
                    assertNoOutput(f, l.switchB(), l.portB());
                }
            }
            assertEquals(f.simLinks(), f.current().links(), "the dead cable is gone from the topology");
            // Broadcast still reaches everyone exactly once on the new tree.
            List<String> names = f.net.hosts().stream().map(SimHost::name).toList();
            Delivery g = f.net.gratuitousArp(a);
            assertTrue(g.reachedExactly(names.stream().filter(x -> !x.equals(a)).toArray(String[]::new)),
                    g::toString);
        }
    }

    @Test
    void movedHostIsFoundAndOldFlowsAreGone() throws Exception {
        try (SimFixture f = new SimFixture("torus,4,4", OFVersion.OF_13, SETTINGS)) {
            String mover = "h3x3";
            SimHost m = f.net.host(mover);
            SwitchPort old = new SwitchPort(f.dpid("s3x3"), m.port());
            for (String other : List.of("h1x1", "h2x4", "h4x2")) {
                assertTrue(f.net.ping(other, mover).success());
            }
            assertFalse(flowsTo(f, m.mac()).isEmpty(), "paths towards the host are installed");
            long t0 = System.nanoTime();
            OFPort newPort = f.net.moveHost(mover, "s1x2", null);
            long announced = System.nanoTime();
            Delivery garp = f.net.gratuitousArp(mover);
            EventLog.Entry entry = f.events.await(HostMoved.class, e -> e.host().mac().equals(m.mac()), t0,
                    Duration.ofSeconds(5)).orElseThrow(() -> new AssertionError("no HostMoved; gARP " + garp));
            HostMoved moved = (HostMoved) entry.event();
            SwitchPort now = new SwitchPort(f.dpid("s1x2"), newPort);
            assertEquals(old, moved.previous());
            assertEquals(now, moved.host().location());
            assertEquals(now, f.hosts.get(m.mac(), VlanVid.ZERO).orElseThrow().location());
            // No entry anywhere still leads to the old place (the deletes are sent on the control lane).
            SimFixture.await(() -> flowsTo(f, m.mac()).isEmpty(), Duration.ofSeconds(5), "old entries deleted");
            for (String other : List.of("h1x1", "h2x4", "h4x2")) {
                PingResult p = f.net.ping(other, mover);
                assertTrue(p.success(), () -> other + ": " + p);
            }
            List<String> where = flowsTo(f, m.mac());
            assertFalse(where.isEmpty());
            assertTrue(where.stream().noneMatch(s -> s.startsWith("s3x3 ")), () -> "towards the old place: " + where);
            assertTrue(where.stream().anyMatch(s -> s.equals("s1x2 " + newPort)), () -> where.toString());
            System.out.printf("[sim] torus,4,4: %s moved s3x3 -> s1x2: HostMoved %.1f ms after its gratuitous ARP; "
                    + "entries to it now: %s%n", mover, (entry.nanos() - announced) / 1e6, where);
        }
    }

    @Test
    void lldpNeverReachesAppsAndForgedProbesCreateNoLinks() throws Exception {
        TopologySettings fast = SETTINGS.withProbeInterval(Duration.ofMillis(100)).withLinkTimeout(Duration.ofSeconds(2));
        try (SimFixture f = new SimFixture("ring,4", OFVersion.OF_13, fast)) {
            long handled = handled(f, "forwarding");
            long received = f.topology.probesReceived();
            SimFixture.await(() -> f.topology.probesReceived() > received + 40, Duration.ofSeconds(5),
                    "probes keep coming");
            assertEquals(handled, handled(f, "forwarding"), "no probe reached the forwarding app");
            Set<Link> links = Set.copyOf(f.current().links());

            // h1 got s1's probes on its port; it sends one back tampered to claim s3's port 3.
            byte[] probe = f.net.received("h1").stream().filter(fr -> fr.length > 13 && fr[12] == (byte) 0x88
                    && fr[13] == (byte) 0xcc).reduce((x, y) -> y).orElseThrow();
            byte[] forged = probe.clone();
            java.nio.ByteBuffer.wrap(forged).putLong(14 + 3, f.dpid("s3").getLong());
            f.net.trace("h1", forged);
            // A probe from another controller, and plain LLDP from a server's lldpd.
            byte[] foreign = new dev.weft.core.topology.LinkProbes().encode(f.dpid("s3"), OFPort.of(3),
                    MacAddress.of("02:00:00:00:03:03"), System.currentTimeMillis());
            f.net.trace("h2", foreign);
            // Replayed back into the port it came from: a link from a port to itself is not a link.
            f.net.trace("h1", probe);
            f.net.sync();
            SimFixture.await(() -> f.topology.probesRejected(dev.weft.core.topology.LinkProbes.Rejection.FORGED) >= 1
                    && f.topology.probesRejected(dev.weft.core.topology.LinkProbes.Rejection.FOREIGN) >= 1,
                    Duration.ofSeconds(5), "rejections counted");
            TimeUnit.MILLISECONDS.sleep(300);
            assertEquals(links, Set.copyOf(f.current().links()));
            assertEquals(handled, handled(f, "forwarding"));
            assertTrue(f.hosts.get(MacAddress.of("02:00:00:00:03:03")).isEmpty(), "LLDP senders are not hosts");
            // Every network event so far came on the control thread.
            assertTrue(f.events.entries().stream().allMatch(e -> e.thread().startsWith("weft-control")),
                    () -> f.events.entries().stream().map(EventLog.Entry::thread).collect(Collectors.toSet())
                            .toString());
        }
    }

    private static long handled(SimFixture f, String app) {
        return f.weft.apps().stream().filter(h -> h.name().equals(app)).mapToLong(h -> h.handled()).sum();
    }

    private static byte[] echo(SimFixture f, String a, String b, int seq) {
        SimHost x = f.net.host(a);
        SimHost y = f.net.host(b);
        return dev.weft.sim.packet.Frames.from(x.mac(), x.ip()).to(y.mac(), y.ip()).echoRequest(1, seq);
    }

    /** "switch port" of every forwarding entry (any switch) whose destination is {@code mac}. */
    private static List<String> flowsTo(SimFixture f, MacAddress mac) {
        return f.net.switches().stream().flatMap(s -> f.net.flows(s.name()).stream()
                        .filter(fl -> AppCookie.ownedBy(fl.cookie(), (int) FORWARDING))
                        .filter(fl -> mac.equals(fl.match().get(MatchField.ETH_DST)))
                        .flatMap(fl -> SimFixture.outputs(fl).stream().map(p -> s.name() + " " + p)))
                .sorted().toList();
    }

    private static void assertNoOutput(SimFixture f, String sw, OFPort port) {
        for (FlowSnapshot fl : f.net.flows(sw)) {
            if (AppCookie.ownedBy(fl.cookie(), (int) FORWARDING)) {
                assertFalse(SimFixture.outputs(fl).contains(port), () -> sw + " still sends to " + port + ": "
                        + fl.describe());
            }
        }
    }
}
