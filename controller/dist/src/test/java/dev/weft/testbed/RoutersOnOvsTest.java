package dev.weft.testbed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.weft.core.Controller;
import dev.weft.core.config.ConfigLoader;
import dev.weft.core.config.WeftConfig;
import dev.weft.ovs.Loopback;
import dev.weft.ovs.RequiresOvs;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Logical routers and DHCP on real Open vSwitch: the example {@code routed-tenants.yaml} (two
 * tenants with identical subnets, router addresses, MACs and IPs) on two hypervisors and a
 * gateway node with real VXLAN; acme-web2 and globex-web2 start without an address and get it
 * from {@code dhclient}.
 */
@RequiresOvs(tools = {"ovsdb-tool", "ovsdb-server", "ovs-vswitchd", "arping", "tcpdump", "dhclient"},
    pythonModules = "yaml")
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class RoutersOnOvsTest {
  static final Path CONFIG = Testbed.repoFile("examples/tenants/routed-tenants.yaml");
  static final Map<String, String> PLACEMENT = Map.of(
      "acme-web1", "hv1", "acme-db1", "hv1", "acme-web2", "hv2",
      "globex-web1", "hv1", "globex-db1", "hv1", "globex-web2", "hv2");

  static Testbed.Options options(int port) {
    return Testbed.Options.of(CONFIG, "tcp:mgmt:" + port, PLACEMENT).withDhcp("acme-web2", "globex-web2");
  }

  /** ping's reply lines: "64 bytes from 10.0.2.11: icmp_seq=1 ttl=63 time=0.4 ms". */
  static List<Integer> ttls(String pingOutput) {
    return pingOutput.lines().filter(l -> l.contains(" ttl=")).map(l -> Integer.parseInt(
        l.replaceAll(".* ttl=(\\d+).*", "$1"))).toList();
  }

  @Test
  void dhcpRoutingAndTenantsApartOnRealSwitches() throws Exception {
    WeftConfig cfg = ConfigLoader.load(CONFIG);
    int port = Loopback.freePort();
    try (Testbed tb = Testbed.up(options(port));
         Controller weft = TenantsOnOvsTest.startWeft(cfg, tb.mgmtAddress(), port)) {
      tb.connectController();
      assertTrue(tb.awaitConnected(Duration.ofSeconds(30)), () -> "not connected: " + tb.controllerStates());
      TenantsOnOvsTest.awaitConverged(weft, 6);

      // dhclient in a VM that has no address: its configured one (from the range), the router as
      // gateway, the MTU under VXLAN, the lease.
      JsonNode lease = tb.dhcp("acme-web2");
      System.out.printf("[ovs] dhclient in acme-web2: %s in %.0f ms; addresses: %s; routes: %s%n",
          lease.path("lease"), lease.path("elapsed_ms").asDouble(), lease.path("addresses").asText().trim(),
          lease.path("routes").asText().trim());
      assertEquals("10.0.1.100", lease.path("lease").path("ip_address").asText());
      assertEquals("255.255.255.0", lease.path("lease").path("subnet_mask").asText());
      assertEquals("10.0.1.1", lease.path("lease").path("routers").asText());
      assertEquals("10.0.1.1", lease.path("lease").path("domain_name_servers").asText());
      assertEquals("1450", lease.path("lease").path("interface_mtu").asText());
      assertEquals("3600", lease.path("lease").path("lease_time").asText());
      assertTrue(lease.path("addresses").asText().contains("inet 10.0.1.100/24"), lease.toString());
      assertTrue(lease.path("routes").asText().contains("default via 10.0.1.1 dev eth0"), lease.toString());
      assertEquals(1450, lease.path("mtu").asInt());
      // The twin in globex (same MAC, same network addresses) gets its own tenant's answer.
      JsonNode twin = tb.dhcp("globex-web2");
      assertEquals("10.0.1.100", twin.path("lease").path("ip_address").asText());

      // Routed pings: same hypervisor (web1 -> db1 on hv1), other hypervisor (web2 on hv2 -> db1).
      for (String from : List.of("acme-web1", "acme-web2", "globex-web1", "globex-web2")) {
        // The first packet of a path: its ARP and Open vSwitch's first upcalls (one answer within 3 s).
        PingStats first = tb.ping(from, "10.0.2.11", 1, 100, Duration.ofSeconds(3));
        assertEquals(1, first.received(), from + ": " + first.raw());
        System.out.printf("[ovs] %s -> 10.0.2.11 first ping: %d sent for 1 answer%n", from, first.sent());
        PingStats p = tb.ping(from, "10.0.2.11", 3, 100, Duration.ofSeconds(5));
        System.out.printf("[ovs] %s -> 10.0.2.11 through its router: %s, ttls %s%n", from, p, ttls(p.raw()));
        assertTrue(p.allReceived(), from + ": " + p.raw());
        assertEquals(List.of(63, 63, 63), ttls(p.raw()), "one router hop: TTL one less: " + p.raw());
      }
      // Identical subnets and router addresses: acme's ping to 10.0.2.11 reaches acme-db1 only.
      Capture globexDb = tb.startCapture("globex-db1", "", true);
      Capture acmeDb = tb.startCapture("acme-db1", "icmp", true);
      PingStats a = tb.ping("acme-web2", "10.0.2.11", 5, 50, Duration.ofSeconds(5));
      Thread.sleep(300);
      List<Frame> sawAcme = acmeDb.stop();
      List<Frame> sawGlobex = globexDb.stop();
      assertTrue(a.allReceived(), a.raw());
      assertTrue(sawAcme.size() >= 5, "acme-db1 got the pings: " + sawAcme);
      assertEquals(List.of(), sawGlobex, "globex-db1 (same IP and MAC, same hypervisor) saw nothing");

      // The router answers ping for its addresses; a TTL that runs out and a port that does not
      // exist get ICMP errors from it.
      assertTrue(tb.ping("acme-web1", "10.0.1.1", 2, 100, Duration.ofSeconds(3)).allReceived());
      assertTrue(tb.ping("acme-web1", "10.0.2.1", 2, 100, Duration.ofSeconds(3)).allReceived());
      Exec.Out ttl1 = tb.exec("acme-web1", Duration.ofSeconds(10), "ping", "-n", "-c", "1", "-t", "1", "-W", "2",
          "10.0.2.11");
      System.out.printf("[ovs] ping -t 1: %s%n", ttl1.stdout().trim());
      assertTrue(ttl1.stdout().contains("From 10.0.1.1 icmp_seq=1 Time to live exceeded"), ttl1.both());
      Exec.Out none = tb.exec("acme-web1", Duration.ofSeconds(10), "ping", "-n", "-c", "1", "-W", "2", "10.0.2.99");
      System.out.printf("[ovs] ping 10.0.2.99: %s%n", none.stdout().trim());
      assertTrue(none.stdout().contains("From 10.0.1.1 icmp_seq=1 Destination Host Unreachable"), none.both());
      String routerMac = cfg.network().router(6001).orElseThrow().port(6001).orElseThrow().mac().toString();
      assertTrue(tb.dumpFlows("hv2").stream().anyMatch(f -> f.contains("dl_dst=" + routerMac)
          && f.contains("nw_dst=10.0.2.11")), "control: hv2 routes web's packets to db1");
      assertFalse(tb.dumpFlows("gw1").stream().anyMatch(f -> f.contains("dl_dst=" + routerMac)
          && f.contains("nw_dst=10.0.2.11")), "no routing of web's packets on the gateway node: routing is done "
          + "where a packet is sent");
    }
  }

  /** acme-db1 on hv2 this time: acme-web1 (hv1, floating IP) routes to another hypervisor. */
  static final Map<String, String> SPREAD = Map.of(
      "acme-web1", "hv1", "acme-db1", "hv2", "acme-web2", "hv2",
      "globex-web1", "hv1", "globex-db1", "hv2", "globex-web2", "hv2");

  @Test
  void floatingIpFromOutsideSnatOutAndAMigratedVmKeepsBoth() throws Exception {
    WeftConfig cfg = ConfigLoader.load(CONFIG);
    int port = Loopback.freePort();
    try (Testbed tb = Testbed.up(Testbed.Options.of(CONFIG, "tcp:mgmt:" + port, SPREAD));
         Controller weft = TenantsOnOvsTest.startWeft(cfg, tb.mgmtAddress(), port)) {
      tb.connectController();
      assertTrue(tb.awaitConnected(Duration.ofSeconds(30)), () -> "not connected: " + tb.controllerStates());
      TenantsOnOvsTest.awaitConverged(weft, 6);

      // Outbound: acme-web1 and globex-web1 have floating IPs and leave from them; acme-db1 has
      // none and leaves from its router's address (source NAT). The outside sees only outside
      // addresses.
      Capture seen = tb.startCaptureOutside("public", "icmp");
      PingStats a = tb.ping("acme-web1", "198.51.100.1", 3, 100, Duration.ofSeconds(5));
      PingStats g = tb.ping("globex-web1", "198.51.100.1", 3, 100, Duration.ofSeconds(5));
      PingStats d = tb.ping("acme-db1", "198.51.100.1", 3, 100, Duration.ofSeconds(5));
      Thread.sleep(300);
      List<Frame> out = seen.stop();
      System.out.printf("[ovs] outbound through gw1: acme-web1 %s ttls %s; globex-web1 %s; acme-db1 %s%n", a,
          ttls(a.raw()), g, d);
      assertEquals(3, a.received(), a.raw());
      assertEquals(3, g.received(), g.raw());
      assertEquals(3, d.received(), d.raw());
      assertEquals(List.of(63, 63, 63), ttls(a.raw()).subList(0, 3), "one router hop (the gateway decrements nothing more)");
      for (String src : List.of("203.0.113.20", "203.0.113.21", "203.0.113.10")) {
        assertTrue(out.stream().anyMatch(f -> f.summary().startsWith(src + " > 198.51.100.1: ICMP echo request")),
            src + " seen outside: " + out);
      }
      assertTrue(out.stream().noneMatch(f -> f.summary().contains("10.0.")), "no inside address outside: " + out);

      // Inbound: the floating IP reaches acme-web1 from outside; the router's address and fixed
      // addresses do not.
      PingStats in = tb.ping("public", "203.0.113.20", 3, 100, Duration.ofSeconds(5));
      System.out.printf("[ovs] outside -> 203.0.113.20 (acme-web1): %s%n", in);
      assertEquals(3, in.received(), in.raw());
      assertEquals(0, tb.ping("public", "203.0.113.10", 2, 100, Duration.ofSeconds(2)).received());

      // A migration: acme-web1 goes to hv2 while the outside pings its floating IP every 10 ms.
      BackgroundPing during = tb.startPing("public", "203.0.113.20", Duration.ofMillis(10), Duration.ofSeconds(60));
      during.awaitReplies(20, Duration.ofSeconds(10));
      Testbed.Migration m = tb.migrate("acme-web1", "hv2");
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      int answered = during.answeredSoFar();
      while (during.answeredSoFar() < answered + 100) {
        assertTrue(System.nanoTime() < deadline, "the floating IP did not follow the VM: " + during.answeredSoFar());
        Thread.sleep(20);
      }
      PingTrace trace = during.stop();
      System.out.printf("[ovs] migration of acme-web1 hv1 -> hv2 (%s); outside ping of its floating IP: %s, "
          + "longest outage %s%n", m, trace, trace.longestOutage());
      assertTrue(tb.ping("public", "203.0.113.20", 3, 100, Duration.ofSeconds(5)).allReceived(),
          "the floating IP reaches the VM on hv2");
      PingStats routed = tb.ping("acme-web1", "10.0.2.11", 3, 100, Duration.ofSeconds(5));
      assertEquals(3, routed.received(), "routed from its new hypervisor: " + routed.raw());
      assertEquals(List.of(63, 63, 63), ttls(routed.raw()).subList(0, 3));
      assertTrue(tb.dumpFlows("hv2").stream().anyMatch(f -> f.contains("nw_dst=10.0.2.11") && f.contains("dec_ttl")),
          "hv2 routes for acme-web1 now");
    }
  }

  @Test
  void aRoutedPingSurvivesKillMinus9OfTheController() throws Exception {
    int port = Loopback.freePort();
    Path log = Path.of("target", "ovs-logs", "weft-routers-kill9-" + port + ".log");
    try (Testbed tb = Testbed.up(Testbed.Options.of(CONFIG, "tcp:mgmt:" + port, SPREAD))) {
      String listen = tb.mgmtAddress() + ":" + port;
      WeftProcess weft = WeftProcess.start(log, "--config", CONFIG.toString(), "--listen", listen, "--log-level", "info");
      try {
        assertTrue(weft.awaitLog("started", 30_000), () -> "weft did not start: " + TenantsOnOvsTest.read(log));
        tb.connectController();
        assertTrue(tb.awaitConnected(Duration.ofSeconds(30)), () -> "not connected: " + tb.controllerStates());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!tb.ping("acme-web1", "10.0.2.11", 1, 100, Duration.ofMillis(500)).allReceived()) {
          assertTrue(System.nanoTime() < deadline, "no routed connectivity: " + TenantsOnOvsTest.read(log));
        }
        // acme-web1 (hv1) -> acme-db1 (hv2), routed, every 10 ms.
        BackgroundPing ping = tb.startPing("acme-web1", "10.0.2.11", Duration.ofMillis(10), Duration.ofSeconds(60));
        ping.awaitReplies(50, Duration.ofSeconds(10));
        Map<String, Map<String, Double>> before = new java.util.HashMap<>();
        for (String hv : List.of("hv1", "hv2", "gw1")) {
          before.put(hv, TenantsOnOvsTest.ages(tb.dumpFlows(hv)));
        }
        int logLines = TenantsOnOvsTest.read(log).split("\n").length;
        java.time.Instant killed = java.time.Instant.now();
        weft.kill9();
        Thread.sleep(1500);
        java.time.Instant restarted = java.time.Instant.now();
        weft = WeftProcess.start(log, "--config", CONFIG.toString(), "--listen", listen, "--log-level", "info");
        assertTrue(weft.awaitLog("started", 30_000), () -> "weft did not restart: " + TenantsOnOvsTest.read(log));
        assertTrue(tb.awaitConnected(Duration.ofSeconds(30)), () -> "did not reconnect: " + tb.controllerStates());
        deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (TenantsOnOvsTest.countAdopted(TenantsOnOvsTest.read(log).lines().skip(logLines)
            .reduce("", (x, y) -> x + y + "\n")) < 3) {
          assertTrue(System.nanoTime() < deadline, "the restarted weft did not read the flows: " + TenantsOnOvsTest.read(log));
          Thread.sleep(50);
        }
        Thread.sleep(1000);
        PingTrace trace = ping.stop();
        String after = TenantsOnOvsTest.read(log).lines().skip(logLines).reduce("", (x, y) -> x + y + "\n");
        System.out.printf("[ovs] routed ping during kill -9 and restart: %s%n", trace);
        System.out.printf("[ovs] weft after restart:%n%s%n", after.lines().filter(l -> l.contains("adopted"))
            .reduce("", (x, y) -> x + y + "\n"));
        assertEquals(0, trace.lost(), "the routed ping lost nothing: lost " + trace.lostSeqs());
        assertTrue(trace.sentBetween(killed, restarted) > 50, "the ping really ran while weft was dead");
        double elapsed = Duration.between(killed, java.time.Instant.now()).toMillis() / 1000.0;
        for (String hv : List.of("hv1", "hv2", "gw1")) {
          Map<String, Double> now = TenantsOnOvsTest.ages(tb.dumpFlows(hv));
          for (var e : before.get(hv).entrySet()) {
            Double age = now.get(e.getKey());
            assertTrue(age != null, hv + " lost " + e.getKey());
            assertTrue(age >= e.getValue() + elapsed - 1.0, hv + " re-installed: " + e.getKey());
          }
          assertEquals(before.get(hv).keySet(), now.keySet(), hv + ": same flows (routers' and NAT's included)");
        }
      } finally {
        weft.close();
      }
    }
  }
}
