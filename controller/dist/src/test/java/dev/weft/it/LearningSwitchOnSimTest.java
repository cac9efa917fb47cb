package dev.weft.it;

import dev.weft.api.AppCookie;
import dev.weft.core.Controller;
import dev.weft.core.ControllerSettings;
import dev.weft.core.app.AppCookies;
import dev.weft.sim.net.Delivery;
import dev.weft.sim.net.PingAllResult;
import dev.weft.sim.net.SimHost;
import dev.weft.sim.net.SimNetwork;
import dev.weft.sim.net.Topology;
import dev.weft.sim.packet.Frames;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.projectfloodlight.openflow.protocol.OFVersion;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Weft's learning switch against simulated switches over loopback TCP: full reachability. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LearningSwitchOnSimTest {

    @ParameterizedTest(name = "{0} over OpenFlow {1}")
    @CsvSource({"'linear,4', 1.0", "'linear,4', 1.3", "'tree,2,2', 1.0", "'tree,2,2', 1.3"})
    void fullReachability(String topo, String of) throws Exception {
        OFVersion v = of.equals("1.0") ? OFVersion.OF_10 : OFVersion.OF_13;
        try (Controller c = Controller.start(ControllerSettings.builder()
                .listen(List.of(new InetSocketAddress("127.0.0.1", 0))).dispatchThreads(2).build());
             SimNetwork net = SimNetwork.builder().controller("127.0.0.1", c.openflowAddresses().get(0).getPort())
                     .topology(Topology.parse(topo)).versions(v).build()) {
            net.awaitReady(Duration.ofSeconds(10));
            // The simulator is ready once it has answered the handshake's barrier; Weft a moment later.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (c.switches().all().size() < net.switches().size() && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertEquals(net.switches().size(), c.switches().all().size());
            c.switches().all().forEach(sw -> assertEquals(v, sw.version()));

            PingAllResult all = net.pingAll();
            assertEquals(0, all.droppedPercent(), all::summary);
            assertTrue(all.allReachable(), all::summary);

            // After learning, a unicast frame reaches exactly its destination, through flows alone.
            List<SimHost> hosts = List.copyOf(net.hosts());
            SimHost a = hosts.get(0);
            SimHost b = hosts.get(hosts.size() - 1);
            byte[] frame = Frames.from(a.mac()).to(b.mac()).ethernet(0x0800, new byte[46]);
            Delivery d = net.trace(a.name(), frame);
            assertTrue(d.reachedExactly(b.name()), d::toString);
            assertEquals(0, d.packetIns(), "learned: no controller round trip");
            assertFalse(d.stormDetected());

            // The flows in the switches are the learning switch's (its cookie).
            int appId = AppCookies.idFor("learning-switch");
            long learned = net.switches().stream().flatMap(s -> net.flows(s.name()).stream())
                    .filter(f -> f.priority() == 100).peek(f -> assertTrue(
                            AppCookie.ownedBy(f.cookie(), appId), "cookie of " + f)).count();
            assertTrue(learned > 0);
        }
    }
}
