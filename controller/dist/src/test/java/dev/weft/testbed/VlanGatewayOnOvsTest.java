package dev.weft.testbed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.api.fabric.GatewayStatus;
import dev.weft.apps.fabric.VlanGateways;
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
import org.projectfloodlight.openflow.types.MacAddress;

/**
 * An L2 gateway on real Open vSwitch: examples/tenants/vlan-gateway.yaml on the testbed (hv1, hv2
 * and gateway node gw, each its own Open vSwitch, real VXLAN), a legacy host on VLAN 100 (an access port of an Open vSwitch bridge standing for its switch, trunked into gw) behind
 * gw's port 10 (10.0.1.254): it pings acme's VMs on both hypervisors and they
 * ping it; globex's twin of acme-web1 (same MAC and IP, same hypervisor) never gets its frames and
 * cannot reach it; its MAC is learned and shown.
 */
@RequiresOvs(tools = {"ovsdb-tool", "ovsdb-server", "ovs-vswitchd", "arping", "tcpdump"},
    pythonModules = "yaml")
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class VlanGatewayOnOvsTest {
  static final Path CONFIG = Testbed.repoFile("examples/tenants/vlan-gateway.yaml");
  static final Map<String, String> PLACEMENT = Map.of(
      "acme-web1", "hv1", "globex-web1", "hv1", "acme-web2", "hv2");

  @Test
  void aLegacyVlanReachesItsNetworksVmsAndNothingElse() throws Exception {
    WeftConfig cfg = ConfigLoader.load(CONFIG);
    int port = Loopback.freePort();
    try (Testbed tb = Testbed.up(Testbed.Options.of(CONFIG, "tcp:mgmt:" + port, PLACEMENT));
         Controller weft = TenantsOnOvsTest.startWeft(cfg, tb.mgmtAddress(), port)) {
      tb.connectController();
      assertTrue(tb.awaitConnected(Duration.ofSeconds(30)), () -> "not connected: " + tb.controllerStates());
      TenantsOnOvsTest.awaitConverged(weft, 3);

      Capture twin = tb.startCapture("globex-web1", "", true);
      for (String ip : List.of("10.0.1.11", "10.0.1.12")) {
        PingStats first = tb.ping("legacy", ip, 1, 100, Duration.ofSeconds(3));
        assertEquals(1, first.received(), "legacy -> " + ip + ": " + first.raw());
        PingStats p = tb.ping("legacy", ip, 5, 20, Duration.ofSeconds(5));
        System.out.printf("[ovs] legacy (VLAN 100 behind gw) -> %s: %s%n", ip, p);
        assertTrue(p.allReceived(), p.raw());
      }
      for (String vm : List.of("acme-web1", "acme-web2")) {
        PingStats p = tb.ping(vm, "10.0.1.254", 5, 20, Duration.ofSeconds(5));
        System.out.printf("[ovs] %s -> legacy: %s%n", vm, p);
        assertTrue(p.allReceived(), p.raw());
      }
      Thread.sleep(300); // frames in flight reach the capture
      List<Frame> sawTwin = twin.stop();
      assertEquals(List.of(), sawTwin, "globex-web1 (acme-web1's twin, same hypervisor) got nothing");

      Capture legacy = tb.startCaptureOutside("legacy", "");
      PingStats globex = tb.ping("globex-web1", "10.0.1.254", 3, 100, Duration.ofSeconds(3));
      Thread.sleep(300);
      List<Frame> sawLegacy = legacy.stop();
      assertEquals(0, globex.received(), globex.raw());
      assertEquals(List.of(), sawLegacy, "the legacy VLAN got nothing from globex");

      Map<String, java.util.Set<MacAddress>> learned = weft.service(VlanGateways.class).orElseThrow().learned();
      System.out.println("[ovs] MACs learned behind the gateways: " + learned);
      assertEquals(Map.of("legacy", java.util.Set.of(MacAddress.of("02:76:00:00:00:01"))), learned);
      // As the API and weft fabric show it: the gateway, and the MAC with when it was learned.
      GatewayStatus.Gateway g = weft.service(GatewayStatus.class).orElseThrow().gateways().get(0);
      System.out.println("[ovs] gateway status: " + g);
      assertEquals("legacy", g.name());
      assertEquals(List.of(MacAddress.of("02:76:00:00:00:01")),
          g.learned().stream().map(GatewayStatus.LearnedMac::mac).toList());
      assertTrue(!g.learned().get(0).learnedAt().isAfter(java.time.Instant.now()), g.toString());
    }
  }
}
