package dev.weft.ovsdb;

import dev.weft.core.Controller;
import dev.weft.core.ControllerSettings;
import dev.weft.core.config.ConfigLoader;
import dev.weft.core.config.WeftConfig;
import dev.weft.ovsdb.testing.OvsdbServerProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The OVSDB extension in a running controller against real {@code ovsdb-server}s (one per
 * hypervisor, each in its own temporary directory; no ovs-vswitchd, so no datapath): what it
 * builds, what it repairs and which alerts it raises and clears, all read back with
 * {@code ovs-vsctl}.
 */
class BridgeKeeperTest {
    private final List<OvsdbServerProcess> servers = new ArrayList<>();
    private Controller controller;
    private OvsdbExtension ext;

    @AfterEach
    void stop() {
        if (controller != null) {
            controller.close();
        }
        servers.forEach(OvsdbServerProcess::close);
    }

    private OvsdbServerProcess server() throws Exception {
        OvsdbServerProcess s = OvsdbServerProcess.start(false);
        servers.add(s);
        return s;
    }

    static String node(String name, int n, String ovsdb) {
        return "  - name: " + name + "\n    datapath-id: \"00:00:00:00:00:00:00:0" + n + "\"\n    tunnel-ip: 10.77.0." + n
                + "\n" + (ovsdb == null ? "" : "    ovsdb: " + ovsdb + "\n");
    }

    static String config(String tunnels, String... nodes) {
        return "ovsdb:\n  controller-targets: [\"tcp:10.99.0.254:6653\"]\n  tunnels: " + tunnels
                + "\ntransport-nodes:\n" + String.join("", nodes) + """
                tenants:
                  - name: acme
                    networks:
                      - name: web
                        segment: 5001
                        ports:
                          - name: web1
                            mac: "02:00:00:00:00:01"
                            binding: { iface-id: true }
                          - name: web2
                            mac: "02:00:00:00:00:02"
                            binding: { interface: vm-web2 }
                """;
    }

    private void start(String yaml) {
        WeftConfig cfg = ConfigLoader.parse(yaml, "weft.yaml");
        ext = new OvsdbExtension(OvsdbSettings.of(cfg.ovsdb(), cfg.source()));
        controller = Controller.builder(ControllerSettings.builder().config(cfg).apps(List.of()).dispatchThreads(1)
                .build()).withoutListeners().extension(ext).start();
    }

    static void until(BooleanSupplier ok, String what) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (!ok.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("not within 60 s: " + what);
            }
            Thread.sleep(5); // an in-memory condition polled, bounded by the deadline
        }
    }

    private boolean clearedSince(String node, String kind, Instant since) {
        return ext.alerts().cleared().stream().anyMatch(e -> e.alert().node().equals(node)
                && e.alert().kind().equals(kind) && !e.raised().isBefore(since));
    }

    private boolean noAlerts(String node) {
        return ext.alerts().active().stream().noneMatch(e -> e.alert().node().equals(node));
    }

    @Test
    void theBridgeIsBuiltAsItMustBeWithOneFlowBasedTunnel() throws Exception {
        OvsdbServerProcess hv1 = server();
        Instant t0 = Instant.now();
        start(config("flow", node("hv1", 1, "unix:" + hv1.socket()), node("hv2", 2, null)));
        until(() -> clearedSince("hv1", Alert.BRIDGE_MISSING, t0) && noAlerts("hv1"), "br-int built on hv1");
        assertEquals("br-int", hv1.vsctl("list-br"));
        assertEquals("secure", hv1.vsctl("get", "bridge", "br-int", "fail_mode"));
        assertEquals("[OpenFlow13]", hv1.vsctl("get", "bridge", "br-int", "protocols"));
        assertEquals("\"true\"", hv1.vsctl("get", "bridge", "br-int", "other_config:disable-in-band"));
        assertEquals("\"0000000000000001\"", hv1.vsctl("get", "bridge", "br-int", "other_config:datapath-id"));
        assertEquals("tcp:10.99.0.254:6653", hv1.vsctl("get-controller", "br-int"));
        assertEquals("out-of-band", hv1.vsctl("--columns=connection_mode", "--bare", "list", "controller"));
        assertEquals(List.of("br-int", "vx-flow"), sortedPortsWithLocal(hv1), "the bridge's own port and one tunnel");
        assertEquals("vxlan", hv1.vsctl("get", "interface", "vx-flow", "type"));
        assertEquals("{key=flow, remote_ip=flow}", hv1.vsctl("get", "interface", "vx-flow", "options"));
    }

    private static List<String> sortedPortsWithLocal(OvsdbServerProcess s) throws Exception {
        List<String> p = new ArrayList<>(List.of(s.vsctl("--bare", "--columns=name", "list", "port").split("\\s+")));
        p.removeIf(String::isEmpty);
        return p.stream().sorted().toList();
    }

    @Test
    void eachSettingBrokenByHandIsAlertedThenRepaired() throws Exception {
        OvsdbServerProcess hv1 = server();
        Instant t0 = Instant.now();
        start(config("flow", node("hv1", 1, "unix:" + hv1.socket()), node("hv2", 2, null)));
        until(() -> clearedSince("hv1", Alert.BRIDGE_MISSING, t0) && noAlerts("hv1"), "br-int built");
        Map<String, String[]> breaks = new LinkedHashMap<>();
        breaks.put(Alert.FAIL_MODE, new String[] {"set", "bridge", "br-int", "fail_mode=standalone"});
        breaks.put(Alert.IN_BAND, new String[] {"--", "remove", "bridge", "br-int", "other_config", "disable-in-band",
                "--", "set", "controller", "@any", "connection_mode=in-band"});
        breaks.put(Alert.CONTROLLER, new String[] {"set-controller", "br-int", "tcp:10.1.2.3:6653"});
        breaks.put(Alert.PROTOCOLS, new String[] {"set", "bridge", "br-int", "protocols=OpenFlow10"});
        breaks.put(Alert.DATAPATH_ID, new String[] {"set", "bridge", "br-int", "other_config:datapath-id=00000000000000aa"});
        breaks.put(Alert.TUNNEL_PORT, new String[] {"set", "interface", "vx-flow", "options:remote_ip=10.9.9.9"});
        Map<String, Long> lasted = new LinkedHashMap<>();
        for (var b : breaks.entrySet()) {
            Instant before = Instant.now();
            String[] cmd = b.getValue();
            if (b.getKey().equals(Alert.IN_BAND)) {
                // The controller row's uuid, for the second half of the break.
                String uuid = hv1.vsctl("--bare", "--columns=_uuid", "list", "controller");
                cmd = new String[] {"--", "remove", "bridge", "br-int", "other_config", "disable-in-band", "--", "set",
                        "controller", uuid, "connection_mode=in-band"};
            }
            hv1.vsctl(cmd);
            until(() -> clearedSince("hv1", b.getKey(), before) && noAlerts("hv1"),
                    b.getKey() + " raised, then cleared by the repair");
            lasted.put(b.getKey(), ext.alerts().cleared().stream().filter(e -> e.alert().kind().equals(b.getKey()))
                    .findFirst().orElseThrow().lasted().toMillis());
        }
        // Repaired as it must be.
        assertEquals("secure", hv1.vsctl("get", "bridge", "br-int", "fail_mode"));
        assertEquals("\"true\"", hv1.vsctl("get", "bridge", "br-int", "other_config:disable-in-band"));
        assertEquals("out-of-band", hv1.vsctl("--columns=connection_mode", "--bare", "list", "controller"));
        assertEquals("tcp:10.99.0.254:6653", hv1.vsctl("get-controller", "br-int"));
        assertEquals("[OpenFlow13]", hv1.vsctl("get", "bridge", "br-int", "protocols"));
        assertEquals("\"0000000000000001\"", hv1.vsctl("get", "bridge", "br-int", "other_config:datapath-id"));
        assertEquals("{key=flow, remote_ip=flow}", hv1.vsctl("get", "interface", "vx-flow", "options"));
        // The tunnel port deleted by hand comes back.
        Instant before = Instant.now();
        hv1.vsctl("del-port", "br-int", "vx-flow");
        until(() -> clearedSince("hv1", Alert.TUNNEL_PORT, before), "vx-flow re-added");
        assertEquals("vxlan", hv1.vsctl("get", "interface", "vx-flow", "type"));
        System.out.println("raised -> cleared by Weft's repair (ms, ovsdb-server only): " + lasted);
    }

    @Test
    void perRemoteTunnelsFollowTheNodesAndNothingElseIsTouched() throws Exception {
        OvsdbServerProcess hv1 = server();
        Instant t0 = Instant.now();
        start(config("per-remote", node("hv1", 1, "unix:" + hv1.socket()), node("hv2", 2, null)));
        until(() -> clearedSince("hv1", Alert.BRIDGE_MISSING, t0) && noAlerts("hv1"), "br-int built");
        assertEquals("{key=flow, remote_ip=\"10.77.0.2\"}", hv1.vsctl("get", "interface", "vx-hv2", "options"));
        // Someone else's port and setting on the bridge.
        hv1.vsctl("add-port", "br-int", "vm-web2", "--", "set", "bridge", "br-int", "other_config:mac-table-size=4096");
        int before = ext.transactions("hv1");
        // hv3 joins.
        controller.applyNetwork(ConfigLoader.parse(config("per-remote", node("hv1", 1, "unix:" + hv1.socket()),
                node("hv2", 2, null), node("hv3", 3, null)), "weft.yaml").network(), null);
        until(() -> {
            try {
                return hv1.vsctl("list-ports", "br-int").contains("vx-hv3");
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }, "vx-hv3 added");
        assertEquals("{key=flow, remote_ip=\"10.77.0.3\"}", hv1.vsctl("get", "interface", "vx-hv3", "options"));
        // hv2 leaves.
        controller.applyNetwork(ConfigLoader.parse(config("per-remote", node("hv1", 1, "unix:" + hv1.socket()),
                node("hv3", 3, null)), "weft.yaml").network(), null);
        until(() -> {
            try {
                return !hv1.vsctl("list-ports", "br-int").contains("vx-hv2");
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }, "vx-hv2 removed");
        assertEquals(List.of("vm-web2", "vx-hv3"), List.of(hv1.vsctl("list-ports", "br-int").split("\n")));
        assertEquals("\"4096\"", hv1.vsctl("get", "bridge", "br-int", "other_config:mac-table-size"),
                "a setting Weft does not own stays");
        assertEquals(2, ext.transactions("hv1") - before, "one transaction per change of nodes");
    }

    @Test
    void whatWeftDoesNotOwnIsAlertedAndClearedWhenRepairedByHand() throws Exception {
        OvsdbServerProcess hv1 = server();
        Instant t0 = Instant.now();
        start(config("flow", node("hv1", 1, "unix:" + hv1.socket()), node("hv2", 2, null)));
        until(() -> clearedSince("hv1", Alert.BRIDGE_MISSING, t0) && noAlerts("hv1"), "br-int built");
        // An interface with an iface-id no config knows.
        hv1.vsctl("add-port", "br-int", "tap9", "--", "set", "interface", "tap9", "external_ids:iface-id=ghost");
        until(() -> ext.alerts().active().stream().anyMatch(e -> e.alert().kind().equals(Alert.UNKNOWN_IFACE_ID)
                && e.alert().subject().equals("tap9")), "unknown iface-id raised");
        Instant fixed = Instant.now();
        hv1.vsctl("del-port", "br-int", "tap9");
        until(() -> clearedSince("hv1", Alert.UNKNOWN_IFACE_ID, t0) && noAlerts("hv1"), "unknown iface-id cleared");
        assertTrue(!fixed.isAfter(Instant.now()));
        // An underlay too small for VXLAN over 1500-byte frames (what vswitchd would report as mtu).
        hv1.vsctl("add-br", "br-phy", "--", "set", "interface", "br-phy", "mtu=1500");
        until(() -> ext.alerts().active().stream().anyMatch(e -> e.alert().kind().equals(Alert.UNDERLAY_MTU)),
                "underlay MTU raised");
        assertTrue(ext.alerts().active().stream().filter(e -> e.alert().kind().equals(Alert.UNDERLAY_MTU))
                .findFirst().orElseThrow().alert().message().contains("under the 1550"));
        hv1.vsctl("set", "interface", "br-phy", "mtu=1550");
        until(() -> clearedSince("hv1", Alert.UNDERLAY_MTU, t0) && noAlerts("hv1"), "underlay MTU cleared");
    }

    @Test
    void anUnreachableOvsdbIsAlertedAndTheBridgeBuiltWhenItComesBack() throws Exception {
        OvsdbServerProcess hv1 = server();
        Instant t0 = Instant.now();
        start(config("flow", node("hv1", 1, "unix:" + hv1.socket()), node("hv2", 2, null)));
        until(() -> clearedSince("hv1", Alert.BRIDGE_MISSING, t0) && noAlerts("hv1"), "br-int built");
        hv1.kill();
        until(() -> ext.alerts().active().stream().anyMatch(e -> e.alert().kind().equals(Alert.OVSDB_UNREACHABLE)),
                "unreachable raised");
        hv1.restart();
        hv1.vsctl("set", "bridge", "br-int", "fail_mode=standalone");
        Instant back = Instant.now();
        until(() -> clearedSince("hv1", Alert.OVSDB_UNREACHABLE, t0) && noAlerts("hv1"), "reconnected and repaired");
        assertEquals("secure", hv1.vsctl("get", "bridge", "br-int", "fail_mode"));
        assertFalse(back.isAfter(Instant.now()));
    }

    @Test
    void aPortBoundByIfaceIdIsLocatedWhereItsInterfaceIs() throws Exception {
        OvsdbServerProcess hv1 = server();
        OvsdbServerProcess hv2 = server();
        Instant t0 = Instant.now();
        start(config("flow", node("hv1", 1, "unix:" + hv1.socket()), node("hv2", 2, "unix:" + hv2.socket())));
        until(() -> clearedSince("hv1", Alert.BRIDGE_MISSING, t0) && clearedSince("hv2", Alert.BRIDGE_MISSING, t0)
                && noAlerts("hv1") && noAlerts("hv2"), "both bridges built");
        // No vswitchd here: the OpenFlow port number is written as vswitchd would.
        hv1.vsctl("add-port", "br-int", "tap-a1", "--", "set", "interface", "tap-a1", "external_ids:iface-id=web1",
                "ofport=7");
        until(() -> controller.tenants().location("web1").map(l -> l.port().getPortNumber() == 7
                && l.dpid().getLong() == 1).orElse(false), "web1 located on hv1 port 7");
        // It migrates: gone from hv1, on hv2 under another name.
        hv1.vsctl("del-port", "br-int", "tap-a1");
        hv2.vsctl("add-port", "br-int", "tap-b9", "--", "set", "interface", "tap-b9", "external_ids:iface-id=web1",
                "ofport=12");
        until(() -> controller.tenants().location("web1").map(l -> l.port().getPortNumber() == 12
                && l.dpid().getLong() == 2).orElse(false), "web1 located on hv2 port 12");
        assertTrue(noAlerts("hv1") && noAlerts("hv2"), "a known iface-id raises nothing: " + ext.alerts().active());
    }

    @Test
    void twoHypervisorsClaimingOneTunnelIpAreAlertedUntilOneStopsClaimingIt() throws Exception {
        OvsdbServerProcess hv1 = server();
        OvsdbServerProcess hv2 = server();
        Instant t0 = Instant.now();
        start(config("flow", node("hv1", 1, "unix:" + hv1.socket()), node("hv2", 2, "unix:" + hv2.socket()),
                node("hv3", 3, null)));
        until(() -> clearedSince("hv1", Alert.BRIDGE_MISSING, t0) && clearedSince("hv2", Alert.BRIDGE_MISSING, t0)
                && noAlerts("hv1") && noAlerts("hv2"), "both bridges built");
        // Each states its own address: nothing.
        hv1.vsctl("set", "open", ".", "external_ids:weft-tunnel-ip=10.77.0.1");
        hv2.vsctl("set", "open", ".", "external_ids:weft-tunnel-ip=10.77.0.2");
        // hv2 claims hv3's address (hv3 has no OVSDB: its claim is the config's).
        Instant broken = Instant.now();
        hv2.vsctl("set", "open", ".", "external_ids:weft-tunnel-ip=10.77.0.3");
        until(() -> ext.alerts().active().stream().filter(e -> e.alert().kind().equals(Alert.TUNNEL_IP_CLAIMED)
                && e.alert().subject().equals("10.77.0.3")).map(e -> e.alert().node()).sorted().toList()
                .equals(List.of("hv2", "hv3")), "hv2 and hv3 claim 10.77.0.3");
        assertTrue(noAlerts("hv1"), "hv1 is not involved: " + ext.alerts().active());
        // Then hv1 claims it too: three.
        hv1.vsctl("set", "open", ".", "external_ids:weft-tunnel-ip=10.77.0.3");
        until(() -> ext.alerts().active().stream().filter(e -> e.alert().kind().equals(Alert.TUNNEL_IP_CLAIMED))
                .count() == 3, "three claim 10.77.0.3");
        // Repaired by hand: hv1 states its own, hv2 states nothing.
        hv1.vsctl("set", "open", ".", "external_ids:weft-tunnel-ip=10.77.0.1");
        hv2.vsctl("remove", "open", ".", "external_ids", "weft-tunnel-ip");
        until(() -> ext.alerts().active().isEmpty(), "cleared: " + ext.alerts().active());
        long lasted = ext.alerts().cleared().stream().filter(e -> e.alert().kind().equals(Alert.TUNNEL_IP_CLAIMED)
                && e.alert().node().equals("hv3")).findFirst().orElseThrow().lasted().toMillis();
        assertTrue(lasted >= 0 && !broken.isAfter(Instant.now()));
        // A hypervisor stating another address than the config's, claimed by nobody else: a mismatch.
        hv2.vsctl("set", "open", ".", "external_ids:weft-tunnel-ip=10.77.0.99");
        until(() -> ext.alerts().active().stream().anyMatch(e -> e.alert().kind().equals(Alert.TUNNEL_IP_MISMATCH)
                && e.alert().node().equals("hv2")), "hv2 mismatch raised");
        // hv2 leaves the config: its claim goes with it.
        controller.applyNetwork(ConfigLoader.parse(config("flow", node("hv1", 1, "unix:" + hv1.socket()),
                node("hv3", 3, null)), "weft.yaml").network(), null);
        until(() -> ext.alerts().active().isEmpty(), "hv2's alerts gone with it: " + ext.alerts().active());
    }
}
