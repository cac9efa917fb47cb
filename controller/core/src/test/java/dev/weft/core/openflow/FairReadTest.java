package dev.weft.core.openflow;

import dev.weft.api.event.Event;
import dev.weft.api.event.PacketIn;
import dev.weft.api.event.SwitchConnected;
import dev.weft.core.dispatch.Dispatcher;
import dev.weft.core.dispatch.Lane;
import dev.weft.sim.packet.Frames;
import io.netty.channel.EventLoop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFPacketInReason;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFBufferId;
import org.projectfloodlight.openflow.types.OFPort;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 11, fairness: every switch with input waiting is served in turn, a small budget each
 * ({@link FairReads}). Eight switches on one dispatch thread each put 600 packet-ins (49 KB) into their
 * socket while the thread is held; then the thread is let go and the order in which the
 * packet-ins reach the apps is recorded. At every point of that order, no switch that still has
 * packet-ins waiting is more than three budgets behind another: round-robin, not first come
 * first drained. (Netty's default, 16 reads of 64 KB per turn, drains one switch after another;
 * the former 4 KB budget let a switch run about 100 packet-ins ahead.)
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FairReadTest {
    private static final int SWITCHES = 8;
    private static final int PER_SWITCH = 600;
    /** Three turns' reads of 1 KB: 82-byte packet-ins, 13 a read. */
    private static final int MAX_LEAD = 39;

    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
    }

    @Test
    void switchesWithInputWaitingAreServedRoundRobinInSmallBudgets() throws Exception {
        Dispatcher dispatcher = new Dispatcher(1);
        RecordingBus rec = new RecordingBus();
        SwitchManager manager = new SwitchManager(dispatcher, rec.bus, Duration.ofSeconds(5));
        OpenFlowServer server = new OpenFlowServer(new OpenFlowServer.Options(EnumSet.of(OFVersion.OF_10),
                Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(60), false), manager, dispatcher,
                Clock.systemUTC());
        InetSocketAddress addr = server.bind(List.of(new InetSocketAddress("127.0.0.1", 0))).get(0);
        toClose.add(dispatcher);
        toClose.add(server);
        List<ScriptedSwitch> switches = new ArrayList<>();
        for (int i = 1; i <= SWITCHES; i++) {
            ScriptedSwitch s = new ScriptedSwitch(i, OFVersion.OF_10).connect(addr);
            toClose.add(0, s);
            switches.add(s);
        }
        for (int i = 0; i < SWITCHES; i++) {
            rec.next(SwitchConnected.class);
        }

        // Hold the one dispatch thread while every switch fills its socket.
        Lane lane = dispatcher.laneOf((EventLoop) dispatcher.group().next());
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        lane.execute(() -> {
            held.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertTrue(held.await(10, TimeUnit.SECONDS));
        toClose.add(0, release::countDown); // whatever happens, let the thread go before closing
        int probeBytes = 0;
        for (ScriptedSwitch s : switches) {
            List<OFMessage> probes = new ArrayList<>();
            for (int n = 0; n < PER_SWITCH; n++) {
                byte[] frame = Frames.from(MacAddress.of(0x0200_0000_0000L + n), IPv4Address.of(10, 0, 0, 1))
                        .minLength(64).arpRequest(IPv4Address.of(10, 0, 0, 2));
                probes.add(s.f.buildPacketIn().setBufferId(OFBufferId.NO_BUFFER).setTotalLen(frame.length)
                        .setInPort(OFPort.of(1)).setReason(OFPacketInReason.NO_MATCH).setData(frame).build());
            }
            s.sendNow(probes.toArray(OFMessage[]::new));
            probeBytes = 18 + 64;
        }
        release.countDown();

        List<DatapathId> order = new ArrayList<>();
        while (order.size() < SWITCHES * PER_SWITCH) {
            Event e = rec.events.poll(20, TimeUnit.SECONDS);
            if (e == null) {
                throw new AssertionError("only " + order.size() + " packet-ins arrived");
            }
            if (e instanceof PacketIn p) {
                order.add(p.sw().id());
            }
        }

        int budget = FairReads.BUDGET / probeBytes + 1; // packet-ins in one turn's read
        Map<DatapathId, Integer> served = new HashMap<>();
        switches.forEach(s -> served.put(s.dpid, 0));
        int worst = 0;
        int worstAt = -1;
        for (int i = 0; i < order.size(); i++) {
            served.merge(order.get(i), 1, Integer::sum);
            int max = served.values().stream().mapToInt(Integer::intValue).max().orElseThrow();
            int minWaiting = served.values().stream().mapToInt(Integer::intValue).filter(c -> c < PER_SWITCH)
                    .min().orElse(max);
            if (max - minWaiting > worst) {
                worst = max - minWaiting;
                worstAt = i;
            }
        }
        System.out.printf("[fair] %d switches x %d packet-ins on one thread: largest lead of one switch over"
                + " another with input waiting = %d packet-ins (at #%d; budget %d)%n", SWITCHES, PER_SWITCH, worst,
                worstAt, budget);
        assertTrue(worst <= MAX_LEAD, "a switch ran " + worst + " packet-ins ahead of another that had input"
                + " waiting (at packet-in #" + worstAt + "); allowed: " + MAX_LEAD + " (3 reads of " + budget + ")");
        assertEquals(SWITCHES * PER_SWITCH, order.size());
    }
}
