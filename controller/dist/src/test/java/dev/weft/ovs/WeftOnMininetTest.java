package dev.weft.ovs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.weft.api.AppCookie;
import dev.weft.core.app.AppCookies;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Weft with its learning switch on real Open vSwitch (userspace datapath) under Mininet:
 * pingall, the learned entries in the switch's flow table, and a controller restart that the
 * switches survive by reconnecting on their own.
 *
 * <p>The restart case found a real bug: on OpenFlow 1.0 the first ping after a reconnect was
 * sometimes lost, because Open vSwitch kept datapath flows (cached while it had no controller)
 * that drop table misses until something changed the flow table. The handshake now installs
 * an explicit table-miss entry on every version.
 */
@RequiresOvs
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class WeftOnMininetTest {
  private static final Duration START = Duration.ofSeconds(60);
  private static final Duration CONNECT = Duration.ofSeconds(20);
  private static final Duration PER_PING = Duration.ofSeconds(2);
  /** Short, so that after the restart traffic must go through the new controller again. */
  private static final int IDLE_TIMEOUT_S = 2;

  @ParameterizedTest(name = "{0} over {3}")
  @CsvSource({"'tree,2', 3, 4, OpenFlow13", "'tree,2', 3, 4, OpenFlow10", "'linear,4', 4, 4, OpenFlow13",
      "'linear,4', 4, 4, OpenFlow10"})
  void pingallLearnsAndSurvivesARestart(String topo, int switches, int hosts, String protocol)
      throws Exception {
    int pairs = hosts * (hosts - 1);
    var cfg = JsonNodeFactory.instance.objectNode().put("idle-timeout", IDLE_TIMEOUT_S + "s");
    Timings t = new Timings("weft " + topo + " " + protocol);
    String prefix;
    try (WeftUnderTest weft = new WeftUnderTest(List.of("learning-switch"),
        Map.of("learning-switch", cfg))) {
      t.run("weft start", weft::start);
      MininetSession mn = t.get("topology up",
          () -> MininetSession.start(topo, protocol, weft.port(), START));
      prefix = mn.prefix();
      try {
        assertEquals(switches, mn.switches().size());
        assertTrue(t.get("switches active in weft", () -> weft.awaitSwitches(switches, CONNECT)),
            () -> "weft sees " + weft.controller().switches().all().size() + " switches");
        weft.controller().switches().all().forEach(sw -> assertEquals(
            protocol.equals("OpenFlow13") ? "OF_13" : "OF_10", sw.version().name()));

        PingResult first = t.get("pingall", () -> mn.pingAll(PER_PING));
        System.out.printf("[ovs] weft %s %s pingall:%n%s%n", topo, protocol,
            first.raw().stripTrailing());
        assertEquals(pairs, first.sent(), first::toString);
        assertEquals(0.0, first.droppedPercent(), first::toString);

        // The learned entries are in the switch, marked with the learning switch's cookie.
        String cookie = "cookie=0x" + Long.toHexString(
            new AppCookie(AppCookies.idFor("learning-switch"), 0, 0).toU64().getValue());
        List<String> flows = mn.dumpFlows("s1");
        List<String> learned = flows.stream().filter(f -> f.contains(cookie) && f.contains("dl_dst="))
            .collect(Collectors.toList());
        System.out.printf("[ovs] weft %s %s s1: %d flows, %d learned by weft, e.g. %s%n", topo,
            protocol, flows.size(), learned.size(), learned.isEmpty() ? "-" : learned.get(0));
        assertFalse(learned.isEmpty(), () -> "no learned flows on s1: " + flows);

        t.run("weft stop", weft::stop);
        assertTrue(t.get("switches saw disconnect", () -> mn.waitDisconnected(CONNECT)),
            () -> "still connected: " + mn.connected());
        // Let the learned entries expire, so the next pings need the new controller.
        TimeUnit.SECONDS.sleep(IDLE_TIMEOUT_S + 1);
        t.run("weft restart", weft::start);
        assertTrue(t.get("switches reconnected to weft", () -> weft.awaitSwitches(switches, CONNECT)),
            () -> "weft sees " + weft.controller().switches().all().size() + " switches");
        PingResult second = t.get("pingall after restart", () -> mn.pingAll(PER_PING));
        System.out.printf("[ovs] weft %s %s pingall after restart:%n%s%n", topo, protocol,
            second.raw().stripTrailing());
        if (second.droppedPercent() > 0) {
          // Diagnostics: what the switches held when a ping was lost.
          for (MininetSession.SwitchInfo sw : mn.switches()) {
            System.out.printf("[ovs] %s flows: %s%n", sw.name(), mn.dumpFlows(sw.name()));
          }
        }
        assertEquals(0.0, second.droppedPercent(), second::toString);
        assertTrue(weft.handled("learning-switch") > 0,
            "the restarted controller forwarded the new traffic");
      } finally {
        t.run("teardown", mn::close);
      }
    } finally {
      t.print();
    }
    OvsHarnessSelfTest.assertNoLeftovers(prefix);
  }
}
