package dev.weft.cluster;

import dev.weft.api.Switch;
import dev.weft.api.SwitchErrorException;
import dev.weft.core.Controller;
import dev.weft.core.ControllerSettings;
import dev.weft.core.openflow.SwitchRole;
import dev.weft.sim.net.PingResult;
import dev.weft.sim.net.SimNetwork;
import dev.weft.sim.net.Topology;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.projectfloodlight.openflow.protocol.OFControllerRole;
import org.projectfloodlight.openflow.protocol.OFFlowAdd;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.U64;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two Weft instances share one simulated switch that connects to both (as Open vSwitch does with
 * two controller targets). Roles decide who may act: the master programs flows and answers
 * packet-ins, the slave does neither, a deposed master can no longer change the switch, and a
 * stale generation id is refused.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RoleGateOnSimTest {

    private static Controller instance() {
        return Controller.builder(ControllerSettings.builder().listen(List.of(new InetSocketAddress("127.0.0.1", 0)))
                .dispatchThreads(1).build()).switchesStartAsSlaves().start();
    }

    @Test
    void onlyTheMasterActsAndADeposedMasterCannotChangeTheSwitch() throws Exception {
        try (Controller a = instance(); Controller b = instance();
             SimNetwork net = SimNetwork.builder().controllers(List.of(a.openflowAddresses().get(0),
                     b.openflowAddresses().get(0))).topology(Topology.parse("single,2")).build()) {
            InetSocketAddress addrA = a.openflowAddresses().get(0);
            InetSocketAddress addrB = b.openflowAddresses().get(0);
            DatapathId dpid = net.switchNamed("s1").dpid();
            await(() -> a.switches().get(dpid).isPresent() && b.switches().get(dpid).isPresent(), "both see s1");
            assertEquals(SwitchRole.SLAVE, a.roles().role(dpid).orElseThrow());
            assertEquals(SwitchRole.SLAVE, b.roles().role(dpid).orElseThrow());

            // Both slaves on their side: nobody answers the switch's packet-ins, nothing is learned.
            PingResult none = net.ping("h1", "h2", Duration.ofMillis(500));
            assertFalse(none.success(), none.toString());
            long learningFlows = net.flows("s1").stream().filter(f -> f.priority() == 100).count();
            assertEquals(0, learningFlows, "a slave installs nothing");

            assertEquals(SwitchRole.MASTER, a.roles().request(dpid, SwitchRole.MASTER, 1).join());
            assertEquals(SwitchRole.SLAVE, b.roles().request(dpid, SwitchRole.SLAVE, 1).join());
            assertEquals(Map.of(addrA, OFControllerRole.ROLE_MASTER, addrB, OFControllerRole.ROLE_SLAVE),
                    net.roles("s1"));

            // The master answers: the ping goes through, the learning switch's flows are A's.
            PingResult ok = net.ping("h1", "h2");
            assertTrue(ok.success(), ok.toString());
            assertTrue(net.flows("s1").stream().anyMatch(f -> f.priority() == 100), "A learned");
            assertEquals(0, totals(b, dpid).packetIns(), "the slave saw no packet-in");
            assertEquals(0, totals(b, dpid).flowMods(), "the slave sent no flow-mod");
            assertTrue(totals(a, dpid).packetIns() > 0);

            // B takes over with a newer generation: the switch demotes A and tells it (ROLE_STATUS).
            assertEquals(SwitchRole.MASTER, b.roles().request(dpid, SwitchRole.MASTER, 2).join());
            assertEquals(OFControllerRole.ROLE_SLAVE, net.roles("s1").get(addrA));
            await(() -> a.roles().role(dpid).orElseThrow() == SwitchRole.SLAVE, "A told it is a slave");
            Switch swA = a.switches().get(dpid).orElseThrow();
            OFFlowAdd marker = swA.factory().buildFlowAdd().setPriority(7).setCookie(U64.of(0x77))
                    .setMatch(swA.factory().buildMatch().build())
                    .setActions(List.of(swA.factory().actions().output(OFPort.of(1), 0))).build();

            // A claims mastership again with its old generation: stale, refused; A is a slave now.
            CompletionException stale = assertThrows(CompletionException.class,
                    () -> a.roles().request(dpid, SwitchRole.MASTER, 1).join());
            assertInstanceOf(SwitchErrorException.class, stale.getCause());
            assertEquals(SwitchRole.SLAVE, a.roles().role(dpid).orElseThrow());
            assertEquals(OFControllerRole.ROLE_MASTER, net.roles("s1").get(addrB));
            // From now on A does not even send what would change the switch.
            long sentBefore = totals(a, dpid).flowMods();
            swA.send(marker);
            a.switches().get(dpid).orElseThrow().barrier().join();
            assertEquals(sentBefore, totals(a, dpid).flowMods(), "gated on A's side");
        }
    }

    /**
     * OpenFlow 1.3 (Open vSwitch's ONF extension), 1.4 and 1.5: the switch tells a master it demoted
     * (ROLE_STATUS); the instance becomes a slave on its side at once, without a peer fault, and
     * its demotion listener hears the new master's generation. Before, 1.3's status was answered
     * as an undecodable message and a deposed master went on believing it was master.
     */
    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_13", "OF_14", "OF_15"})
    void aDeposedMasterIsToldByTheSwitch(OFVersion version) throws Exception {
        try (Controller a = instance(); Controller b = instance();
             SimNetwork net = SimNetwork.builder().controllers(List.of(a.openflowAddresses().get(0),
                     b.openflowAddresses().get(0))).topology(Topology.parse("single,2")).versions(version).build()) {
            InetSocketAddress addrA = a.openflowAddresses().get(0);
            InetSocketAddress addrB = b.openflowAddresses().get(0);
            DatapathId dpid = net.switchNamed("s1").dpid();
            await(() -> a.switches().get(dpid).isPresent() && b.switches().get(dpid).isPresent(), "both see s1");
            List<Long> demotedA = new CopyOnWriteArrayList<>();
            List<Long> demotedB = new CopyOnWriteArrayList<>();
            a.roles().onDemoted((d, gen) -> demotedA.add(gen));
            b.roles().onDemoted((d, gen) -> demotedB.add(gen));
            assertEquals(SwitchRole.MASTER, a.roles().request(dpid, SwitchRole.MASTER, 5).join());
            assertEquals(SwitchRole.MASTER, b.roles().request(dpid, SwitchRole.MASTER, 6).join());
            assertEquals(Map.of(addrA, OFControllerRole.ROLE_SLAVE, addrB, OFControllerRole.ROLE_MASTER),
                    net.roles("s1"));
            // The role is set before the demotion listeners run (ConnectionRole.reported): wait for both.
            await(() -> a.roles().role(dpid).orElseThrow() == SwitchRole.SLAVE && !demotedA.isEmpty(),
                    "A told it is a slave");
            assertEquals(List.of(6L), demotedA);
            assertEquals(List.of(), demotedB, "the new master was not demoted");
            assertEquals(SwitchRole.MASTER, b.roles().role(dpid).orElseThrow());
            assertEquals(0, totals(a, dpid).peerFaultsTotal(), () -> "the status is no fault: " + totals(a, dpid));
            // A now holds back on its side what would change the switch.
            Switch swA = a.switches().get(dpid).orElseThrow();
            long sent = totals(a, dpid).flowMods();
            swA.send(swA.factory().buildFlowAdd().setPriority(7).setMatch(swA.factory().buildMatch().build())
                    .setActions(List.of(swA.factory().actions().output(OFPort.of(1), 0))).build());
            swA.barrier().join();
            assertEquals(sent, totals(a, dpid).flowMods(), "gated on A's side");
            assertEquals(0, totals(a, dpid).errors(), "nothing refused by the switch");
            // A takes it back with a newer generation: B is told in turn.
            assertEquals(SwitchRole.MASTER, a.roles().request(dpid, SwitchRole.MASTER, 7).join());
            await(() -> b.roles().role(dpid).orElseThrow() == SwitchRole.SLAVE && !demotedB.isEmpty(),
                    "B told it is a slave");
            assertEquals(List.of(7L), demotedB);
        }
    }

    private static dev.weft.core.openflow.SwitchTotals totals(Controller c, DatapathId dpid) {
        return c.switchTotals().stream().filter(t -> t.dpid().equals(dpid)).findFirst().orElseThrow();
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 20 s: " + what);
            }
            Thread.sleep(5);
        }
    }
}
