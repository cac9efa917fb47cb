package dev.weft.ovs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.api.topology.Link;
import dev.weft.api.topology.TopologyService;
import dev.weft.core.dispatch.AppHandle;
import dev.weft.core.openflow.PeerFault;
import dev.weft.core.openflow.SwitchTotals;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Issue 11 on real Open vSwitch: any host may put any frame on the wire, and its switch passes
 * it up in a PACKET_IN. Before the fix, one IPv4 frame with IP protocol 255 (scapy's
 * {@code sendp(Ether(dst='ff:ff:ff:ff:ff:ff')/IP(dst='10.0.0.2', proto=255))}) disconnected the
 * switch while Weft ran {@code learning-switch} or {@code forwarding}.
 *
 * <p>Here hosts on two switches send about 1,000 odd frames each ({@code
 * examples/ovs/odd-frames.py}: every IP protocol number 0-255, truncated and lying IPv4, TCP,
 * UDP, ICMP, ARP and IPv6 headers, VLAN stacks, a runt, LLDP with garbage, multicast and zero
 * source MACs, random frames; plus the report's scapy frame when python3-scapy is installed),
 * first into empty flow tables (everything reaches the controller), then again after a pingall.
 * Every switch stays on its first connection (no reconnect), Open vSwitch says it is connected,
 * no app handler failed, the unparsable frames were counted, and pingall is 0% lost before and
 * after.
 */
@RequiresOvs
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class OddFramesOnMininetTest {
  private static final Duration START = Duration.ofSeconds(60);
  private static final Duration CONNECT = Duration.ofSeconds(30);
  private static final Duration PER_PING = Duration.ofSeconds(2);
  private static final Duration SEND = Duration.ofSeconds(90);

  @ParameterizedTest(name = "{0} on {1} over {2}")
  @CsvSource({"learning-switch, 'tree,2', OpenFlow13, 3", "learning-switch, 'tree,2', OpenFlow10, 3",
      "forwarding, 'tree,2', OpenFlow13, 3", "forwarding, 'linear,4', OpenFlow10, 4"})
  void oddFramesNeitherDisconnectASwitchNorBreakForwarding(String app, String topo,
      String protocol, int switches) throws Exception {
    int hosts = 4;
    Timings t = new Timings("weft " + app + " " + topo + " " + protocol + " odd frames");
    String prefix;
    try (WeftUnderTest weft = new WeftUnderTest(List.of(app), Map.of())) {
      t.run("weft start", weft::start);
      MininetSession mn = t.get("topology up",
          () -> MininetSession.start(topo, protocol, weft.port(), START));
      prefix = mn.prefix();
      try {
        assertTrue(t.get("switches active in weft", () -> weft.awaitSwitches(switches, CONNECT)),
            () -> "weft sees " + weft.controller().switches().all().size() + " switches");
        if (app.equals("forwarding")) {
          TopologyService topology =
              weft.controller().service(TopologyService.class).orElseThrow();
          Set<Link> expected = TopologyOnMininetTest.switchLinks(mn);
          assertTrue(WeftUnderTest.await(() -> topology.current().links().equals(expected),
              CONNECT), () -> "links not discovered: " + topology.current());
        }

        long unparsedBefore = unparsed(weft);
        sendOddFrames(mn, t, "cold tables");
        // Each switch's messages are handled in order on its lane: the faults are counted
        // once the switch's frames arrived there; wait for that event, not for a time.
        assertTrue(WeftUnderTest.await(() -> unparsed(weft) > unparsedBefore, CONNECT),
            () -> "no unparsable frame counted: " + faults(weft));
        assertStillConnected(weft, mn, switches, app);

        PingResult first = t.get("pingall", () -> mn.pingAll(PER_PING));
        System.out.printf("[ovs] weft %s %s %s pingall after odd frames:%n%s%n", app, topo,
            protocol, first.raw().stripTrailing());
        if (first.droppedPercent() > 0) {
          for (MininetSession.SwitchInfo sw : mn.switches()) {
            System.out.printf("[ovs] %s flows: %s%n", sw.name(), mn.dumpFlows(sw.name()));
          }
          PingResult retry = mn.pingAll(PER_PING);
          System.out.printf("[ovs] pingall again: %s%n", retry.raw().stripTrailing());
        }
        assertEquals(hosts * (hosts - 1), first.sent(), first::toString);
        assertEquals(0.0, first.droppedPercent(), first::toString);

        sendOddFrames(mn, t, "warm tables");
        assertStillConnected(weft, mn, switches, app);
        PingResult second = t.get("pingall again", () -> mn.pingAll(PER_PING));
        assertEquals(0.0, second.droppedPercent(), second::toString);
        assertStillConnected(weft, mn, switches, app);
        System.out.printf("[ovs] weft %s %s %s: peer faults counted per kind %s; %s handled %d "
            + "events, %d failures%n", app, topo, protocol, faults(weft), app, weft.handled(app),
            failures(weft, app));
      } finally {
        t.run("teardown", mn::close);
      }
    } finally {
      t.print();
    }
    OvsHarnessSelfTest.assertNoLeftovers(prefix);
  }

  private static void sendOddFrames(MininetSession mn, Timings t, String when) throws Exception {
    for (String[] pair : List.of(new String[] {"h1", "h4"}, new String[] {"h4", "h1"})) {
      Map<String, Object> sent = t.get("send-frames " + pair[0] + " (" + when + ")",
          () -> mn.command(SEND, "send-frames", pair[0], pair[1], "3"));
      System.out.printf("[ovs] %s -> %s (%s): %s frames, scapy %s%n", pair[0], pair[1], when,
          sent.get("total"), sent.get("scapy"));
      assertTrue(((Number) sent.get("total")).intValue() >= 900, sent::toString);
    }
  }

  private static void assertStillConnected(WeftUnderTest weft, MininetSession mn, int switches,
      String app) throws InterruptedException {
    assertEquals(switches, weft.controller().switches().all().size(), "switches connected");
    for (SwitchTotals s : weft.controller().switchTotals()) {
      assertTrue(s.connected(), () -> s.dpid() + " disconnected");
      assertEquals(1, s.connections(), () -> s.dpid() + " reconnected: " + s);
      assertEquals(0, s.peerFaults().get(PeerFault.BROKEN_FRAMING), () -> s.dpid() + ": " + s);
    }
    assertTrue(mn.waitConnected(CONNECT), () -> "Open vSwitch: " + mn.connected());
    assertEquals(0, failures(weft, app), app + " handlers threw");
  }

  private static long unparsed(WeftUnderTest weft) {
    return weft.controller().switchTotals().stream()
        .mapToLong(s -> s.peerFaults().get(PeerFault.UNPARSED_FRAME)).sum();
  }

  private static Map<PeerFault, Long> faults(WeftUnderTest weft) {
    return weft.controller().switchTotals().stream()
        .flatMap(s -> s.peerFaults().entrySet().stream())
        .filter(e -> e.getValue() > 0)
        .collect(Collectors.groupingBy(Map.Entry::getKey, Collectors.summingLong(Map.Entry::getValue)));
  }

  private static long failures(WeftUnderTest weft, String app) {
    return weft.controller().apps().stream().filter(a -> a.name().equals(app))
        .mapToLong(AppHandle::failures).sum();
  }
}
