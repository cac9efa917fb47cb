package dev.weft.testbed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.ovs.RequiresOvs;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The testbed's steady pinger ({@value BackgroundPing#STEADY}) keeps the interval it is asked
 * for, which iputils' ping does not at 10 ms (it sent every 16 ms on the test machines), and its
 * output reads as ping's: the migration measurements time moves against its requests. On the
 * loopback of a namespace this test makes and removes.
 */
@RequiresOvs(tools = {"ip", "python3"})
class SteadyPingTest {
  private final String ns = "weft-steady-" + Long.toHexString(System.nanoTime() & 0xffffff);

  @BeforeEach
  void namespace() {
    Exec.Out add = Exec.run(Duration.ofSeconds(10), "ip", "netns", "add", ns);
    assertTrue(add.ok(), add::both);
    Exec.Out up = Exec.run(Duration.ofSeconds(10), "ip", "netns", "exec", ns, "ip", "link", "set", "lo", "up");
    assertTrue(up.ok(), up::both);
  }

  @AfterEach
  void remove() {
    Exec.run(Duration.ofSeconds(10), "ip", "netns", "del", ns);
  }

  @Test
  void sendsEveryTenMillisecondsAndReadsAsPing() throws Exception {
    BackgroundPing p = new BackgroundPing("lo", ns, "127.0.0.1", Duration.ofMillis(10), Duration.ofSeconds(10),
        Testbed.repoFile(BackgroundPing.STEADY));
    try {
      long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      while (p.repliesSoFar() < 60 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      // Requests sent less than a second before the stop are left out as possibly in flight.
      Thread.sleep(BackgroundPing.IN_FLIGHT.toMillis() + 200);
    } finally {
      p.stop();
    }
    PingTrace t = p.stop();
    List<PingTrace.Probe> probes = t.probes();
    assertTrue(probes.size() >= 60, () -> probes.size() + " probes: " + t.raw());
    assertEquals(probes.size(), t.received(), () -> "every request on loopback answered: " + t.raw());
    for (int i = 0; i < probes.size(); i++) {
      assertEquals(i + 1, probes.get(i).seq(), "sequence numbers from 1, none skipped");
    }
    // The gaps between requests, from the send times the parser derives (reply time - rtt).
    double[] gaps = new double[probes.size() - 1];
    for (int i = 1; i < probes.size(); i++) {
      gaps[i - 1] = (probes.get(i).sentAtMicros() - probes.get(i - 1).sentAtMicros()) / 1e3;
    }
    Arrays.sort(gaps);
    double median = gaps[gaps.length / 2];
    double span = (probes.get(probes.size() - 1).sentAtMicros() - probes.get(0).sentAtMicros()) / 1e3;
    double mean = span / (probes.size() - 1);
    // Not a timing target: 16 ms (iputils' ping at -i 0.01) fails both, a loaded machine's
    // scheduling jitter of a few ms passes (the next request is due at start + n x interval).
    assertTrue(Math.abs(median - 10) < 2, () -> "median gap " + median + " ms: " + t.raw());
    assertTrue(Math.abs(mean - 10) < 1, () -> "mean gap " + mean + " ms: " + t.raw());
  }

  @Test
  void unansweredRequestsAreTimedFromTheirNoAnswerLines() throws Exception {
    // A veth pair inside the namespace, the far end without an address: ARP for 10.99.0.2 goes
    // unanswered, so every request is lost (nothing leaves the namespace).
    for (String[] cmd : List.of(new String[] {"ip", "link", "add", "va", "type", "veth", "peer", "name", "vb"},
        new String[] {"ip", "addr", "add", "10.99.0.1/24", "dev", "va"}, new String[] {"ip", "link", "set", "va", "up"},
        new String[] {"ip", "link", "set", "vb", "up"})) {
      String[] full = new String[cmd.length + 4];
      full[0] = "ip";
      full[1] = "netns";
      full[2] = "exec";
      full[3] = ns;
      System.arraycopy(cmd, 0, full, 4, cmd.length);
      Exec.Out o = Exec.run(Duration.ofSeconds(10), full);
      assertTrue(o.ok(), o::both);
    }
    BackgroundPing p = new BackgroundPing("lo", ns, "10.99.0.2", Duration.ofMillis(10), Duration.ofSeconds(10),
        Testbed.repoFile(BackgroundPing.STEADY));
    PingTrace t;
    try {
      long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      while (p.answeredSoFar() < 40 + 100 && System.nanoTime() < deadline) { // lines: 1 s in flight + 40
        Thread.sleep(20);
      }
    } finally {
      t = p.stop();
    }
    List<PingTrace.Probe> probes = t.probes();
    assertTrue(probes.size() >= 40, () -> probes.size() + " probes: " + t.raw());
    assertEquals(0, t.received(), t::raw);
    double span = (probes.get(probes.size() - 1).sentAtMicros() - probes.get(0).sentAtMicros()) / 1e3;
    double mean = span / (probes.size() - 1);
    assertTrue(Math.abs(mean - 10) < 1, () -> "mean gap of lost requests " + mean + " ms: " + t.raw());
  }
}
