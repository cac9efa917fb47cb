package dev.weft.testbed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.api.tenant.LogicalPort;
import dev.weft.api.tenant.NetworkConfig;
import dev.weft.core.Controller;
import dev.weft.core.ControllerSettings;
import dev.weft.core.config.ConfigLoader;
import dev.weft.core.config.WeftConfig;
import dev.weft.ovs.Loopback;
import dev.weft.ovs.RequiresOvs;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Weft's tenant networks on real Open vSwitch: three hypervisors (namespaces with their own
 * ovs-vswitchd, userspace datapath), real VXLAN between them, VMs as namespaces, the example
 * configuration with two tenants that use the same MAC and IP addresses.
 */
@RequiresOvs(tools = {"ovsdb-tool", "ovsdb-server", "ovs-vswitchd", "arping", "tcpdump"},
    pythonModules = "yaml")
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class TenantsOnOvsTest {
  static final Path CONFIG = Testbed.repoFile("examples/tenants/three-tenants.yaml");
  /** Twins (same MAC, same IP) share hypervisors: acme-web1 and globex-web1 are both on hv1. */
  static final Map<String, String> PLACEMENT = Map.of(
      "acme-web1", "hv1", "globex-web1", "hv1", "initech-a", "hv1",
      "acme-web2", "hv2", "globex-web2", "hv2", "acme-db1", "hv2",
      "acme-web3", "hv3", "initech-b", "hv3");

  static Controller startWeft(WeftConfig cfg, String address, int port) {
    return Controller.start(ControllerSettings.builder().config(cfg)
        .listen(List.of(new InetSocketAddress(address, port))).dispatchThreads(2).build());
  }

  static void awaitConverged(Controller weft, int vms) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (weft.tenants().locations().size() < vms) {
      assertTrue(System.nanoTime() < deadline, "located only " + weft.tenants().locations().keySet());
      Thread.sleep(20);
    }
    weft.reconciler().quiesce().get(30, TimeUnit.SECONDS);
  }

  @Test
  void sameNetworkPingsCrossTenantFailsAndBroadcastsStayHome() throws Exception {
    WeftConfig cfg = ConfigLoader.load(CONFIG);
    NetworkConfig net = cfg.network();
    int port = Loopback.freePort();
    try (Testbed tb = Testbed.up(CONFIG, "tcp:mgmt:" + port, PLACEMENT);
         Controller weft = startWeft(cfg, tb.mgmtAddress(), port)) {
      tb.connectController();
      assertTrue(tb.awaitConnected(Duration.ofSeconds(30)), () -> "not connected: " + tb.controllerStates());
      awaitConverged(weft, 8);
      // A route for everything, so that a VM tries (by ARP) to reach any address at all.
      for (var vm : tb.vms()) {
        tb.exec(vm.name(), Duration.ofSeconds(5), "ip", "route", "replace", "default", "dev", "eth0");
      }
      List<String> wrong = new ArrayList<>();
      StringBuilder report = new StringBuilder();
      for (LogicalPort a : net.ports()) {
        for (LogicalPort b : net.ports()) {
          if (a == b) {
            continue;
          }
          String ip = b.ips().get(0).toString();
          boolean same = a.segment() == b.segment();
          boolean ownNetworkHasIt = net.network(a.segment()).orElseThrow().ports().stream()
              .anyMatch(p -> p.ips().contains(b.ips().get(0)));
          if (!same && ownNetworkHasIt) {
            continue; // the address belongs to a VM of a's own network (overlap): checked by capture below
          }
          PingStats s = tb.ping(a.name(), ip, 1, 100, Duration.ofMillis(same ? 3000 : 400));
          report.append(String.format("%s -> %s (%s): %s%n", a.name(), b.name(), ip, s.received() > 0 ? "ok" : "no"));
          if (same != (s.received() > 0)) {
            wrong.add(a.name() + " -> " + b.name() + " " + ip + (same ? " failed" : " answered") + ": " + s.raw());
          }
        }
      }
      System.out.printf("[ovs] tenant pings on real Open vSwitch:%n%s", report);
      assertTrue(wrong.isEmpty(), String.join("\n", wrong));

      // Overlapping addresses: acme-web1 pings 10.0.1.12; acme-web2 gets it, globex-web2 (same IP,
      // same MAC, same hypervisor as acme-web2) sees nothing at all.
      Capture acme2 = tb.startCapture("acme-web2", "icmp", true);
      Capture globex2 = tb.startCapture("globex-web2", "", true);
      PingStats p = tb.ping("acme-web1", "10.0.1.12", 3, 100, Duration.ofSeconds(3));
      // acme's broadcasts: an ARP for an unknown address, flooded across the tunnels.
      tb.exec("acme-web1", Duration.ofSeconds(5), "arping", "-c", "3", "-w", "0.3", "-i", "eth0", "10.0.1.99");
      tb.exec("acme-web3", Duration.ofSeconds(5), "arping", "-c", "3", "-w", "0.3", "-i", "eth0", "10.0.1.98");
      Thread.sleep(300);
      List<Frame> seenByAcme2 = acme2.stop();
      List<Frame> seenByGlobex2 = globex2.stop();
      assertTrue(p.allReceived(), p::toString);
      assertTrue(seenByAcme2.size() >= 3, "acme-web2 saw the pings: " + seenByAcme2);
      assertEquals(List.of(), seenByGlobex2, "globex-web2 must see none of acme's traffic or broadcasts");
      System.out.printf("[ovs] capture: acme-web2 saw %d ICMP frames; globex-web2 saw %d frames of any kind%n",
          seenByAcme2.size(), seenByGlobex2.size());
      Capture acme3 = tb.startCapture("acme-web3", "arp", true);
      Capture globex1 = tb.startCapture("globex-web1", "", true);
      tb.exec("acme-web1", Duration.ofSeconds(5), "arping", "-c", "2", "-w", "0.3", "-i", "eth0", "10.0.1.97");
      Thread.sleep(300);
      List<Frame> a3 = acme3.stop();
      List<Frame> g1 = globex1.stop();
      assertTrue(a3.stream().anyMatch(Frame::isBroadcast), "control: acme-web3 (another hypervisor) got the broadcast");
      assertEquals(List.of(), g1, "globex-web1 (same hypervisor, same MAC/IP as the sender) got nothing");
      // Quiet network: a VM hears nothing at all, not even the controller's discovery probes
      // (longer than the probe interval).
      List<Frame> idle = tb.capture("initech-b", "", Duration.ofMillis(3500));
      assertEquals(List.of(), idle, "an idle VM receives nothing");
    }
  }

  private static final Pattern DURATION = Pattern.compile("duration=([0-9.]+)s, ");
  private static final Pattern COUNTERS = Pattern.compile("(duration|n_packets|n_bytes|idle_age|hard_age)=[^,]+, ");

  /** Each flow's identity (the line without counters) → its age in seconds. */
  static Map<String, Double> ages(List<String> flows) {
    Map<String, Double> m = new HashMap<>();
    for (String f : flows) {
      Matcher d = DURATION.matcher(f);
      if (d.find()) {
        m.put(COUNTERS.matcher(f).replaceAll("").trim(), Double.parseDouble(d.group(1)));
      }
    }
    return m;
  }

  @Test
  void killMinus9AndRestartLoseNothingAndTouchNoCorrectFlow() throws Exception {
    int port = Loopback.freePort();
    Path log = Path.of("target", "ovs-logs", "weft-kill9-" + port + ".log");
    try (Testbed tb = Testbed.up(CONFIG, "tcp:mgmt:" + port, PLACEMENT)) {
      String listen = tb.mgmtAddress() + ":" + port;
      WeftProcess weft = WeftProcess.start(log, "--config", CONFIG.toString(), "--listen", listen, "--log-level", System.getProperty("weft.kill9.log", "info"));
      try {
        assertTrue(weft.awaitLog("started", 30_000), () -> "weft did not start: " + read(log));
        tb.connectController();
        assertTrue(tb.awaitConnected(Duration.ofSeconds(30)), () -> "not connected: " + tb.controllerStates());
        // Converged: a ping across two hypervisors works.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!tb.ping("acme-web1", "10.0.1.13", 1, 100, Duration.ofMillis(500)).allReceived()) {
          assertTrue(System.nanoTime() < deadline, "no connectivity: " + read(log));
        }
        BackgroundPing ping = tb.startPing("acme-web1", "10.0.1.13", Duration.ofMillis(10), Duration.ofSeconds(60));
        ping.awaitReplies(50, Duration.ofSeconds(10));
        Map<String, Map<String, Double>> before = new HashMap<>();
        for (String hv : List.of("hv1", "hv2", "hv3")) {
          before.put(hv, ages(tb.dumpFlows(hv)));
        }
        int logLines = read(log).split("\n").length; // what the first run wrote
        Instant killed = Instant.now();
        weft.kill9();
        System.out.printf("[ovs] weft killed with SIGKILL; alive=%s%n", weft.isAlive());
        Thread.sleep(1500); // the hypervisors forward on their own (fail-mode=secure)
        Instant restarted = Instant.now();
        weft = WeftProcess.start(log, "--config", CONFIG.toString(), "--listen", listen, "--log-level", System.getProperty("weft.kill9.log", "info"));
        assertTrue(weft.awaitLog("started", 30_000), () -> "weft did not restart: " + read(log));
        // Let Open vSwitch reconnect by itself, as it would in production (its backoff is at most
        // 8 s). Not connectController(): removing a bridge's last controller flushes its flows.
        assertTrue(tb.awaitConnected(Duration.ofSeconds(30)), () -> "did not reconnect: " + tb.controllerStates());
        deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (countAdopted(read(log).lines().skip(logLines).reduce("", (a, b) -> a + b + "\n")) < 3) {
          assertTrue(System.nanoTime() < deadline, "the restarted weft did not read the flows: " + read(log));
          Thread.sleep(50);
        }
        Thread.sleep(1000);
        PingTrace trace = ping.stop();
        String weftLog = read(log).lines().skip(logLines).reduce("", (a, b) -> a + b + "\n");
        System.out.printf("[ovs] ping during kill -9 and restart: %s%n", trace);
        System.out.printf("[ovs] weft after restart:%n%s%n", weftLog.lines().filter(l -> l.contains("adopted")).reduce("", (a, b) -> a + b + "\n"));
        assertEquals(0, trace.lost(), "established traffic lost nothing: lost " + trace.lostSeqs());
        assertTrue(trace.sentBetween(killed, restarted) > 50, "the ping really ran while weft was dead");
        assertFalse(weftLog.lines().skip(0).anyMatch(l -> l.contains("to fix") && !l.contains(", 0 to fix")),
            "no entry needed fixing: " + weftLog);
        // Every flow that was there before is the same one (older now), none was deleted and re-added.
        double elapsed = java.time.Duration.between(killed, Instant.now()).toMillis() / 1000.0;
        for (String hv : List.of("hv1", "hv2", "hv3")) {
          Map<String, Double> after = ages(tb.dumpFlows(hv));
          for (var e : before.get(hv).entrySet()) {
            Double now = after.get(e.getKey());
            assertTrue(now != null, hv + " lost " + e.getKey());
            assertTrue(now >= e.getValue() + elapsed - 1.0,
                hv + " re-installed (age " + now + "s, was " + e.getValue() + "s " + elapsed + "s ago): " + e.getKey());
          }
          assertEquals(before.get(hv).keySet(), after.keySet(), hv + ": same flows");
        }
        assertTrue(countAdopted(weftLog) >= 3, "the restarted weft reported adoption: " + weftLog);
      } finally {
        weft.close();
      }
    }
  }

  static int countAdopted(String log) {
    return (int) log.lines().filter(l -> l.contains("already right (adopted)")).count();
  }

  static String read(Path p) {
    try {
      return Files.exists(p) ? Files.readString(p) : "(no log)";
    } catch (java.io.IOException e) {
      return e.toString();
    }
  }
}
