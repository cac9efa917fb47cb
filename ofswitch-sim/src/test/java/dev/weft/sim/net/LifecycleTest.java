package dev.weft.sim.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.sim.channel.ConnectionConfig;
import dev.weft.sim.testctl.TestController;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.projectfloodlight.openflow.protocol.OFEchoRequest;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.DatapathId;

/** Start-up at scale, switch-initiated echo, and a clean shutdown. */
class LifecycleTest {
    @Test
    void aHundredSwitchTorusConnectsInSeconds() throws Exception {
        try (TestController ctl = TestController.start(OFVersion.OF_13)) {
            long t0 = System.nanoTime();
            try (SimNetwork n = SimNetwork.builder().controller("127.0.0.1", ctl.port())
                    .topology(Topology.parse("torus,10,10")).build()) {
                n.awaitReady(Duration.ofSeconds(20));
                long ms = (System.nanoTime() - t0) / 1_000_000;
                assertEquals(100, n.switches().size());
                assertEquals(200, n.links().size());
                assertTrue(ms < 15_000, "took " + ms + " ms");
                assertEquals(5, ctl.conn(DatapathId.of(256 + 1)).ports.size(), "host + 4 torus links");
            }
        }
    }

    @Test
    void switchSendsEchoRequestsToASilentController() throws Exception {
        try (TestController ctl = TestController.start(OFVersion.OF_13);
             SimNetwork n = SimNetwork.builder().controller("127.0.0.1", ctl.port()).topology(Topology.parse("single,1"))
                     .connection(new ConnectionConfig(Duration.ofMillis(20), Duration.ofMillis(100), Duration.ofMillis(100)))
                     .build()) {
            n.awaitReady(Duration.ofSeconds(10));
            TestController.await(() -> ctl.allReceived().stream().anyMatch(m -> m instanceof OFEchoRequest),
                    Duration.ofSeconds(5), "an echo request from the switch");
            assertTrue(n.switchNamed("s1").isConnected(), "the controller answers, so the switch stays");
        }
    }

    @Test
    void closeLeavesNoSimulatorThreads() throws Exception {
        try (TestController ctl = TestController.start(OFVersion.OF_13)) {
            SimNetwork n = SimNetwork.builder().controller("127.0.0.1", ctl.port()).topology(Topology.parse("linear,3"))
                    .build();
            n.awaitReady(Duration.ofSeconds(10));
            assertTrue(n.ping("h1", "h3").success());
            n.close();
        }
        TestController.await(() -> simThreads().isEmpty(), Duration.ofSeconds(5), "threads to end: " + simThreads());
    }

    private static List<String> simThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(n -> n.startsWith("sim-")).toList();
    }
}
