package dev.weft.testbed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.api.tenant.Migration;
import dev.weft.apps.mobility.api.MobilityService;
import dev.weft.api.tenant.PortLocation;
import dev.weft.core.Controller;
import dev.weft.core.config.ConfigLoader;
import dev.weft.core.config.WeftConfig;
import dev.weft.ovs.Loopback;
import dev.weft.ovs.RequiresOvs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * VM migration on real Open vSwitch (OVS-TESTBED.md, "Migration"): acme-web3 on hv3 pings
 * acme-web1 every 10 ms while acme-web1 is moved 20 times between hv1 and hv2 the way a
 * hypervisor does it (port deleted, veth moved, port re-added under the same name, gratuitous
 * ARP). Per move: pings lost in all, pings lost after the new port appeared (what the controller
 * can influence), and the convergence Weft measured (PORT_STATUS ADD arrival to the last barrier
 * reply of every switch the move changed).
 */
@RequiresOvs(tools = {"ovsdb-tool", "ovsdb-server", "ovs-vswitchd", "arping", "ping"},
    pythonModules = "yaml")
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class MigrationOnOvsTest {
  static final int MOVES = 20;
  static final Map<String, String> PLACEMENT = TenantsOnOvsTest.PLACEMENT;
  static final String VM = "acme-web1";
  static final String PINGER = "acme-web3";

  record Move(int n, String to, Testbed.Migration script, Migration weft, int lost, int lostAfterPortUp,
      int sent) {}

  /**
   * The example, with damping off: these tests move a VM every few hundred milliseconds, which
   * damping (4 moves in 10 s by default) is there to stop.
   */
  static Path config() throws java.io.IOException {
    Path dir = Files.createDirectories(Path.of("target", "ovs-logs"));
    Path cfgFile = dir.resolve("migration-" + ProcessHandle.current().pid() + ".yaml");
    Files.writeString(cfgFile, Files.readString(TenantsOnOvsTest.CONFIG)
        + "\napps:\n  mobility:\n    flap-moves: 0\n");
    return cfgFile;
  }

  @Test
  void twentyMovesUnderA10msPing() throws Exception {
    Path cfgFile = config();
    WeftConfig cfg = ConfigLoader.load(cfgFile);
    assertTrue(cfg.controller().apps().contains("mobility"), "the example enables mobility");
    int port = Loopback.freePort();
    try (Testbed tb = Testbed.up(cfgFile, "tcp:mgmt:" + port, PLACEMENT);
         Controller weft = TenantsOnOvsTest.startWeft(cfg, tb.mgmtAddress(), port)) {
      MobilityService mobility = weft.service(MobilityService.class).orElseThrow();
      tb.connectController();
      assertTrue(tb.awaitConnected(Duration.ofSeconds(30)), () -> "not connected: "
          + tb.controllerStates());
      TenantsOnOvsTest.awaitConverged(weft, 8);
      String ip = tb.vm(VM).ip();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (!tb.ping(PINGER, ip, 1, 100, Duration.ofMillis(500)).allReceived()) {
        assertTrue(System.nanoTime() < deadline, "no connectivity before the moves");
      }
      BackgroundPing ping = tb.startPing(PINGER, ip, Duration.ofMillis(10), Duration.ofSeconds(200));
      awaitAnswers(ping, 30);

      List<Testbed.Migration> scripted = new ArrayList<>();
      List<Migration> reported = new ArrayList<>();
      long seq = 0;
      for (int i = 0; i < MOVES; i++) {
        String to = i % 2 == 0 ? "hv2" : "hv1";
        int answered = ping.repliesSoFar();
        Testbed.Migration m = tb.migrate(VM, to);
        scripted.add(m);
        Migration w = awaitMigration(mobility, VM, seq);
        seq = w.sequence();
        reported.add(w);
        assertEquals(tb.hypervisor(to).dpid(), String.format("%016x", w.to().dpid().getLong()),
            "move " + (i + 1) + " reported to " + w.to());
        // Let the ping run on at the new place (and show it is answered there) before the next move.
        awaitAnswers(ping, answered + 25);
      }
      Thread.sleep(200);
      PingTrace trace = ping.stop();

      List<Move> moves = new ArrayList<>();
      for (int i = 0; i < MOVES; i++) {
        Instant from = scripted.get(i).started();
        Instant until = i + 1 < MOVES ? scripted.get(i + 1).started() : Instant.now();
        Migration w = reported.get(i);
        moves.add(new Move(i + 1, w.to().toString(), scripted.get(i), w, trace.lostBetween(from, until),
            trace.lostBetween(w.detectedAt(), until), trace.sentBetween(from, until)));
      }
      StringBuilder report = new StringBuilder();
      report.append(String.format(Locale.ROOT,
          "[ovs] %d migrations of %s between hv1 and hv2, ping from %s (hv3) every 10 ms:%n",
          MOVES, VM, PINGER));
      report.append("  move  to   port absent  lost  lost after port up  convergence (controller)  flow-mods\n");
      for (Move m : moves) {
        report.append(String.format(Locale.ROOT, "  %4d  %s  %8.1f ms  %4d  %18d  %8.2f ms (%.2f ms)  %s%n",
            m.n(), m.script().to(), m.script().movedMs(), m.lost(), m.lostAfterPortUp(),
            m.weft().convergence().orElseThrow().toNanos() / 1e6,
            m.weft().controller().orElseThrow().toNanos() / 1e6, new java.util.TreeMap<>(m.weft().flowMods()
                .entrySet().stream().collect(Collectors.toMap(e -> hvName(tb, e.getKey()), Map.Entry::getValue)))));
      }
      List<Double> ctl = moves.stream()
          .map(m -> m.weft().controller().orElseThrow().toNanos() / 1e6).sorted().toList();
      List<Double> conv = moves.stream()
          .map(m -> m.weft().convergence().orElseThrow().toNanos() / 1e6).sorted().toList();
      List<Integer> lost = moves.stream().map(Move::lost).sorted().toList();
      List<Integer> lostUp = moves.stream().map(Move::lostAfterPortUp).sorted().toList();
      List<Double> absent = moves.stream().map(m -> m.script().movedMs()).sorted().toList();
      report.append(String.format(Locale.ROOT,
          "  convergence ms: min %.2f median %.2f max %.2f (controller's part: median %.2f max %.2f)%n"
              + "  lost per move: min %d median %d max %d (total %d)%n"
              + "  lost after the port appeared: min %d median %d max %d (total %d)%n"
              + "  del-port .. add-port done (testbed script): min %.1f median %.1f max %.1f ms%n",
          conv.get(0), median(conv), conv.get(conv.size() - 1), median(ctl), ctl.get(ctl.size() - 1),
          lost.get(0), lost.get(lost.size() / 2), lost.get(lost.size() - 1),
          lost.stream().mapToInt(Integer::intValue).sum(),
          lostUp.get(0), lostUp.get(lostUp.size() / 2), lostUp.get(lostUp.size() - 1),
          lostUp.stream().mapToInt(Integer::intValue).sum(),
          absent.get(0), median(absent), absent.get(absent.size() - 1)));
      report.append("  ping: ").append(trace).append('\n');
      report.append(trace.raw().lines().filter(l -> l.contains("packets transmitted") || l.startsWith("rtt"))
          .map(l -> "  " + l).collect(Collectors.joining("\n"))).append('\n');
      System.out.print(report);

      // Every move was followed and the ping came back after each one (awaited above); the
      // controller's part is small: converged well within 50 ms at the median, and at most a
      // ping or two lost once the new port existed.
      assertEquals(MOVES, moves.size());
      assertTrue(median(conv) < 50, "median convergence " + median(conv) + " ms\n" + report);
      assertTrue(lostUp.get(lostUp.size() / 2) <= 1, "median lost after the port appeared\n" + report);
      Optional<PortLocation> at = weft.tenants().location(VM);
      assertEquals(tb.hypervisor("hv1").dpid(), String.format("%016x", at.orElseThrow().dpid().getLong()));
    }
  }

  /**
   * A live migration's dual presence on real Open vSwitch: while acme-web1 runs on hv1, a port
   * with its interface name appears on hv2 (an OVS internal port standing in for the VM's
   * destination). Nothing moves; hv2 traps that port's frames. The stand-in takes the VM's MAC
   * and IP and sends a gratuitous ARP: the VM moves to hv2 (the stand-in answers pings now); then
   * the real VM on hv1 announces itself and it moves back (fail-back). Removing the stand-in
   * leaves nothing behind.
   */
  @Test
  void dualPresenceMovesOnlyWhenTheVmAnnouncesItself() throws Exception {
    Path cfgFile = config();
    WeftConfig cfg = ConfigLoader.load(cfgFile);
    int port = Loopback.freePort();
    try (Testbed tb = Testbed.up(cfgFile, "tcp:mgmt:" + port, PLACEMENT);
         Controller weft = TenantsOnOvsTest.startWeft(cfg, tb.mgmtAddress(), port)) {
      MobilityService mobility = weft.service(MobilityService.class).orElseThrow();
      tb.connectController();
      assertTrue(tb.awaitConnected(Duration.ofSeconds(30)), () -> "not connected: "
          + tb.controllerStates());
      TenantsOnOvsTest.awaitConverged(weft, 8);
      Testbed.Vm vm = tb.vm(VM);
      String ip = vm.ip();
      PortLocation onHv1 = weft.tenants().location(VM).orElseThrow();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (!tb.ping(PINGER, ip, 1, 100, Duration.ofMillis(500)).allReceived()) {
        assertTrue(System.nanoTime() < deadline, "no connectivity before the test");
      }

      // 1. The destination's port appears: pending, trapped, nothing moves.
      tb.vsctl("hv2", "add-port", "br-int", vm.iface(), "--", "set", "interface", vm.iface(), "type=internal");
      int standIn = tb.ofport("hv2", vm.iface());
      awaitCondition("hv2 pending", () -> mobility.pending().getOrDefault(VM, List.of()).stream()
          .anyMatch(p -> p.port().getPortNumber() == standIn));
      weft.reconciler().quiesce().get(10, TimeUnit.SECONDS);
      assertEquals(Optional.of(onHv1), weft.tenants().location(VM));
      assertTrue(tb.ping(PINGER, ip, 3, 20, Duration.ofSeconds(2)).allReceived(), "still answered on hv1");
      List<String> traps = tb.dumpFlows("hv2").stream().filter(f -> f.contains("priority=2,")).toList();
      assertEquals(1, traps.size(), "hv2 traps the pending port: " + tb.dumpFlows("hv2"));
      assertTrue(traps.get(0).contains("in_port=" + standIn) && traps.get(0).contains("CONTROLLER"), traps.get(0));

      // 2. The stand-in becomes the VM on hv2 and announces itself.
      for (String[] cmd : List.of(new String[] {"ip", "link", "set", vm.iface(), "address", vm.mac()},
          new String[] {"ip", "addr", "add", vm.ips().get(0), "dev", vm.iface()},
          new String[] {"ip", "link", "set", vm.iface(), "up"})) {
        Exec.Out o = tb.exec("hv2", Duration.ofSeconds(5), cmd);
        assertTrue(o.ok(), String.join(" ", cmd) + ": " + o.both());
      }
      tb.exec("hv2", Duration.ofSeconds(5), "arping", "-U", "-c", "1", "-w", "0.1", "-q", "-i", vm.iface(), ip);
      Migration toHv2 = awaitMigration(mobility, VM, 0);
      // Its first frame may be the kernel's own (IPv6 duplicate address detection at link up).
      assertTrue(toHv2.cause().matches("(gratuitous ARP|ARP|first frame).* on hv2 port " + standIn), toHv2.cause());
      assertEquals(standIn, toHv2.to().port().getPortNumber());
      assertEquals(Optional.of(onHv1), toHv2.from());
      PingStats atHv2 = tb.ping(PINGER, ip, 5, 20, Duration.ofSeconds(2));
      assertTrue(atHv2.received() >= 4, "answered by the stand-in on hv2: " + atHv2);

      // 3. The VM on hv1 (its port never went: pending now) announces itself: back to hv1.
      awaitCondition("hv1 pending", () -> mobility.pending().getOrDefault(VM, List.of()).contains(onHv1));
      weft.reconciler().quiesce().get(10, TimeUnit.SECONDS);
      tb.exec("hv2", Duration.ofSeconds(5), "ip", "link", "set", vm.iface(), "down"); // the stand-in stops
      tb.arping(VM);
      Migration back = awaitMigration(mobility, VM, toHv2.sequence());
      assertEquals(onHv1, back.to());
      assertTrue(tb.ping(PINGER, ip, 3, 20, Duration.ofSeconds(2)).allReceived(), "answered on hv1 again");

      // 4. The stand-in's port goes: nothing pending, no trap left.
      tb.vsctl("hv2", "del-port", "br-int", vm.iface());
      awaitCondition("nothing pending", () -> mobility.pending().isEmpty());
      weft.reconciler().quiesce().get(10, TimeUnit.SECONDS);
      assertEquals(List.of(), tb.dumpFlows("hv2").stream().filter(f -> f.contains("priority=2,")).toList());
      assertEquals(Optional.of(onHv1), weft.tenants().location(VM));
      System.out.printf(Locale.ROOT, "[ovs] dual presence: stayed on hv1 while hv2 had the port; %s -> hv2 on %s in"
              + " %.2f ms; back to hv1 on %s in %.2f ms%n", VM, toHv2.cause(),
          toHv2.convergence().orElseThrow().toNanos() / 1e6, back.cause(),
          back.convergence().orElseThrow().toNanos() / 1e6);
    }
  }

  static void awaitCondition(String what, java.util.function.BooleanSupplier c) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!c.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, "timed out waiting for " + what);
      Thread.sleep(5);
    }
  }

  static String hvName(Testbed tb, org.projectfloodlight.openflow.types.DatapathId dpid) {
    String hex = String.format("%016x", dpid.getLong());
    return tb.hypervisors().stream().filter(h -> h.dpid().equals(hex)).map(Testbed.Hypervisor::name)
        .findFirst().orElse(dpid.toString());
  }

  static double median(List<Double> sorted) {
    return sorted.get(sorted.size() / 2);
  }

  static void awaitAnswers(BackgroundPing ping, int n) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (ping.repliesSoFar() < n) {
      assertTrue(System.nanoTime() < deadline, "the ping stopped being answered (" + ping.repliesSoFar()
          + " replies, waiting for " + n + ")");
      Thread.sleep(5);
    }
  }

  static Migration awaitMigration(MobilityService mobility, String vm, long after) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      Optional<Migration> m = mobility.history().stream()
          .filter(x -> x.subject().equals(vm) && x.sequence() > after).findFirst();
      if (m.isPresent()) {
        return m.get();
      }
      assertTrue(System.nanoTime() < deadline, "no migration of " + vm + " reported: " + mobility.history());
      Thread.sleep(2);
    }
  }
}
