package dev.weft.it;

import dev.weft.cli.SimFabric;
import dev.weft.core.Controller;
import dev.weft.core.ControllerSettings;
import dev.weft.core.config.ConfigLoader;
import dev.weft.core.config.WeftConfig;
import dev.weft.ovsdb.Alert;
import dev.weft.ovsdb.AlertBook;
import dev.weft.ovsdb.OvsdbExtension;
import dev.weft.ovsdb.OvsdbSettings;
import dev.weft.sim.net.SimNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.OFPort;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Without OVSDB access (an operator-managed Open vSwitch, a hardware switch), what OpenFlow shows:
 * a hypervisor that has no tunnel port towards another ({@code tunnel-port-absent}), raised when
 * the port goes (PORT_STATUS) and cleared when it comes back; a flow-based port counts for every
 * remote. The switches are the simulator's, over loopback TCP.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class OpenFlowAlertsOnSimTest {
    static final String YAML = """
            transport-nodes:
              - name: hv1
                datapath-id: "00:00:00:00:00:00:00:01"
                tunnel-ip: 10.77.0.1
              - name: hv2
                datapath-id: "00:00:00:00:00:00:00:02"
                tunnel-ip: 10.77.0.2
            tenants:
              - name: acme
                networks:
                  - name: web
                    segment: 5001
                    ports:
                      - name: web1
                        mac: "02:00:00:00:00:01"
                        ips: [10.0.0.1]
                        binding: { interface: vm-web1 }
            """;

    static void until(BooleanSupplier ok, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!ok.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "not within 60 s: " + what);
            Thread.sleep(5); // an in-memory condition, polled with a deadline
        }
    }

    static List<String> keys(AlertBook b) {
        return b.active().stream().map(e -> e.alert().key()).toList();
    }

    @Test
    void aMissingTunnelPortIsAlertedFromWhatOpenFlowShows() throws Exception {
        WeftConfig cfg = ConfigLoader.parse(YAML, "weft.yaml");
        OvsdbExtension ext = new OvsdbExtension(OvsdbSettings.of(cfg.ovsdb(), cfg.source()));
        try (Controller c = Controller.builder(ControllerSettings.builder().config(cfg)
                .listen(List.of(new InetSocketAddress("127.0.0.1", 0))).apps(List.of("isolation", "tenant-networks"))
                .dispatchThreads(1).build()).extension(ext).start();
             SimNetwork net = SimNetwork.builder().controller("127.0.0.1", c.openflowAddresses().get(0).getPort())
                     .topology(SimFabric.topology(cfg.network(), Map.of("web1", "hv1"))).versions(OFVersion.OF_13)
                     .build()) {
            net.awaitReady(Duration.ofSeconds(30));
            DatapathId hv1 = DatapathId.of(1);
            until(() -> c.tenants().tunnelPorts(hv1).containsKey("hv2") && ext.alerts().active().isEmpty()
                    && c.switches().get(DatapathId.of(2)).isPresent(), "both connected with tunnels, no alerts: "
                    + keys(ext.alerts()));
            OFPort vx = c.tenants().tunnelPorts(hv1).get("hv2");
            net.removePort("hv1", vx);
            until(() -> keys(ext.alerts()).equals(List.of("hv1/" + Alert.TUNNEL_ABSENT + "/hv2")),
                    "tunnel-port-absent raised on hv1: " + keys(ext.alerts()));
            Alert a = ext.alerts().active().get(0).alert();
            assertTrue(a.message().contains("neither vx-hv2 nor vx-flow"), a.message());
            assertEquals(false, a.repairs(), "without OVSDB Weft cannot add it");
            // A flow-based port serves every remote: the alert clears.
            net.addPort("hv1", null, "vx-flow");
            until(() -> ext.alerts().active().isEmpty(), "cleared by vx-flow: " + keys(ext.alerts()));
            assertTrue(ext.alerts().cleared().stream().anyMatch(e -> e.alert().kind().equals(Alert.TUNNEL_ABSENT)
                    && e.alert().node().equals("hv1")), "in the cleared list");
        }
    }
}
