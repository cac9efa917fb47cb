package dev.weft.apps.fabric;

import dev.weft.api.tenant.FabricView;
import dev.weft.api.tenant.LogicalPort;
import dev.weft.api.tenant.NetworkConfig;
import dev.weft.api.tenant.PortLocation;
import dev.weft.api.tenant.TransportNode;
import dev.weft.api.tenant.VlanGateway;
import dev.weft.apps.isolation.IsolationCompiler;
import dev.weft.apps.tenantnetworks.L2Compiler;
import dev.weft.apps.tenantpipeline.PipelineModel;
import dev.weft.core.config.ConfigException;
import dev.weft.core.config.ConfigLoader;
import dev.weft.sim.inprocess.Reach;
import dev.weft.sim.packet.Frames;
import org.junit.jupiter.api.Test;
import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An L2 gateway: acme's web network bridged to VLAN 100 on port 7 of gateway node gw, a legacy
 * server behind it, acme's VMs on hypervisors hv1 and hv2 (VXLAN), and globex's twin of acme-web1
 * (same MAC, same IP) on hv1. The whole tenant pipeline (isolation, tenant-networks, the gateway)
 * on in-process switches joined by tunnels: the legacy server reaches acme's VMs and nothing else,
 * acme's VMs reach it (tagged on its wire), its VLAN cannot impersonate a VM, other VLANs and
 * untagged frames get nowhere.
 */
class VlanGatewayTest {
    static final String CONFIG = """
            transport-nodes:
              - { name: hv1, datapath-id: "00:00:00:00:00:00:00:01", tunnel-ip: 10.77.0.1 }
              - { name: hv2, datapath-id: "00:00:00:00:00:00:00:02", tunnel-ip: 10.77.0.2 }
              - { name: gw, datapath-id: "00:00:00:00:00:00:00:03", tunnel-ip: 10.77.0.3 }
            tenants:
              - name: acme
                networks:
                  - name: web
                    segment: 5001
                    subnet: 10.0.1.0/24
                    ports:
                      - { name: web1, mac: "02:00:0a:00:01:0b", ips: [10.0.1.11], binding: { interface: vm-web1 } }
                      - { name: web2, mac: "02:00:0a:00:01:0c", ips: [10.0.1.12], binding: { interface: vm-web2 } }
              - name: globex
                networks:
                  - name: web
                    segment: 6001
                    subnet: 10.0.1.0/24
                    ports:
                      - { name: twin1, mac: "02:00:0a:00:01:0b", ips: [10.0.1.11], binding: { interface: vm-twin1 } }
            vlan-gateways:
              - { name: acme-legacy, network: acme/web, node: gw, port: 7, vlan: 100 }
            """;
    static final MacAddress LEGACY = MacAddress.of("02:00:0a:00:01:64");
    static final IPv4Address LEGACY_IP = IPv4Address.of("10.0.1.100");

    static FabricView view(NetworkConfig cfg) {
        Map<DatapathId, Map<String, OFPort>> tunnels = new HashMap<>();
        for (TransportNode a : cfg.transportNodes()) {
            Map<String, OFPort> m = new HashMap<>();
            for (TransportNode b : cfg.transportNodes()) {
                if (a != b) {
                    m.put(b.name(), OFPort.of(100 + (int) b.dpid().getLong()));
                }
            }
            tunnels.put(a.dpid(), m);
        }
        return new FabricView(cfg, Map.of("web1", new PortLocation(DatapathId.of(1), OFPort.of(1)),
                "web2", new PortLocation(DatapathId.of(2), OFPort.of(1)),
                "twin1", new PortLocation(DatapathId.of(1), OFPort.of(2))), tunnels);
    }

    static PipelineModel model(Set<MacAddress> learned) {
        NetworkConfig cfg = ConfigLoader.parse(CONFIG, "gateway.yaml").network();
        return PipelineModel.of(view(cfg), new IsolationCompiler(), new L2Compiler(), new VlanGatewayCompiler(g -> learned))
                .plug("legacy", "gw", OFPort.of(7));
    }

    @Test
    void theConfigSaysWhereTheGatewayIs() {
        NetworkConfig cfg = ConfigLoader.parse(CONFIG, "gateway.yaml").network();
        assertEquals(List.of(new VlanGateway("acme-legacy", "acme/web", 5001, "gw", DatapathId.of(3), OFPort.of(7), 100)),
                cfg.vlanGateways());
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse(
                CONFIG.replace("network: acme/web", "network: acme/nope"), "gateway.yaml"));
        assertTrue(e.getMessage().contains("'acme/nope' is not a network"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> ConfigLoader.parse(CONFIG.replace("vlan: 100", "vlan: 4095"),
                "gateway.yaml"));
        assertTrue(e.getMessage().contains("vlan must be 1..4094"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> ConfigLoader.parse(CONFIG.replace("node: gw", "node: gx"),
                "gateway.yaml"));
        assertTrue(e.getMessage().contains("'gx' is not a transport node"), e.getMessage());
    }

    @Test
    void theLegacyServerReachesItsNetworksVmsAndNothingElse() {
        for (Set<MacAddress> learned : List.of(Set.<MacAddress>of(), Set.of(LEGACY))) {
            PipelineModel m = model(learned);
            LogicalPort web1 = m.port("web1");
            Reach arp = m.send("legacy", Frames.from(LEGACY, LEGACY_IP).vlan(100).to(MacAddress.BROADCAST)
                    .arpRequest(web1.ips().get(0)));
            assertEquals(Map.of("web1", 1, "web2", 1), arp.copies(), arp.toString());
            assertEquals(-1, FabricReachabilityTest.vlanOf(arp.only("web1").frame()), "VMs get it untagged");
            assertEquals(learned.isEmpty() ? 1 : 0, arp.packetIns().size(), "a copy to learn the MAC, once learned none");
            arp.packetIns().forEach(p -> assertEquals("gw", p.switchName()));

            Reach echo = m.send("legacy", Frames.from(LEGACY, LEGACY_IP).vlan(100).to(web1.mac(), web1.ips().get(0))
                    .echoRequest(1, 1));
            assertEquals(Map.of("web1", 1), echo.copies(), echo.toString());
            assertEquals(List.of(5001L), echo.only("web1").tunnelIds());
        }
    }

    @Test
    void acmesVmsReachTheLegacyServerTaggedOnItsWire() {
        PipelineModel m = model(Set.of(LEGACY));
        for (String vm : List.of("web1", "web2")) {
            LogicalPort p = m.port(vm);
            Reach echo = m.send(vm, Frames.from(p.mac(), p.ips().get(0)).to(LEGACY, LEGACY_IP).echoRequest(1, 1));
            assertTrue(echo.reachedOnly("legacy"), vm + ": " + echo);
            assertEquals(100, FabricReachabilityTest.vlanOf(echo.only("legacy").frame()));
            assertEquals(List.of(5001L), echo.only("legacy").tunnelIds());
        }
        LogicalPort web1 = m.port("web1");
        Reach b = m.send("web1", Frames.from(web1.mac(), web1.ips().get(0)).arpRequest(LEGACY_IP));
        assertTrue(b.reachedOnly("web2", "legacy"), b.toString());
        assertEquals(100, FabricReachabilityTest.vlanOf(b.only("legacy").frame()));
    }

    @Test
    void nothingElseCrossesTheGateway() {
        PipelineModel m = model(Set.of(LEGACY));
        LogicalPort twin = m.port("twin1");
        assertTrue(m.send("twin1", Frames.from(twin.mac(), twin.ips().get(0)).to(LEGACY, LEGACY_IP).echoRequest(1, 1))
                .reachedNobody(), "globex's twin of web1 cannot reach acme's legacy server");
        assertTrue(m.send("twin1", Frames.from(twin.mac(), twin.ips().get(0)).arpRequest(LEGACY_IP)).reachedNobody());
        LogicalPort web2 = m.port("web2");
        for (int vlan : new int[] {99, 101, 200}) {
            assertTrue(m.send("legacy", Frames.from(LEGACY, LEGACY_IP).vlan(vlan).to(MacAddress.BROADCAST)
                    .arpRequest(web2.ips().get(0))).reachedNobody(), "VLAN " + vlan);
        }
        assertTrue(m.send("legacy", Frames.from(LEGACY, LEGACY_IP).to(MacAddress.BROADCAST)
                .arpRequest(web2.ips().get(0))).reachedNobody(), "untagged");
        Reach spoof = m.send("legacy", Frames.from(web2.mac(), LEGACY_IP).vlan(100).to(m.port("web1").mac(),
                m.port("web1").ips().get(0)).echoRequest(1, 1));
        assertTrue(spoof.reachedNobody(), "the VLAN side as web2's MAC: " + spoof);
    }
}
