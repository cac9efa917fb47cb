package dev.weft.apps.fabric;

import dev.weft.api.flow.FlowSpec;
import dev.weft.api.tenant.FabricView;
import dev.weft.api.tenant.LogicalNetwork;
import dev.weft.api.tenant.LogicalPort;
import dev.weft.api.tenant.NetworkConfig;
import dev.weft.api.tenant.PortLocation;
import dev.weft.apps.isolation.IsolationCompiler;
import dev.weft.apps.tenantnetworks.L2Compiler;
import dev.weft.apps.tenantpipeline.NetworkFlowsKeeper;
import dev.weft.apps.tenantpipeline.PipelineModel;
import dev.weft.core.config.ConfigLoader;
import dev.weft.core.topology.TopologySnapshot;
import dev.weft.sim.inprocess.InProcessFabric;
import dev.weft.sim.inprocess.Reach;
import dev.weft.sim.packet.Frames;
import org.junit.jupiter.api.Test;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.OFPort;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A mixed site: acme/web spans a VM on VXLAN hypervisor hv1 and a physical server s1 on fabric
 * leaf2, joined by gateway node gw (port 7, VLAN 100: the vlan-gateway app) cabled to fabric
 * leaf1 port 5 (the fabric's VLAN port of acme/web). globex's twin of the VM (same MAC and IP) on
 * hv1. One in-process site: hv1 and gw hold what isolation, tenant-networks and the gateway
 * compile, leaf1, leaf2 and the spine what the fabric compiles (leaf2 single-table).
 */
class MixedSiteTest {
    static final String CONFIG = """
            transport-nodes:
              - { name: hv1, datapath-id: "00:00:00:00:00:00:00:a1", tunnel-ip: 10.77.0.1 }
              - { name: gw, datapath-id: "00:00:00:00:00:00:00:a3", tunnel-ip: 10.77.0.3 }
            tenants:
              - name: acme
                networks:
                  - name: web
                    segment: 5001
                    subnet: 10.0.1.0/24
                    ports:
                      - { name: web1, mac: "02:00:0a:00:01:0b", ips: [10.0.1.11], binding: { interface: vm-web1 } }
                      - { name: s1, mac: "02:00:0a:00:01:21", ips: [10.0.1.33], binding: { switch: "00:00:00:00:00:00:00:02", port: 3 } }
              - name: globex
                networks:
                  - name: web
                    segment: 6001
                    subnet: 10.0.1.0/24
                    ports:
                      - { name: twin1, mac: "02:00:0a:00:01:0b", ips: [10.0.1.11], binding: { interface: vm-twin1 } }
            vlan-gateways:
              - { name: acme-to-fabric, network: acme/web, node: gw, port: 7, vlan: 100 }
            """;
    static final DatapathId HV1 = DatapathId.of(0xa1);
    static final DatapathId GW = DatapathId.of(0xa3);
    static final DatapathId LEAF1 = DatapathId.of(1);
    static final DatapathId LEAF2 = DatapathId.of(2);
    static final DatapathId SPINE = DatapathId.of(0x101);

    static InProcessFabric site(Target leaf1, Target leaf2) {
        NetworkConfig cfg = ConfigLoader.parse(CONFIG, "mixed.yaml").network();
        Map<String, PortLocation> locations = Map.of("web1", new PortLocation(HV1, OFPort.of(1)),
                "twin1", new PortLocation(HV1, OFPort.of(2)), "s1", new PortLocation(LEAF2, OFPort.of(3)));
        FabricView view = new FabricView(cfg, locations, Map.of(HV1, Map.of("gw", OFPort.of(103)),
                GW, Map.of("hv1", OFPort.of(101))));
        InProcessFabric site = new InProcessFabric();
        Map<DatapathId, String> names = Map.of(HV1, "hv1", GW, "gw", LEAF1, "leaf1", LEAF2, "leaf2", SPINE, "spine");
        names.forEach((d, n) -> site.addSwitch(n, d));
        site.tunnel("hv1", OFPort.of(103), "gw", OFPort.of(101));
        site.link("leaf1", OFPort.of(1), "spine", OFPort.of(1)).link("leaf2", OFPort.of(1), "spine", OFPort.of(2));
        site.link("gw", OFPort.of(7), "leaf1", OFPort.of(5));
        site.host("web1", "hv1", OFPort.of(1)).host("twin1", "hv1", OFPort.of(2)).host("s1", "leaf2", OFPort.of(3));

        Map<DatapathId, List<OFMessage>> mods = new HashMap<>();
        for (NetworkFlowsKeeper.Compiler c : List.of(new IsolationCompiler(), new L2Compiler(), new VlanGatewayCompiler())) {
            c.base(view).forEach((d, l) -> l.forEach(f -> mods.computeIfAbsent(d, k -> new ArrayList<>())
                    .add(PipelineModel.flowAdd(f))));
            for (LogicalNetwork n : cfg.networks()) {
                c.network(n, view).forEach((d, l) -> l.forEach(f -> mods.computeIfAbsent(d, k -> new ArrayList<>())
                        .add(PipelineModel.flowAdd(f))));
            }
        }
        TopologySnapshot topo = TopologySnapshot.builder().addCable(1, 1, 0x101, 1).addCable(2, 1, 0x101, 2)
                .addPort(2, 3).addPort(1, 5).build();
        FabricInputs in = new FabricInputs(cfg, locations, topo, Map.of(LEAF1, leaf1, LEAF2,
                leaf2, SPINE, Target.MULTI_TABLE), List.of(new VlanPort(5001, LEAF1, OFPort.of(5), 100)));
        List<SegmentTree> trees = new ArrayList<>();
        cfg.networks().forEach(n -> trees.add(SegmentTree.of(n, in)));
        LinkTags tags = new LinkTags();
        tags.assign(trees);
        Map<DatapathId, List<FlowSpec>> fabric = new HashMap<>(FabricCompiler.base(in, trees));
        fabric.replaceAll((d, l) -> new ArrayList<>(l));
        trees.forEach(t -> FabricCompiler.segment(t, tags, in).forEach((d, l) -> fabric.get(d).addAll(l)));
        fabric.forEach((d, l) -> l.forEach(f -> mods.computeIfAbsent(d, k -> new ArrayList<>()).add(PipelineModel.flowAdd(f))));
        mods.forEach((d, l) -> site.switchNamed(names.get(d)).apply(l));
        return site;
    }

    static byte[] ping(LogicalPort a, LogicalPort b) {
        return Frames.from(a.mac(), a.ips().get(0)).to(b.mac(), b.ips().get(0)).echoRequest(1, 1);
    }

    @Test
    void aVmAndAPhysicalServerOfOneNetworkReachEachOtherThroughTheGatewayNode() {
        for (Target leaf1 : List.of(Target.MULTI_TABLE, Target.SINGLE_TABLE)) {
            for (Target leaf2 : List.of(Target.MULTI_TABLE, Target.SINGLE_TABLE)) {
                mixedSite(site(leaf1, leaf2));
            }
        }
    }

    static void mixedSite(InProcessFabric site) {
        NetworkConfig cfg = ConfigLoader.parse(CONFIG, "mixed.yaml").network();
        LogicalPort web1 = cfg.port("web1").orElseThrow();
        LogicalPort s1 = cfg.port("s1").orElseThrow();
        LogicalPort twin = cfg.port("twin1").orElseThrow();

        Reach there = site.send("web1", ping(web1, s1));
        assertTrue(there.reachedOnly("s1"), there.toString());
        assertEquals(List.of("hv1", "gw", "leaf1", "spine", "leaf2"), there.only("s1").switches());
        assertEquals(-1, FabricReachabilityTest.vlanOf(there.only("s1").frame()), "untagged at the server");
        Reach back = site.send("s1", ping(s1, web1));
        assertTrue(back.reachedOnly("web1"), back.toString());

        // web1 asking for s1 is answered on hv1 (the tenant pipeline knows s1's address)...
        Reach arp = site.send("web1", Frames.from(web1.mac(), web1.ips().get(0)).arpRequest(s1.ips().get(0)));
        assertTrue(arp.reachedOnly("web1"), arp.toString());
        assertEquals(s1.mac(), Frames.parseArp(arp.only("web1").frame()).sha());
        // ...a broadcast it cannot answer crosses the gateway node and the fabric once.
        Reach flood = site.send("web1", Frames.from(web1.mac(), web1.ips().get(0)).arpRequest(IPv4Address.of("10.0.1.99")));
        assertEquals(Map.of("s1", 1), flood.copies(), flood.toString());
        Reach arpBack = site.send("s1", Frames.from(s1.mac(), s1.ips().get(0)).arpRequest(web1.ips().get(0)));
        assertEquals(Map.of("web1", 1), arpBack.copies(), arpBack.toString());

        assertTrue(site.send("twin1", ping(twin, s1)).reachedNobody(), "globex's twin of web1 reaches nobody");
        assertTrue(site.send("twin1", Frames.from(twin.mac(), twin.ips().get(0)).arpRequest(s1.ips().get(0)))
                .reachedNobody());
        assertTrue(site.send("s1", Frames.from(web1.mac(), s1.ips().get(0)).to(web1.mac(), web1.ips().get(0))
                .echoRequest(1, 1)).reachedNobody(), "s1 as web1's MAC");
        assertTrue(site.send("s1", Frames.from(s1.mac(), IPv4Address.of("10.0.1.11")).to(web1.mac(),
                web1.ips().get(0)).echoRequest(1, 1)).reachedNobody(), "s1 as web1's IP");
    }
}
