package dev.weft.testbed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.weft.api.fabric.FabricStatus;
import dev.weft.apps.fabric.Fabric;
import dev.weft.apps.fabric.Target;
import dev.weft.core.Controller;
import dev.weft.core.ControllerSettings;
import dev.weft.core.config.ConfigLoader;
import dev.weft.core.config.WeftConfig;
import dev.weft.ovs.Loopback;
import dev.weft.ovs.MininetSession;
import dev.weft.ovs.RepoFiles;
import dev.weft.ovs.RequiresOvs;
import dev.weft.rest.RestEndpoint;
import dev.weft.rest.RestSettings;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.projectfloodlight.openflow.types.DatapathId;

/**
 * A mixed site on real Open vSwitch: examples/fabric/mixed-site.yaml, with the VXLAN hypervisors
 * hv1, hv2 and gateway node gw of the testbed (each its own Open vSwitch in a namespace) and the
 * leaf-spine of examples/fabric/leafspine.py under Mininet (l3 OpenFlow 1.0 only, l4 one usable
 * table), gw's port 7 cabled to l1's port 5 by a veth pair (VLAN 100 on that cable). acme's
 * physical servers on three leaves (multi-table, 1.3 single-table) ping acme's VMs on both
 * hypervisors and the VMs ping them; globex, with the same MACs and IPs on both sides (a twin of
 * acme-web1 on hv1, servers g1..g3 on the leaves) and no gateway, reaches nothing across, and
 * nobody of either tenant sees the other's frames. The API's fabric view is read once here.
 */
@RequiresOvs(tools = {"ovsdb-tool", "ovsdb-server", "ovs-vswitchd", "tcpdump"}, pythonModules = "yaml")
@Timeout(value = 400, unit = TimeUnit.SECONDS)
class MixedSiteOnOvsTest {
  static final Path CONFIG = Testbed.repoFile("examples/fabric/mixed-site.yaml");
  static final Map<String, String> PLACEMENT = Map.of(
      "acme-web1", "hv1", "globex-web1", "hv1", "acme-web2", "hv2");
  static final List<String> ACME_SERVERS = List.of("a1", "a2", "a3");
  static final List<String> GLOBEX_SERVERS = List.of("g1", "g2", "g3");
  static final Map<String, String> IP = Map.of("a1", "10.0.1.11", "a2", "10.0.1.12", "a3", "10.0.1.13",
      "acme-web1", "10.0.1.21", "acme-web2", "10.0.1.22");

  @Test
  void serversOnTheFabricReachTheirNetworksVmsAndNothingElse() throws Exception {
    WeftConfig cfg = ConfigLoader.load(CONFIG);
    Path topo = RepoFiles.find("examples/fabric/leafspine.py", null).orElseThrow();
    int port = Loopback.freePort();
    String cable = null;
    try (Testbed tb = Testbed.up(Testbed.Options.of(CONFIG, "tcp:mgmt:" + port, PLACEMENT))) {
      RestSettings rest = new RestSettings(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
          Optional.empty(), false);
      try (Controller weft = Controller.builder(ControllerSettings.builder().config(cfg)
              .listen(List.of(new InetSocketAddress(tb.mgmtAddress(), port),
                  new InetSocketAddress("127.0.0.1", port))).dispatchThreads(2).build())
              .extension(new RestEndpoint(rest)).start();
           MininetSession mn = MininetSession.start(MininetSession.Options.of("leafspine",
               "OpenFlow10,OpenFlow13", port).withCustom(topo).withStartTimeout(Duration.ofSeconds(120)))) {
        tb.connectController();
        assertTrue(tb.awaitConnected(Duration.ofSeconds(30)), () -> "not connected: " + tb.controllerStates());
        cable = cable(tb, mn);
        Fabric fabric = weft.service(Fabric.class).orElseThrow();
        await("six fabric switches, l4 single-table", Duration.ofSeconds(60), () -> fabric.lastInputs()
            .map(i -> i.targets().size() == 6 && i.targets().get(DatapathId.of(4)) == Target.SINGLE_TABLE)
            .orElse(false));
        TenantsOnOvsTest.awaitConverged(weft, 3);

        // acme: servers on l1 (multi-table), l2 (multi-table), l4 (single-table) and the VMs
        // on hv1 and hv2, both ways, with every globex host watched.
        Map<String, String> watchMn = mn.watch(GLOBEX_SERVERS);
        Capture twin = tb.startCapture("globex-web1", "arp or icmp", true);
        long t0 = System.nanoTime();
        for (String server : ACME_SERVERS) {
          for (String vm : List.of("acme-web1", "acme-web2")) {
            Map<String, Object> r = pingUntil(mn, server, IP.get(vm));
            System.out.printf("[ovs-mixed] %s (fabric) -> %s (%s): %s/%s%n", server, vm, IP.get(vm),
                r.get("received"), r.get("sent"));
            assertEquals(r.get("sent"), r.get("received"), server + " -> " + vm + ": " + r.get("raw"));
          }
        }
        System.out.printf("[ovs-mixed] every acme server reached both VMs within %d ms of the first try%n",
            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
        for (String vm : List.of("acme-web1", "acme-web2")) {
          for (String server : ACME_SERVERS) {
            PingStats p = tb.ping(vm, IP.get(server), 3, 100, Duration.ofSeconds(5));
            System.out.printf("[ovs-mixed] %s -> %s (fabric): %s%n", vm, server, p);
            assertTrue(p.allReceived(), vm + " -> " + server + ": " + p.raw());
          }
        }
        Thread.sleep(300); // frames in flight reach the captures
        MininetSession.Watched got = mn.stopWatch(watchMn);
        List<Frame> sawTwin = twin.stop();
        assertEquals(0, got.frames(), "globex's servers got frames while acme talked: " + got);
        assertEquals(List.of(), sawTwin, "globex-web1 (acme-web1's twin) got frames while acme talked");

        // globex: the same addresses on both sides, no gateway: nothing crosses, and acme sees
        // nothing of it. acme's hosts forget their ARP entries first (the servers in
        // MininetSession.watch): they would otherwise re-check them (unicast ARP, the very frames a
        // leak of globex's would be).
        for (String vm : List.of("acme-web1", "acme-web2")) {
          ok(Exec.run(Duration.ofSeconds(10), "ip", "netns", "exec", tb.namespaceOf(vm), "ip", "neigh", "flush", "all"));
        }
        Thread.sleep(300); // what was in flight has arrived
        Map<String, String> ids = mn.watch(ACME_SERVERS);
        Capture web1 = tb.startCapture("acme-web1", "arp or icmp", true);
        Capture web2 = tb.startCapture("acme-web2", "arp or icmp", true);
        PingStats fromTwin = tb.ping("globex-web1", "10.0.1.11", 3, 100, Duration.ofSeconds(3));
        assertEquals(0, fromTwin.received(), "globex-web1 -> 10.0.1.11 (g1 and a1 have it): " + fromTwin.raw());
        for (String g : GLOBEX_SERVERS) {
          Map<String, Object> r = mn.command(Duration.ofSeconds(20), "ping-ip", g, "10.0.1.21", "3", "0.1");
          assertEquals(0, ((Number) r.get("received")).intValue(), g + " -> 10.0.1.21: " + r.get("raw"));
        }
        Thread.sleep(300);
        MininetSession.Watched watchAcme = mn.stopWatch(ids);
        assertEquals(0, watchAcme.frames(), "acme's servers got globex's frames: " + watchAcme);
        assertEquals(List.of(), web1.stop(), "acme-web1 got globex's frames");
        assertEquals(List.of(), web2.stop(), "acme-web2 got globex's frames");
        System.out.println("[ovs-mixed] globex (same MACs and IPs, no gateway): 0 of 12 pings across, "
            + "0 frames at acme's five hosts; 0 frames at globex's four while acme talked");

        // The fabric as the API shows it on real switches: l4's single table read from TABLE_FEATURES.
        String api = "http://127.0.0.1:" + weft.extension(RestEndpoint.class).orElseThrow().address().getPort();
        JsonNode sw = get(api + "/api/v1/fabric/switches").path("switches");
        System.out.println("[ovs-mixed] /api/v1/fabric/switches: " + sw);
        JsonNode l4 = find(sw, "dpid", "00:00:00:00:00:00:00:04");
        assertEquals("single-table", l4.path("target").asText(), l4.toString());
        assertEquals(1, l4.path("tables-usable").asInt(), l4.toString());
        assertTrue(l4.path("tables-reported").asInt() > 1, l4.toString());
        assertTrue(l4.path("reason").asText().contains("TABLE_FEATURES"), l4.toString());
        assertEquals("single-table-of10", find(sw, "dpid", "00:00:00:00:00:00:00:03").path("target").asText());
        JsonNode acme = get(api + "/api/v1/fabric/segments/5001");
        System.out.println("[ovs-mixed] /api/v1/fabric/segments/5001: " + acme);
        assertEquals(100, acme.path("vlan-port").path("vlan").asInt(), acme.toString());
        assertEquals(3, acme.path("members").size(), acme.toString());
        FabricStatus.Snapshot snap = weft.service(FabricStatus.class).orElseThrow().snapshot();
        assertTrue(snap.segments().stream().filter(s -> s.segment() == 5001).findFirst().orElseThrow().links()
            .stream().allMatch(l -> l.tag().isPresent()), "every cable of acme's tree has a tag");
        JsonNode gws = get(api + "/api/v1/fabric/gateways");
        System.out.println("[ovs-mixed] /api/v1/fabric/gateways: " + gws);
        assertEquals("fabric", gws.get(0).path("name").asText());
      } finally {
        if (cable != null) {
          Exec.run(Duration.ofSeconds(10), "ovs-vsctl", "--timeout=5", "--if-exists", "del-port", cable);
          Exec.run(Duration.ofSeconds(10), "ip", "link", "del", cable);
        }
      }
    }
  }

  /**
   * Cables gw's port 7 to l1's port 5: the testbed put a legacy host behind gw's port 7 (namespace
   * "fabric", interface up0, on an access port of VLAN 100 of gw's bridge brv-fabric); make that
   * port a trunk and move up0 into the root namespace, into Mininet's l1 as its port 5. Returns
   * the interface's name there.
   */
  static String cable(Testbed tb, MininetSession mn) {
    String name = tb.prefix() + "-gw7";
    tb.vsctl("gw", "clear", "port", "vh-fabric", "tag");
    ok(Exec.run(Duration.ofSeconds(10), "ip", "-n", tb.namespaceOf("fabric"), "link", "set", "up0", "netns", "1"));
    ok(Exec.run(Duration.ofSeconds(10), "ip", "link", "set", "up0", "name", name));
    ok(Exec.run(Duration.ofSeconds(10), "sysctl", "-q", "-w", "net.ipv6.conf." + name + ".disable_ipv6=1"));
    ok(Exec.run(Duration.ofSeconds(10), "ip", "link", "set", name, "up"));
    ok(Exec.run(Duration.ofSeconds(10), "ovs-vsctl", "--timeout=10", "add-port", mn.bridge("l1"), name,
        "--", "set", "interface", name, "ofport_request=5"));
    return name;
  }

  static void ok(Exec.Out o) {
    assertTrue(o.ok(), o.both());
  }

  /** Pings (3 at 0.2 s) until all arrive (the first may wait for the paths to be learned), 20 tries. */
  static Map<String, Object> pingUntil(MininetSession mn, String host, String ip) {
    Map<String, Object> r = null;
    for (int i = 0; i < 20; i++) {
      r = mn.command(Duration.ofSeconds(20), "ping-ip", host, ip, "3", "0.2");
      if (((Number) r.get("sent")).intValue() > 0 && r.get("sent").equals(r.get("received"))) {
        return r;
      }
    }
    return r;
  }

  static JsonNode get(String url) throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), url + ": " + r.body());
    return new ObjectMapper().readTree(r.body());
  }

  static JsonNode find(JsonNode array, String key, String value) {
    for (JsonNode n : array) {
      if (n.path(key).asText().equals(value)) {
        return n;
      }
    }
    throw new AssertionError("no " + key + " " + value + " in " + array);
  }

  static void await(String what, Duration max, BooleanSupplier ok) throws InterruptedException {
    long deadline = System.nanoTime() + max.toNanos();
    while (!ok.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      TimeUnit.MILLISECONDS.sleep(100);
    }
  }

}
