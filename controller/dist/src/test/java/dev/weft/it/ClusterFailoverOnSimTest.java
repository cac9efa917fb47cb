package dev.weft.it;

import dev.weft.cli.SimFabric;
import dev.weft.core.Controller;
import dev.weft.core.ControllerSettings;
import dev.weft.core.config.ConfigLoader;
import dev.weft.core.config.WeftConfig;
import dev.weft.core.openflow.SwitchRole;
import dev.weft.core.openflow.SwitchTotals;
import dev.weft.sim.net.PingResult;
import dev.weft.sim.net.SimNetwork;
import dev.weft.sim.net.SimSwitch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.projectfloodlight.openflow.protocol.OFVersion;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The tenant networks of the example config on three simulated hypervisors, each connected to two
 * instances that start as slaves (roles given by hand here; ZooKeeper decides them in a cluster).
 * Says: the slave sends nothing while the master programs everything; when the master dies and
 * the slave is made master, it reads the hypervisors' flows, adopts them and re-installs nothing,
 * traffic keeps flowing, and a migration afterwards is handled by the new master.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ClusterFailoverOnSimTest {

    private static Controller instance(WeftConfig cfg) {
        return Controller.builder(ControllerSettings.builder().config(cfg)
                .listen(List.of(new InetSocketAddress("127.0.0.1", 0))).apps(List.of("isolation", "tenant-networks",
                        "mobility")).tableMissToController(false).dispatchThreads(2).flowAuditInterval(Duration.ZERO)
                .build()).switchesStartAsSlaves().start();
    }

    @Test
    void theNewMasterAdoptsEverythingAndReinstallsNothing() throws Exception {
        WeftConfig cfg = ConfigLoader.load(Path.of("../../examples/tenants/three-tenants.yaml"));
        Controller a = instance(cfg);
        try (Controller b = instance(cfg);
             SimNetwork net = SimNetwork.builder().controllers(List.of(a.openflowAddresses().get(0),
                             b.openflowAddresses().get(0)))
                     .topology(SimFabric.topology(cfg.network(), TenantIsolationSpecTest.PLACEMENT))
                     .versions(OFVersion.OF_13).build()) {
            int vms = TenantIsolationSpecTest.PLACEMENT.size();
            await(() -> net.switches().stream().allMatch(s -> a.switches().get(s.dpid()).isPresent()
                    && b.switches().get(s.dpid()).isPresent()), "both instances see every hypervisor");
            for (SimSwitch s : net.switches()) {
                assertEquals(SwitchRole.MASTER, a.roles().request(s.dpid(), SwitchRole.MASTER, 1).join());
                assertEquals(SwitchRole.SLAVE, b.roles().request(s.dpid(), SwitchRole.SLAVE, 1).join());
            }
            TenantFabric.awaitConverged(a, vms);
            TenantFabric.awaitConverged(b, vms);
            PingResult before = net.ping("acme-web1", "acme-web3");
            assertTrue(before.success(), before.toString());
            assertEquals(0, flowMods(b), "the slave sent no flow-mod");
            assertTrue(flowMods(a) > 0);
            Map<String, Long> received = new HashMap<>();
            net.switches().forEach(s -> received.put(s.name(), net.flowModCount(s.name())));
            Map<String, Integer> entries = new HashMap<>();
            net.switches().forEach(s -> entries.put(s.name(), net.flows(s.name()).size()));

            long adoptedBefore = adopted(b);

            // The master dies; the slave is made master with a newer generation.
            a.close();
            for (SimSwitch s : net.switches()) {
                assertEquals(SwitchRole.MASTER, b.roles().request(s.dpid(), SwitchRole.MASTER, 2).join());
            }
            await(() -> adopted(b) > adoptedBefore, "the new master read and adopted the flows");
            TenantFabric.awaitConverged(b, vms);
            for (SimSwitch s : net.switches()) {
                assertEquals(received.get(s.name()), net.flowModCount(s.name()), s.name() + ": nothing re-installed");
                assertEquals(entries.get(s.name()), net.flows(s.name()).size(), s.name() + ": the same entries");
            }
            assertEquals(0, flowMods(b), "the new master had nothing to send");
            PingResult after = net.ping("acme-web1", "acme-web3");
            assertTrue(after.success(), after.toString());

            // A migration afterwards: the new master moves acme-web1's flows.
            net.moveHost("acme-web1", "hv2", null);
            await(() -> b.tenants().location("acme-web1").map(l -> l.dpid().equals(net.switchNamed("hv2").dpid()))
                    .orElse(false), "acme-web1 located on hv2");
            TenantFabric.awaitConverged(b, vms);
            assertTrue(flowMods(b) > 0, "the new master programs the move");
            PingResult moved = net.ping("acme-web3", "acme-web1");
            assertTrue(moved.success(), moved.toString());
        } finally {
            a.close();
        }
    }

    private static long adopted(Controller c) {
        return c.reconciler().stats().values().stream().mapToLong(r -> r.adopted()).sum();
    }

    private static long flowMods(Controller c) {
        return c.switchTotals().stream().mapToLong(SwitchTotals::flowMods).sum();
    }

    private static void await(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 20 s: " + what);
            }
            Thread.sleep(10);
        }
    }
}
