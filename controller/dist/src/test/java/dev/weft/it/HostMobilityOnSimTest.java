package dev.weft.it;

import dev.weft.api.tenant.Migration;
import dev.weft.apps.mobility.api.MobilityService;
import dev.weft.api.tenant.PortLocation;
import dev.weft.core.Controller;
import dev.weft.core.ControllerSettings;
import dev.weft.sim.datapath.FlowSnapshot;
import dev.weft.sim.net.SimHost;
import dev.weft.sim.net.SimNetwork;
import dev.weft.sim.net.Topology;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.action.OFAction;
import org.projectfloodlight.openflow.protocol.action.OFActionOutput;
import org.projectfloodlight.openflow.protocol.instruction.OFInstructionApplyActions;
import org.projectfloodlight.openflow.types.OFPort;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The learning-switch world: hosts without any binding. A host that moves is re-learned where it
 * shows up (the core's host tracker), the learning switch drops what led to its old port, and the
 * mobility app keeps the move in its history.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HostMobilityOnSimTest {
    @Test
    void aHostThatMovesIsRelearnedItsOldFlowsGoAndTheMoveIsInTheHistory() throws Exception {
        try (Controller weft = Controller.start(ControllerSettings.builder()
                .listen(List.of(new InetSocketAddress("127.0.0.1", 0)))
                .apps(List.of("learning-switch", "mobility")).dispatchThreads(2).build());
             SimNetwork net = SimNetwork.builder().controller("127.0.0.1", weft.openflowAddresses().get(0).getPort())
                     .topology(Topology.parse("linear,3")).versions(OFVersion.OF_13).build()) {
            net.awaitReady(Duration.ofSeconds(10));
            MobilityService mobility = weft.service(MobilityService.class).orElseThrow();
            // The host tracker places a host only on a port that is no link's end; until discovery
            // knows both cables (4 directed links), h1's frames flooded through s2 may place it on a
            // link port (seen once: h1 "moved" to s2/2 instead of s3/3).
            dev.weft.api.topology.TopologyService topology =
                    weft.service(dev.weft.api.topology.TopologyService.class).orElseThrow();
            MobilityFabric.await("both cables discovered", () -> topology.current().links().size() == 4);
            MobilityFabric.await("pingall", () -> net.pingAll().droppedPercent() == 0);
            SimHost h1 = net.host("h1");
            OFPort oldPort = h1.port();
            assertTrue(net.flows("s1").stream().anyMatch(f -> outputsTo(f, oldPort)), "learned flows towards h1");

            OFPort newPort = net.moveHost("h1", "s3", null);
            net.gratuitousArp("h1");
            MobilityFabric.await("the host move in the history", () -> mobility.last(h1.mac().toString()).isPresent());
            Migration m = mobility.last(h1.mac().toString()).orElseThrow();
            System.out.println("[sim] learning switch, h1 moved s1 -> s3: " + m);
            assertEquals(Migration.Kind.HOST, m.kind());
            assertEquals(Optional.of(new PortLocation(net.switchNamed("s1").dpid(), oldPort)), m.from());
            assertEquals(new PortLocation(net.switchNamed("s3").dpid(), newPort), m.to());
            for (String other : List.of("h2", "h3")) {
                assertTrue(net.ping(other, "h1").success(), other + " -> h1");
            }
            List<FlowSnapshot> stale = net.flows("s1").stream().filter(f -> outputsTo(f, oldPort)).toList();
            assertEquals(List.of(), stale.stream().map(FlowSnapshot::describe).toList(), "nothing leads to the old port");
        }
    }

    static boolean outputsTo(FlowSnapshot f, OFPort port) {
        List<OFAction> actions = f.actions().isEmpty() ? f.instructions().stream()
                .filter(i -> i instanceof OFInstructionApplyActions).flatMap(i -> ((OFInstructionApplyActions) i)
                        .getActions().stream()).toList() : f.actions();
        return actions.stream().anyMatch(a -> a instanceof OFActionOutput o && o.getPort().equals(port));
    }
}
