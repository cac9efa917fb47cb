package dev.weft.it;

import dev.weft.api.AppCookie;
import dev.weft.core.Controller;
import dev.weft.core.config.ConfigLoader;
import dev.weft.core.config.ReloadResult;
import dev.weft.core.flow.Reconciler;
import dev.weft.sim.datapath.FlowSnapshot;
import dev.weft.sim.net.SimHost;
import dev.weft.sim.packet.Frames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.projectfloodlight.openflow.protocol.OFFlowModCommand;
import org.projectfloodlight.openflow.types.TableId;
import org.projectfloodlight.openflow.types.U64;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The reconciler and hot reload against simulated hypervisors. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ReconcileAndReloadOnSimTest {
    static final Map<String, String> PLACEMENT = TenantIsolationSpecTest.PLACEMENT;
    static final Path EXAMPLE = Path.of("../../examples/tenants/three-tenants.yaml");

    private static boolean reaches(TenantFabric f, String from, String to) {
        SimHost a = f.vm(from);
        SimHost b = f.vm(to);
        return f.net.trace(from, Frames.from(a.mac(), a.ip()).to(b.mac(), b.ip()).echoRequest(1, 1, new byte[8]))
                .reachedExactly(to);
    }

    private static Map<String, Long> flowMods(TenantFabric f) {
        Map<String, Long> m = new HashMap<>();
        for (String sw : List.of("hv1", "hv2", "hv3")) {
            m.put(sw, f.net.flowModCount(sw));
        }
        return m;
    }

    @Test
    void aRestartedControllerAdoptsTheFlowsAndSendsNothing(@TempDir Path dir) throws Exception {
        Path file = Files.copy(EXAMPLE, dir.resolve("weft.yaml"));
        var cfg = ConfigLoader.load(file);
        try (TenantFabric f = new TenantFabric(cfg, PLACEMENT, file, Duration.ZERO)) {
            Map<String, Long> before = flowMods(f);
            int port = f.controller.openflowAddresses().get(0).getPort();
            f.controller.close();
            // Fail-secure: the switches keep forwarding with what they have.
            assertTrue(reaches(f, "acme-web1", "acme-web3"), "traffic flows while the controller is down");

            try (Controller again = TenantFabric.startController(cfg, file, Duration.ZERO, port)) {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
                while (again.switches().all().size() < 3 && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                assertEquals(3, again.switches().all().size(), "the switches reconnected");
                TenantFabric.awaitConverged(again, f.net.hosts().size());
                Map<String, Reconciler.Stats> stats = new HashMap<>();
                again.reconciler().stats().forEach((k, v) -> stats.put(k.toString(), v));
                assertEquals(before, flowMods(f), "no flow deleted, added or modified: " + stats);
                long adopted = again.reconciler().stats().values().stream().mapToLong(Reconciler.Stats::adopted).sum();
                long desired = again.reconciler().stats().values().stream().mapToLong(Reconciler.Stats::desired).sum();
                assertEquals(desired, adopted, "every desired entry was found in place");
                assertTrue(adopted > 50, "adopted " + adopted);
                assertTrue(reaches(f, "acme-web1", "acme-web3"));
                assertFalse(reaches(f, "acme-web1", "globex-web2"));
            }
        }
    }

    @Test
    void theAuditRepairsFlowsSomeoneDeleted() throws Exception {
        var cfg = ConfigLoader.parse(Files.readString(EXAMPLE), "test.yaml");
        try (TenantFabric f = new TenantFabric(cfg, PLACEMENT, null, Duration.ofMillis(300))) {
            assertTrue(reaches(f, "acme-web1", "acme-web2"));
            // What `ovs-ofctl del-flows` does, behind the controller's back.
            f.net.sendFromController("hv2", org.projectfloodlight.openflow.protocol.OFFactories
                    .getFactory(org.projectfloodlight.openflow.protocol.OFVersion.OF_13)
                    .buildFlowDelete().setTableId(TableId.ALL).build());
            f.net.sync();
            assertTrue(f.net.flows("hv2").isEmpty());
            assertFalse(reaches(f, "acme-web1", "acme-web2"), "hv2 lost its flows");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!reaches(f, "acme-web1", "acme-web2") && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertTrue(reaches(f, "acme-web1", "acme-web2"), "repaired");
            var hv2 = f.controller.reconciler().stats().entrySet().stream()
                    .filter(e -> e.getKey().equals(f.config.node("hv2").orElseThrow().dpid())).findFirst()
                    .orElseThrow().getValue();
            assertTrue(hv2.repaired() > 0, hv2.toString());
        }
    }

    @Test
    void reloadChangesOnlyTheFlowsOfWhatChanged(@TempDir Path dir) throws Exception {
        Path file = Files.copy(EXAMPLE, dir.resolve("weft.yaml"));
        var cfg = ConfigLoader.load(file);
        try (TenantFabric f = new TenantFabric(cfg, PLACEMENT, file, Duration.ZERO)) {
            Map<String, Long> before = flowMods(f);
            Map<String, List<FlowSnapshot>> flowsBefore = new HashMap<>();
            for (String sw : List.of("hv1", "hv2", "hv3")) {
                flowsBefore.put(sw, f.net.flows(sw));
            }
            Map<String, Map<U64, Long>> cookiesBefore = new HashMap<>();
            for (String sw : List.of("hv1", "hv2", "hv3")) {
                cookiesBefore.put(sw, f.net.flowModCookies(sw));
            }
            // An invalid file is rejected and changes nothing.
            String yaml = Files.readString(file);
            Files.writeString(file, yaml.replace("segment: 6001", "segment: 5001"));
            ReloadResult bad = f.controller.reload();
            assertEquals(ReloadResult.Outcome.REJECTED, bad.outcome());
            assertTrue(bad.message().contains("segment 5001 is already used by network acme/web"), bad.message());
            assertTrue(bad.message().startsWith(file.toString() + ":"), "names the file and line: " + bad.message());
            f.controller.reconciler().quiesce().get(5, TimeUnit.SECONDS);
            assertEquals(before, flowMods(f), "a rejected reload sends nothing");

            // Remove globex-web2 (on hv2), and add a network for initech on hv1 and hv3's existing VMs? No:
            // add a new tenant network whose port is not plugged anywhere yet, plus remove a port.
            String next = yaml
                    .replace("""
                              - name: globex-web2
                                mac: "02:00:0a:00:01:0c"
                                ips: [10.0.1.12]
                                binding: { interface: vm-globex-web2 }
                    """, "")
                    .replace("""
                      - name: initech
                        networks:
                    """, """
                      - name: initech
                        networks:
                          - name: dmz
                            segment: 7777
                            ports:
                              - name: initech-dmz1
                                mac: "02:00:0b:00:07:01"
                                ips: [172.16.0.1]
                                binding: { interface: vm-initech-d1 }
                    """);
            assertFalse(next.equals(yaml), "the edit applies");
            Files.writeString(file, next);
            ReloadResult ok = f.controller.reload();
            assertEquals(ReloadResult.Outcome.APPLIED, ok.outcome(), ok.message());
            assertEquals(Set.of(6001, 7777), ok.changedSegments());
            TenantFabric.awaitConverged(f.controller, f.net.hosts().size() - 1);

            Map<String, Long> after = flowMods(f);
            // globex's network exists on hv1 (globex-web1) and hv2 (globex-web2, now gone): hv3 untouched.
            assertEquals(before.get("hv3"), after.get("hv3"), "hv3 hosts nothing that changed");
            assertTrue(after.get("hv1") > before.get("hv1") && after.get("hv2") > before.get("hv2"));
            assertFalse(reaches(f, "globex-web1", "globex-web2"), "the removed port is cut off");
            assertTrue(reaches(f, "acme-web1", "acme-web2"));
            // Only flows of the changed network (cookie network 6001) were touched: every FLOW_MOD
            // the switches received since the edit carried 6001's cookie (7777 has no port located
            // yet, so nothing of it is installed), and every other flow is one that was there before.
            int untouched = 0;
            for (String sw : List.of("hv1", "hv2", "hv3")) {
                Map<U64, Long> now = f.net.flowModCookies(sw);
                for (var e : now.entrySet()) {
                    long since = e.getValue() - cookiesBefore.get(sw).getOrDefault(e.getKey(), 0L);
                    int net = AppCookie.of(e.getKey()).network();
                    assertTrue(since == 0 || net == 6001,
                            sw + " received " + since + " flow-mods for network " + net + " (cookie " + e.getKey() + ")");
                }
                for (FlowSnapshot fl : f.net.flows(sw)) {
                    if (AppCookie.of(fl.cookie()).network() != 6001) {
                        assertTrue(flowsBefore.get(sw).stream().anyMatch(b -> b.match().equals(fl.match())
                                && b.priority() == fl.priority() && b.tableId() == fl.tableId()), fl.describe());
                        untouched++;
                    }
                }
            }
            assertTrue(untouched > 50, "untouched flows: " + untouched);
            long deletes = f.net.flowModCounts("hv2").getOrDefault(OFFlowModCommand.DELETE_STRICT, 0L);
            assertTrue(deletes > 0, "globex-web2's entries were deleted on hv2");
        }
    }
}
