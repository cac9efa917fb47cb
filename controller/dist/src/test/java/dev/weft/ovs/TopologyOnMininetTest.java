package dev.weft.ovs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.api.event.LinkRemoved;
import dev.weft.api.topology.Link;
import dev.weft.api.topology.PortRole;
import dev.weft.api.topology.SwitchPort;
import dev.weft.api.topology.Topology;
import dev.weft.api.topology.TopologyService;
import dev.weft.topology.EventLog;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.OFPort;

/**
 * Discovery and the forwarding app on real Open vSwitch (userspace datapath) under Mininet, on a
 * network with loops: {@code torus,3,3} (9 switches, 18 cables, every switch in four rings),
 * OpenFlow 1.3. Every link is found, pingall loses nothing, and after {@code link s1x1 s1x2
 * down} pingall still loses nothing. Prints the discovery and reroute times.
 */
@RequiresOvs
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class TopologyOnMininetTest {
  private static final Duration START = Duration.ofSeconds(90);
  private static final Duration CONNECT = Duration.ofSeconds(30);
  private static final Duration PER_PING = Duration.ofSeconds(2);

  @Test
  void torusPingallSurvivesALinkDown() throws Exception {
    Timings t = new Timings("weft forwarding torus,3,3 OpenFlow13");
    String prefix;
    try (WeftUnderTest weft = new WeftUnderTest(List.of("event-log", "forwarding"), Map.of())) {
      t.run("weft start", weft::start);
      MininetSession mn = t.get("topology up",
          () -> MininetSession.start("torus,3,3", "OpenFlow13", weft.port(), START));
      prefix = mn.prefix();
      try {
        TopologyService topo =
            weft.controller().service(TopologyService.class).orElseThrow();
        EventLog events = EventLog.last();
        Set<Link> expected = switchLinks(mn);
        assertEquals(36, expected.size(), "torus,3,3: 18 cables, 36 directed links");

        assertTrue(weft.awaitSwitches(9, CONNECT),
            () -> "weft sees " + weft.controller().switches().all().size() + " switches");
        long connected = System.nanoTime();
        assertTrue(WeftUnderTest.await(() -> topo.current().links().equals(expected), CONNECT),
            () -> "links known: " + topo.current().links().size() + " of 36: " + topo.current());
        long discovered = System.nanoTime();
        assertTrue(WeftUnderTest.await(() -> settled(topo.current(), 9), CONNECT),
            () -> "edge ports not settled: " + topo.current());
        long settled = System.nanoTime();
        java.time.Instant lastLink = events.lastLinkAdded();
        List<java.time.Instant> since = weft.controller().switches().all().stream()
            .map(dev.weft.api.Switch::connectedSince).sorted().toList();
        long fromLast = Duration.between(since.get(since.size() - 1), lastLink).toNanos();
        long fromFirst = Duration.between(since.get(0), lastLink).toNanos();
        t.note("discovery (9th switch connected -> 36th link)", ms(fromLast));
        t.note("discovery (1st switch connected -> 36th link)", ms(fromFirst));
        t.note("edge ports settled after the 9th switch", ms(settled - connected));
        System.out.printf("[ovs] weft torus,3,3: all 36 links known %s after the 9th switch "
                + "connected, %s after the 1st (switches connected over %s); polled: %s; %s%n",
            ms(fromLast), ms(fromFirst), ms(fromFirst - fromLast), ms(discovered - connected),
            topo.current());

        PingResult first = t.get("pingall", () -> mn.pingAll(PER_PING));
        System.out.printf("[ovs] weft forwarding torus,3,3 OpenFlow13 pingall:%n%s%n",
            first.raw().stripTrailing());
        assertEquals(72, first.sent(), first::toString);
        assertEquals(0.0, first.droppedPercent(), first::toString);

        // Take the direct cable between s1x1 and s1x2 down.
        DatapathId s11 = dpid(mn, "s1x1");
        DatapathId s12 = dpid(mn, "s1x2");
        long down = System.nanoTime();
        t.run("link s1x1 s1x2 down", () -> mn.link("s1x1", "s1x2", false));
        long commandDone = System.nanoTime();
        // Ping at once (not waiting for Weft): how long the hosts are cut off.
        PingResult p = null;
        int attempts = 0;
        while ((p == null || !p.allReceived()) && attempts++ < 40) {
          p = mn.ping("h1x1", "h1x2", Duration.ofMillis(100));
        }
        long pinged = System.nanoTime();
        assertTrue(p.allReceived(), p::toString);
        var removed = events.await(LinkRemoved.class,
            e -> e.link().src().dpid().equals(s11) && e.link().dst().dpid().equals(s12), down,
            Duration.ofSeconds(15));
        assertTrue(removed.isPresent(), () -> "no LinkRemoved s1x1 -> s1x2; " + topo.current());
        assertTrue(topo.current().links().stream().noneMatch(l -> joins(l, s11, s12)));
        t.note("link down command", ms(commandDone - down));
        t.note("link down -> LinkRemoved in weft", ms(removed.get().nanos() - down));
        t.note("link down -> h1x1<->h1x2 ping ok", ms(pinged - down) + " (" + attempts + " pings)");
        System.out.printf("[ovs] weft torus,3,3: link s1x1-s1x2 down; LinkRemoved %s after the "
                + "command started (command took %s); h1x1 <-> h1x2 ping ok %s after it "
                + "(attempt %d)%n", ms(removed.get().nanos() - down), ms(commandDone - down),
            ms(pinged - down), attempts);

        PingResult second = t.get("pingall after link down", () -> mn.pingAll(PER_PING));
        System.out.printf("[ovs] weft forwarding torus,3,3 OpenFlow13 pingall after link s1x1 s1x2 "
            + "down:%n%s%n", second.raw().stripTrailing());
        assertEquals(0.0, second.droppedPercent(), second::toString);
        // Nothing of forwarding's still sends into the dead cable.
        String[] dead = deadPort(mn, "s1x1", "s1x2");
        List<String> flows = mn.dumpFlows("s1x1");
        List<String> into = flows.stream().filter(f -> outputsTo(f, dead)).toList();
        System.out.printf("[ovs] s1x1 after the link down: %d entries, e.g. %s%n", flows.size(),
            flows.stream().filter(f -> f.contains("dl_dst=")).findFirst().orElse("-"));
        assertTrue(into.isEmpty(), () -> "entries into the dead link: " + into);
        assertFalse(flows.isEmpty());
      } finally {
        t.run("teardown", mn::close);
      }
    } finally {
      t.print();
    }
    OvsHarnessSelfTest.assertNoLeftovers(prefix);
  }

  /** Where the learning switch works (trees), forwarding works too, in both OpenFlow versions. */
  @ParameterizedTest(name = "{0} over {1}")
  @CsvSource({"'linear,4', OpenFlow10, 4, 4"})
  void loopFreePingall(String topology, String protocol, int switches, int hosts) throws Exception {
    Timings t = new Timings("weft forwarding " + topology + " "
        + protocol);
    String prefix;
    try (WeftUnderTest weft = new WeftUnderTest(List.of("forwarding"), Map.of())) {
      t.run("weft start", weft::start);
      MininetSession mn = t.get("topology up",
          () -> MininetSession.start(topology, protocol, weft.port(), START));
      prefix = mn.prefix();
      try {
        TopologyService topo = weft.controller().service(TopologyService.class).orElseThrow();
        Set<Link> expected = switchLinks(mn);
        assertTrue(weft.awaitSwitches(switches, CONNECT));
        assertTrue(WeftUnderTest.await(() -> topo.current().links().equals(expected)
            && settled(topo.current(), hosts), CONNECT), () -> "not discovered: " + topo.current());
        PingResult r = t.get("pingall", () -> mn.pingAll(PER_PING));
        System.out.printf("[ovs] weft forwarding %s %s pingall:%n%s%n", topology, protocol,
            r.raw().stripTrailing());
        assertEquals(hosts * (hosts - 1), r.sent(), r::toString);
        assertEquals(0.0, r.droppedPercent(), r::toString);
      } finally {
        t.run("teardown", mn::close);
      }
    } finally {
      t.print();
    }
    OvsHarnessSelfTest.assertNoLeftovers(prefix);
  }

  private static String ms(long nanos) {
    return String.format("%.0f ms", nanos / 1e6);
  }

  private static boolean joins(Link l, DatapathId a, DatapathId b) {
    return (l.src().dpid().equals(a) && l.dst().dpid().equals(b))
        || (l.src().dpid().equals(b) && l.dst().dpid().equals(a));
  }

  private static boolean settled(Topology t, int hosts) {
    return t.edgePorts().size() == hosts && t.switches().stream()
        .allMatch(d -> t.ports(d).values().stream().noneMatch(r -> r == PortRole.PENDING));
  }

  static DatapathId dpid(MininetSession mn, String sw) {
    return DatapathId.of(Long.parseUnsignedLong(mn.switches().stream()
        .filter(s -> s.name().equals(sw)).findFirst().orElseThrow().dpid(), 16));
  }

  /** The switch-to-switch links of the Mininet network, both directions, as Weft links. */
  @SuppressWarnings("unchecked")
  static Set<Link> switchLinks(MininetSession mn) {
    Map<String, DatapathId> dpids = new HashMap<>();
    mn.switches().forEach(s -> dpids.put(s.name(), dpid(mn, s.name())));
    Set<Link> links = new HashSet<>();
    for (Object o : (List<Object>) mn.startInfo().get("links")) {
      Map<String, Object> l = (Map<String, Object>) o;
      DatapathId a = dpids.get((String) l.get("a"));
      DatapathId b = dpids.get((String) l.get("b"));
      if (a == null || b == null) {
        continue; // a host link
      }
      SwitchPort pa = new SwitchPort(a, OFPort.of(((Number) l.get("a_port")).intValue()));
      SwitchPort pb = new SwitchPort(b, OFPort.of(((Number) l.get("b_port")).intValue()));
      links.add(new Link(pa, pb));
      links.add(new Link(pb, pa));
    }
    return links;
  }

  /** Port number and interface name of {@code a}'s end of the cable to {@code b}. */
  @SuppressWarnings("unchecked")
  static String[] deadPort(MininetSession mn, String a, String b) {
    for (Object o : (List<Object>) mn.startInfo().get("links")) {
      Map<String, Object> l = (Map<String, Object>) o;
      if (a.equals(l.get("a")) && b.equals(l.get("b"))) {
        return new String[] {String.valueOf(l.get("a_port")), (String) l.get("a_intf")};
      }
      if (b.equals(l.get("a")) && a.equals(l.get("b"))) {
        return new String[] {String.valueOf(l.get("b_port")), (String) l.get("b_intf")};
      }
    }
    throw new IllegalArgumentException("no link " + a + "-" + b);
  }

  /** Whether a dump-flows line outputs to the port (by number or by name). */
  static boolean outputsTo(String flow, String[] port) {
    int i = flow.indexOf("actions=");
    if (i < 0) {
      return false;
    }
    for (String a : flow.substring(i + "actions=".length()).split(",")) {
      String x = a.trim();
      x = x.startsWith("output:") ? x.substring("output:".length()) : x;
      x = x.replace("\"", "");
      if (x.equals(port[0]) || x.equals(port[1])) {
        return true;
      }
    }
    return false;
  }
}
