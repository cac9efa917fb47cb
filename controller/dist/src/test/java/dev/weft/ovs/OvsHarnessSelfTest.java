package dev.weft.ovs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Proves the Open vSwitch harness against a known-good controller, {@code ovs-testcontroller}.
 * To run the same checks against Weft, copy this class and change {@link #newController()}.
 */
@RequiresOvs(tools = "ovs-testcontroller")
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class OvsHarnessSelfTest {
  private static final Duration START = Duration.ofSeconds(60);
  private static final Duration CONNECT = Duration.ofSeconds(20);
  private static final Duration PER_PING = Duration.ofSeconds(2);

  /** The controller under test, on a free loopback port. */
  static ControllerUnderTest newController() {
    return new OvsTestController();
  }

  @ParameterizedTest(name = "tree,2 over {0}")
  @ValueSource(strings = {"OpenFlow13", "OpenFlow10"})
  void treePingsLearnsAndSurvivesControllerRestart(String protocol) throws Exception {
    Timings t = new Timings("tree,2 " + protocol);
    String prefix;
    try (ControllerUnderTest controller = newController()) {
      t.run("controller start", controller::start);
      MininetSession mn = t.get("topology up",
          () -> MininetSession.start("tree,2", protocol, controller.port(), START));
      prefix = mn.prefix();
      try {
        t.note("driver build/start", mn.startInfo().get("timing_ms").toString());
        assertEquals(3, mn.switches().size());
        assertEquals(4, mn.hosts().size());
        assertEquals("[" + protocol + "]",
            mn.vsctl("get", "bridge", mn.bridge("s1"), "protocols").strip());

        assertTrue(t.get("switches connected", () -> mn.waitConnected(CONNECT)),
            () -> "switches not connected: " + mn.connected());
        PingResult first = t.get("pingall", () -> mn.pingAll(PER_PING));
        System.out.printf("[ovs] %s pingall:%n%s%n", protocol, first.raw().stripTrailing());
        assertEquals(12, first.sent(), first::toString);
        assertTrue(first.allReceived(), first::toString);
        assertEquals(0.0, first.droppedPercent(), first::toString);

        List<String> flows = t.get("dump-flows s1", () -> mn.dumpFlows("s1"));
        List<String> learned = flows.stream().filter(f -> f.contains("dl_dst="))
            .collect(Collectors.toList());
        System.out.printf("[ovs] %s s1: %d flows, %d learned, e.g. %s%n", protocol,
            flows.size(), learned.size(), learned.isEmpty() ? "-" : learned.get(0));
        assertFalse(learned.isEmpty(), () -> "no learned flows on s1: " + flows);

        t.run("controller stop", controller::stop);
        assertTrue(t.get("switches saw disconnect", () -> mn.waitDisconnected(CONNECT)),
            () -> "still connected: " + mn.connected());
        t.run("controller restart", controller::start);
        assertTrue(t.get("switches reconnected", () -> mn.waitConnected(CONNECT)),
            () -> "switches did not reconnect: " + mn.connected());
        t.note("s1 flows after reconnect", Integer.toString(mn.dumpFlows("s1").size()));
        PingResult second = t.get("pingall after restart", () -> mn.pingAll(PER_PING));
        System.out.printf("[ovs] %s pingall after controller restart:%n%s%n", protocol,
            second.raw().stripTrailing());
        assertTrue(second.allReceived(), second::toString);
        assertEquals(0.0, second.droppedPercent(), second::toString);

        t.run("link s1-s2 down", () -> mn.link("s1", "s2", false));
        PingResult cut = t.get("ping h1 h3 (link down)",
            () -> mn.ping("h1", "h3", Duration.ofMillis(500)));
        assertEquals(0, cut.received(), cut::toString);
        t.run("link s1-s2 up", () -> mn.link("s1", "s2", true));
        PingResult back = t.get("ping h1 h3 (link up)", () -> mn.ping("h1", "h3", PER_PING));
        assertTrue(back.allReceived(), back::toString);
      } finally {
        t.run("teardown", mn::close);
      }
    } finally {
      t.print();
    }
    assertNoLeftovers(prefix);
  }

  @Test
  void killedDriverLeavesOnlyWhatCleanupRemoves() throws Exception {
    Timings t = new Timings("killed driver, single,2");
    try (ControllerUnderTest controller = newController()) {
      t.run("controller start", controller::start);
      MininetSession mn = t.get("topology up",
          () -> MininetSession.start("single,2", "OpenFlow13", controller.port(), START));
      try {
        String prefix = mn.prefix();
        assertEquals(List.of(prefix + "s1"), bridgesWithPrefix(prefix));
        List<ProcessHandle> children = new ArrayList<>();
        ProcessHandle driver = ProcessHandle.of(mn.driverPid()).orElseThrow();
        driver.descendants().forEach(children::add);
        assertFalse(children.isEmpty(), "the driver should have Mininet node shells");

        t.run("SIGKILL driver", () -> {
          driver.destroyForcibly(); // as in a crash: the driver cannot clean up
          driver.onExit().get(10, TimeUnit.SECONDS);
        });
        assertEquals(List.of(prefix + "s1"), bridgesWithPrefix(prefix));
        // Mininet's node shells lose their pty and exit by themselves (they stay zombies until
        // init reaps them, which can take seconds in a container: dead is enough here).
        t.run("node shells exit", () -> {
          long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
          for (ProcessHandle c : children) {
            while (!exited(c)) {
              if (System.nanoTime() - deadline >= 0) {
                c.destroyForcibly();
                throw new AssertionError("Mininet shell " + c.pid() + " survived its driver");
              }
              Thread.sleep(20);
            }
          }
        });

        Map<String, Object> removed = t.get("cleanupStale",
            () -> MininetSession.cleanupStale(prefix));
        System.out.printf("[ovs] cleanup after a killed driver: %s%n", removed);
        assertTrue(removed.containsKey(prefix), removed::toString);
        assertNoLeftovers(prefix);
      } finally {
        t.run("close", mn::close);
        t.print();
      }
    }
  }

  // ---- helpers -------------------------------------------------------------------------------

  /** Gone, or a zombie (dead, not yet reaped by its new parent). */
  static boolean exited(ProcessHandle p) {
    if (!p.isAlive()) {
      return true;
    }
    try {
      String stat = Files.readString(Path.of("/proc/" + p.pid() + "/stat"));
      return stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
    } catch (java.io.IOException e) {
      return true;
    }
  }

  static List<String> bridgesWithPrefix(String prefix) {
    Processes.Result r = Processes.run(Duration.ofSeconds(10), "ovs-vsctl", "--timeout=5",
        "list-br");
    assertTrue(r.ok(), r::output);
    return Arrays.stream(r.output().split("\\s+")).filter(b -> b.startsWith(prefix))
        .collect(Collectors.toList());
  }

  static List<String> linksWithPrefix(String prefix) {
    Processes.Result r = Processes.run(Duration.ofSeconds(10), "ip", "-o", "link", "show");
    assertTrue(r.ok(), r::output);
    return Arrays.stream(r.output().split("\n"))
        .map(l -> l.replaceFirst("^\\d+:\\s+([^:@\\s]+).*$", "$1"))
        .filter(n -> n.startsWith(prefix)).collect(Collectors.toList());
  }

  static void assertNoLeftovers(String prefix) {
    assertEquals(List.of(), bridgesWithPrefix(prefix), "bridges left behind");
    assertEquals(List.of(), linksWithPrefix(prefix), "interfaces left behind");
    assertFalse(Files.exists(Path.of("/run/weft-mn", prefix + ".lock")), "lock file left");
  }
}
