package dev.weft.testbed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.api.tenant.LogicalNetwork;
import dev.weft.api.tenant.LogicalPort;
import dev.weft.api.tenant.NetworkConfig;
import dev.weft.api.tenant.PortPolicy;
import dev.weft.api.tenant.Tenant;
import dev.weft.core.Controller;
import dev.weft.core.config.ConfigLoader;
import dev.weft.core.config.WeftConfig;
import dev.weft.ovs.Loopback;
import dev.weft.ovs.RequiresOvs;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Security groups and rate limits on real Open vSwitch (userspace datapath, its connection
 * tracker and meters), with the example {@code secure-tenants.yaml} on two hypervisors and real
 * VXLAN: TCP with {@code nc} to allowed and denied ports, the reply direction, a remote group, a
 * member added at run time, a broadcast flood held at every receiver, a migrated VM keeping its
 * groups, and two tenants with the same addresses and group names.
 */
@RequiresOvs(tools = {"ovsdb-tool", "ovsdb-server", "ovs-vswitchd", "nc", "ping", "tcpdump"},
    pythonModules = "yaml")
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class SecurityGroupsOnOvsTest {
  static final Path CONFIG = Testbed.repoFile("examples/tenants/secure-tenants.yaml");
  static final Map<String, String> PLACEMENT = Map.of(
      "acme-web1", "hv1", "acme-client", "hv1", "acme-db1", "hv2", "acme-admin1", "hv2",
      "globex-web1", "hv1", "globex-client", "hv2");

  /** Does a TCP connection from {@code from} to {@code to}:{@code port} open? (nc listening there.) */
  static boolean connects(Testbed tb, String from, String to, int port) throws Exception {
    CompletableFuture<Exec.Out> listener = CompletableFuture.supplyAsync(
        () -> tb.exec(to, Duration.ofSeconds(8), "timeout", "4", "nc", "-l", "-n", String.valueOf(port)));
    // The listener is up when ss shows it (bounded wait).
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
    while (!tb.exec(to, Duration.ofSeconds(2), "ss", "-ltn").stdout().contains(":" + port + " ")) {
      assertTrue(System.nanoTime() < deadline, "nc did not start listening in " + to);
      Thread.sleep(20);
    }
    Exec.Out client = tb.exec(from, Duration.ofSeconds(5), "nc", "-z", "-n", "-w", "2", tb.vm(to).ip(),
        String.valueOf(port));
    listener.get(10, TimeUnit.SECONDS);
    return client.ok();
  }

  /**
   * The grace after a migration in this test (the example's 60 s, shortened so that the test sees
   * it end; {@code -Dweft.sg.grace=0} shows what happens without it).
   */
  static final int GRACE = Integer.getInteger("weft.sg.grace", 10);

  @Test
  void groupsAndLimitsOnRealSwitches() throws Exception {
    Path config = Files.createTempFile("secure-tenants", ".yaml");
    String yaml = Files.readString(CONFIG);
    assertTrue(yaml.contains("migration-grace-seconds: 60"), "the example sets the grace");
    Files.writeString(config, yaml.replace("migration-grace-seconds: 60", "migration-grace-seconds: " + GRACE));
    WeftConfig cfg = ConfigLoader.load(config);
    int port = Loopback.freePort();
    try (Testbed tb = Testbed.up(config, "tcp:mgmt:" + port, PLACEMENT);
         Controller weft = TenantsOnOvsTest.startWeft(cfg, tb.mgmtAddress(), port)) {
      tb.connectController();
      assertTrue(tb.awaitConnected(Duration.ofSeconds(30)), () -> "not connected: " + tb.controllerStates());
      TenantsOnOvsTest.awaitConverged(weft, 6);
      List<String> report = new ArrayList<>();

      // Allowed, denied, and the reply direction (nc -z completes the handshake: the SYN-ACK
      // came back through acme-client's side, the ACK went through web1's ingress as established).
      assertTrue(connects(tb, "acme-client", "acme-web1", 80), "tcp 80 to web1 is allowed");
      assertFalse(connects(tb, "acme-client", "acme-web1", 22), "tcp 22 to web1 is not");
      // web1 (in web) to db1:5432 across the tunnel (remote group), and client (not in web) not.
      assertTrue(connects(tb, "acme-web1", "acme-db1", 5432), "web1 -> db1:5432 (remote group web)");
      assertFalse(connects(tb, "acme-client", "acme-db1", 5432), "client -> db1:5432");
      // Ping: from the admin group only; web1's own pings out get their replies (stateful).
      assertEquals(2, tb.ping("acme-admin1", "10.0.1.11", 2, 100, Duration.ofSeconds(3)).received());
      assertEquals(0, tb.ping("acme-client", "10.0.1.11", 2, 100, Duration.ofSeconds(2)).received());
      assertEquals(2, tb.ping("acme-web1", "10.0.1.14", 2, 100, Duration.ofSeconds(3)).received(),
          "web1 pings client: the replies are let back in");
      // Two tenants, same addresses and group names: globex's web takes 443, not 80.
      assertTrue(connects(tb, "globex-client", "globex-web1", 443), "globex: 443");
      assertFalse(connects(tb, "globex-client", "globex-web1", 80), "globex: not 80 (acme's web rule is acme's)");
      report.add("nc: allowed ports connect, denied ones do not, in both tenants");
      // Counters per rule, stage and meter, read from hv1 (flow and meter statistics of real OVS).
      var counters = weft.service(dev.weft.api.tenant.PolicyCounters.class).orElseThrow().port("acme-web1")
          .get(10, TimeUnit.SECONDS);
      long tcp80 = counters.rules().stream().filter(r -> r.rule().equals("ingress tcp 80"))
          .mapToLong(dev.weft.api.tenant.PolicyCounters.Rule::packets).sum();
      long denied = counters.stages().stream().filter(x -> x.direction().equals("ingress") && x.what().equals("denied"))
          .mapToLong(dev.weft.api.tenant.PolicyCounters.Stage::packets).sum();
      report.add("acme-web1's counters on real OVS: " + counters);
      assertTrue(tcp80 >= 1, "the SYN of the nc connection to :80 counted on its rule: " + counters);
      assertTrue(denied >= 1, "the SYN to :22 and the pings from client counted as denied: " + counters);
      assertEquals(2, counters.meters().size(), "both meters read: " + counters);

      // A remote-group member added at run time: acme-client joins admin; web1 lets its ping in.
      // Measured: the change in force (applyNetwork returns), compiled and sent (the control lane
      // is idle: the apps' deferred recompilations and the reconciler's passes ran), confirmed by
      // both switches (barriers), and the first reply of a ping client->web1 every 10 ms that
      // started before (its earlier requests are dropped by web1's ingress ACL).
      NetworkConfig without = weft.tenants().config();
      NetworkConfig with = withGroup(without, "acme-client", "admin");
      for (int round = 1; round <= 3; round++) {
        report.add("member added at run time, round " + round + " (" + (round == 1 ? "cold" : "warm")
            + "): " + memberAdded(tb, weft, cfg, with));
        assertEquals(2, tb.ping("acme-client", "10.0.1.11", 2, 100, Duration.ofSeconds(3)).received(),
            "client, now in admin, pings web1");
        if (round < 3) {
          weft.applyNetwork(without, cfg);
          weft.awaitControlLaneIdle();
          weft.reconciler().quiesce().get(10, TimeUnit.SECONDS);
          assertEquals(0, tb.ping("acme-client", "10.0.1.11", 1, 100, Duration.ofSeconds(2)).received(),
              "client, out of admin again, does not");
        }
      }

      // A broadcast flood from web1 (limit 100/s, burst 10), held at every receiver.
      floodIsHeld(tb, report, "before the move");

      // A migrated VM keeps its groups and its established TCP connections: web1 to hv2, while
      // it serves a stream on port 80 (it writes, acme-client reads) and while it reads a stream
      // from db1:5432 as a client (db1 writes, web1 only ACKs: its rules allow nothing in from 5432).
      Path dir = Files.createTempDirectory("weft-sg-streams");
      TcpStream asServer = TcpStream.start(tb, dir, "web1-serves", "acme-web1", 80, "acme-client", true);
      TcpStream asClient = TcpStream.start(tb, dir, "web1-reads", "acme-db1", 5432, "acme-web1", true);
      boolean flowing = asServer.awaitReceived(30, Duration.ofSeconds(20))
          && asClient.awaitReceived(30, Duration.ofSeconds(20));
      int beforeServer = asServer.received();
      int beforeClient = asClient.received();
      Testbed.Migration moved = tb.migrate("acme-web1", "hv2");
      TenantsOnOvsTest.awaitConverged(weft, 6);
      weft.reconciler().quiesce().get(10, TimeUnit.SECONDS);
      awaitLocation(weft, "acme-web1", cfg.network().node("hv2").orElseThrow().dpid());
      List<String> pickup = tb.dumpFlows("hv2").stream().filter(l -> l.contains("tcp_flags=")).toList();
      int atMoveServer = asServer.received();
      int atMoveClient = asClient.received();
      // 200 more lines (2 s of the stream) after the move, or 20 s: TCP retransmits with backoff.
      boolean serverKept = asServer.awaitReceived(atMoveServer + 200, Duration.ofSeconds(20));
      boolean clientKept = asClient.awaitReceived(atMoveClient + 200, Duration.ofSeconds(20));
      // The grace ends: its entries leave hv2 (polled: the app sweeps once a second), and the
      // connections, picked up, keep flowing.
      long graceDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(GRACE + 30);
      while (tb.dumpFlows("hv2").stream().anyMatch(l -> l.contains("tcp_flags="))) {
        assertTrue(System.nanoTime() < graceDeadline, "the grace entries stay on hv2: " + pickup);
        Thread.sleep(100);
      }
      weft.reconciler().quiesce().get(10, TimeUnit.SECONDS);
      int afterGraceServer = asServer.received();
      int afterGraceClient = asClient.received();
      boolean serverAfterGrace = asServer.awaitReceived(afterGraceServer + 100, Duration.ofSeconds(10));
      boolean clientAfterGrace = asClient.awaitReceived(afterGraceClient + 100, Duration.ofSeconds(10));
      JsonNode[] server = asServer.stop();
      JsonNode[] client = asClient.stop();
      report.add(String.format(java.util.Locale.ROOT, "migration (grace %d s) in %.0f ms; established TCP across "
          + "it: web1 serving (writes on :80) %s: %s then %s; web1 as client of db1:5432 (reads) %s: %s then %s; "
          + "after the grace both flowing: %s, %s; pick-up entries on hv2 during the grace: %d", GRACE,
          moved.totalMs(), serverKept ? "KEPT" : "LOST", server[0], server[1], clientKept ? "KEPT" : "LOST",
          client[0], client[1], serverAfterGrace, clientAfterGrace, pickup.size()));
      System.out.printf("[ovs] %s%n", report.get(report.size() - 1));
      assertTrue(flowing, "both streams ran before the move: " + asServer.received() + ", " + asClient.received());
      assertTrue(beforeServer > 0 && beforeClient > 0);
      if (GRACE > 0) {
        assertTrue(serverKept, "web1's connection as a server survives the move: " + report);
        assertTrue(clientKept, "web1's connection as a client survives the move: " + report);
        assertTrue(serverAfterGrace && clientAfterGrace, "and both keep flowing after the grace: " + report);
        assertTrue(pickup.stream().anyMatch(l -> l.contains("tcp_flags=+ack-syn") || l.contains("tcp_flags=-syn+ack")),
            "hv2 had web1's pick-up entries during the grace: " + pickup);
      }
      assertTrue(connects(tb, "acme-client", "acme-web1", 80), "after the move: tcp 80");
      assertFalse(connects(tb, "acme-client", "acme-web1", 22), "after the move: still not tcp 22");
      report.add("after migrating acme-web1 to hv2: 80 connects, 22 does not");
      // Its limits moved with it: the same flood from hv2 is held the same way.
      floodIsHeld(tb, report, "after the move to hv2");
      System.out.printf("[ovs] security groups on real Open vSwitch:%n  %s%n", String.join("\n  ", report));
    }
  }

  /**
   * A broadcast flood from acme-web1 (limit 100/s, burst 10): UDP to 10.0.1.255 as fast as the VM
   * can send for 3 s (python in its namespace; ping cannot go much beyond 100/s here), received by
   * acme-client and acme-db1 at most at the limit and by globex-web1 not at all.
   */
  private static void floodIsHeld(Testbed tb, List<String> report, String when) throws Exception {
    Capture near = tb.startCapture("globex-web1", "", true);
    Capture local = tb.startCapture("acme-client", "udp and dst host 10.0.1.255", true);
    Capture far = tb.startCapture("acme-db1", "udp and dst host 10.0.1.255", true);
    String blast = "import socket,time\n"
        + "s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)\n"
        + "s.setsockopt(socket.SOL_SOCKET,socket.SO_BROADCAST,1)\n"
        + "t=time.time();n=0\n"
        + "while n<2000000 and time.time()-t<3:\n"
        + "  try:\n    s.sendto(b'x'*32,('10.0.1.255',9));n+=1\n"
        + "  except OSError:\n    time.sleep(0.001)\n"
        + "print(n, round(time.time()-t,3))\n";
    Exec.Out flood = tb.exec("acme-web1", Duration.ofSeconds(20), "python3", "-c", blast);
    Thread.sleep(300);
    int atLocal = local.stop().size();
    int atFar = far.stop().size();
    int atOtherTenant = near.stop().size();
    String[] sentAndSeconds = flood.stdout().trim().split("\\s+");
    assertTrue(flood.ok() && sentAndSeconds.length == 2, "the sender ran: " + flood.both());
    int sent = Integer.parseInt(sentAndSeconds[0]);
    double seconds = Double.parseDouble(sentAndSeconds[1]);
    report.add(String.format("broadcast flood " + when + ": %d sent in %.2f s (%.0f/s); received by acme-client %d, "
        + "acme-db1 %d, globex-web1 %d", sent, seconds, sent / seconds, atLocal,
        atFar, atOtherTenant));
    double allowed = 100 * (seconds + 0.5) + 10;
    assertTrue(sent > 3 * allowed, "the flood must outrun the limit for this to show anything: " + report);
    assertTrue(atLocal <= allowed && atFar <= allowed, "held to 100/s " + when + ": " + report);
    assertTrue(atLocal >= 50 * seconds && atFar >= 50 * seconds, "but not blocked " + when + ": " + report);
    assertEquals(0, atOtherTenant, "nothing reaches the other tenant " + when);
  }

  /** A restarted controller adopts the ACL entries (ct_state, ct_zone, ct, meters) without a flow-mod. */
  @Test
  void aRestartedControllerAdoptsTheAclEntries() throws Exception {
    WeftConfig cfg = ConfigLoader.load(CONFIG);
    int port = Loopback.freePort();
    try (Testbed tb = Testbed.up(CONFIG, "tcp:mgmt:" + port, PLACEMENT)) {
      try (Controller first = TenantsOnOvsTest.startWeft(cfg, tb.mgmtAddress(), port)) {
        tb.connectController();
        assertTrue(tb.awaitConnected(Duration.ofSeconds(30)), () -> "not connected: " + tb.controllerStates());
        TenantsOnOvsTest.awaitConverged(first, 6);
      }
      try (Controller second = TenantsOnOvsTest.startWeft(cfg, tb.mgmtAddress(), port)) {
        assertTrue(tb.awaitConnected(Duration.ofSeconds(30)), () -> "not reconnected: " + tb.controllerStates());
        TenantsOnOvsTest.awaitConverged(second, 6);
        long flowMods = second.reconciler().stats().values().stream()
            .mapToLong(dev.weft.core.flow.Reconciler.Stats::flowModsSent).sum();
        // Its meters too: read from the switches and adopted, so no ADD answered METER_EXISTS.
        long errors = second.switchTotals().stream().mapToLong(dev.weft.core.openflow.SwitchTotals::errors).sum();
        String meters = tb.ofctl("hv1", "dump-meters", "br-int");
        System.out.printf("[ovs] restarted controller: %d flow-mods to adopt the security-group entries, %d errors "
            + "from the switches (meters adopted: %s)%n", flowMods, errors, meters.replace('\n', ' '));
        assertEquals(0, flowMods, "everything already in the switches is adopted");
        assertEquals(0, errors, "no switch answered an error (METER_EXISTS before meters were read back)");
        assertTrue(connects(tb, "acme-client", "acme-web1", 80), "and it still works");
        assertFalse(connects(tb, "acme-client", "acme-web1", 22));
      }
    }
  }

  /**
   * acme-client joins group admin ({@code with}) while it pings web1 every 10 ms (dropped until
   * then): when the change is in force (applyNetwork returns), compiled and sent (the control lane
   * is idle: the apps' deferred recompilations and the reconciler's passes ran), confirmed by both
   * switches (barriers), and when the first ping reply arrives; with the load average.
   */
  static String memberAdded(Testbed tb, Controller weft, WeftConfig cfg, NetworkConfig with) throws Exception {
    BackgroundPing probe = tb.startPing("acme-client", "10.0.1.11", Duration.ofMillis(10), Duration.ofSeconds(30));
    long probeDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (probe.answeredSoFar() < 3 && System.nanoTime() < probeDeadline) { // ping is up: "no answer yet" lines
      Thread.sleep(10);
    }
    String load = loadAverage();
    java.time.Instant wall0 = java.time.Instant.now();
    long t0 = System.nanoTime();
    weft.applyNetwork(with, cfg);
    long applied = System.nanoTime();
    weft.awaitControlLaneIdle();
    long compiled = System.nanoTime();
    weft.reconciler().quiesce().get(10, TimeUnit.SECONDS);
    long confirmed = System.nanoTime();
    long replyDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (probe.repliesSoFar() == 0 && System.nanoTime() < replyDeadline) {
      Thread.sleep(5);
    }
    PingTrace trace = probe.stop();
    var first = trace.probes().stream().filter(PingTrace.Probe::received).findFirst();
    assertTrue(first.isPresent(), "client, now in admin, pings web1: " + trace);
    double access = (first.get().sentAtMicros() + first.get().rttMs() * 1000 - PingTrace.micros(wall0)) / 1000.0;
    return String.format(java.util.Locale.ROOT, "load average %s: in force %.1f ms, compiled and sent %.1f ms, "
        + "confirmed by both switches %.1f ms, first ping reply %.1f ms (ping every 10 ms)", load,
        (applied - t0) / 1e6, (compiled - t0) / 1e6, (confirmed - t0) / 1e6, access);
  }

  /** The machine's load average (1, 5, 15 min), as /proc/loadavg says. */
  static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).split("\\s+");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (java.io.IOException e) {
      return "?";
    }
  }

  static void awaitLocation(Controller weft, String port, org.projectfloodlight.openflow.types.DatapathId dpid)
      throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (true) {
      var at = weft.tenants().locations().get(port);
      if (at != null && at.dpid().equals(dpid)) {
        break;
      }
      assertTrue(System.nanoTime() < deadline, port + " is at " + at);
      Thread.sleep(20);
    }
    weft.reconciler().quiesce().get(10, TimeUnit.SECONDS);
  }

  /** The config with {@code port} also in {@code group}. */
  static NetworkConfig withGroup(NetworkConfig c, String port, String group) {
    List<Tenant> tenants = new ArrayList<>();
    for (Tenant t : c.tenants()) {
      List<LogicalNetwork> nets = new ArrayList<>();
      for (LogicalNetwork n : t.networks()) {
        List<LogicalPort> ports = new ArrayList<>();
        for (LogicalPort p : n.ports()) {
          if (p.name().equals(port)) {
            List<String> groups = new ArrayList<>(p.policy().securityGroups());
            groups.add(group);
            p = new LogicalPort(p.name(), p.tenant(), p.network(), p.segment(), p.mac(), p.ips(), p.binding(),
                new PortPolicy(groups, p.policy().rateLimit()));
          }
          ports.add(p);
        }
        nets.add(new LogicalNetwork(n.tenant(), n.name(), n.segment(), n.subnet(), ports, n.dhcp()));
      }
      tenants.add(new Tenant(t.name(), nets, t.routers(), t.securityGroups()));
    }
    return new NetworkConfig(c.transportNodes(), tenants, c.externalNetworks());
  }
}
