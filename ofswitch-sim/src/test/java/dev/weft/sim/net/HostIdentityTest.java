package dev.weft.sim.net;

import static dev.weft.sim.net.Flows.add;
import static dev.weft.sim.net.Flows.inPort;
import static dev.weft.sim.net.Flows.out;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.sim.packet.Frames;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A ping names a host, not an address: "b" and "twin" use the same MAC and IP, like two tenants'
 * VMs, and only b is wired to a (ports 1 and 2 forward to each other; port 3 is cut off).
 */
class HostIdentityTest {
    private final RecordingController ctl = new RecordingController();
    private SimNetwork net;

    @BeforeEach
    void start() {
        Topology t = TopologyFile.parse(List.of(
                "switch s1 ports=3",
                "host a    s1:1 mac=02:00:00:00:00:01 ip=10.0.0.1",
                "host b    s1:2 mac=02:00:00:00:00:02 ip=10.0.0.2",
                "host twin s1:3 mac=02:00:00:00:00:02 ip=10.0.0.2"), "twins");
        net = SimNetwork.builder().directController(ctl).topology(t).build();
        ctl.net = net;
        net.sendFromController("s1", add(10, inPort(1), out(2)));
        net.sendFromController("s1", add(10, inPort(2), out(1)));
        net.sync();
    }

    @AfterEach
    void close() {
        net.close();
    }

    @Test
    void aPingToATwinFailsWhenOnlyTheOtherTwinAnswers() {
        assertTrue(net.ping("a", "b").success(), "control: a reaches b");
        PingResult r = net.ping("a", "twin");
        assertFalse(r.success(), r.toString());
        assertEquals("no echo reply from twin (answered by b)", r.reason());
    }

    @Test
    void pingAllCountsOnlyPairsWhoseNamedHostAnswered() {
        PingAllResult r = net.pingAll();
        assertEquals(2, r.received(), r.summary());
        assertTrue(r.reachable("a", "b") && r.reachable("b", "a"), r.summary());
        assertFalse(r.reachable("a", "twin"), r.summary());
    }

    @Test
    void receptionsNameTheHostThatSentTheFrameEvenWithTheSameAddresses() {
        SimHost a = net.host("a");
        SimHost twin = net.host("twin");
        Delivery d = net.trace("a", Frames.from(a.mac(), a.ip()).to(twin.mac(), twin.ip())
                .echoRequest(9, 1, new byte[8]));
        assertTrue(d.reachedExactly("b"), d.toString());
        assertEquals(1, d.receivedFrom("b", "a").size(), "the request, sent by a");
        assertEquals(1, d.receivedFrom("a", "b").size(), "the reply, sent by b");
        assertEquals(List.of(), d.receivedFrom("a", "twin"));
    }
}
