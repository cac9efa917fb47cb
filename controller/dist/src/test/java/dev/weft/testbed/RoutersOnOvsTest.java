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
      assertFalse(tb.dumpFlows("gw1").stream().anyMatch(f -> f.contains("nw_dst=10.0.2.11")),
          "no routing entry on the gateway node: routing is done where a packet is sent");
    }
  }
}
