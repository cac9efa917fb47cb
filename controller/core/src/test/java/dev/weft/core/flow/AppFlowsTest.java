package dev.weft.core.flow;

import dev.weft.api.AppCookie;
import dev.weft.api.flow.FlowService;
import dev.weft.api.flow.FlowSpec;
import dev.weft.core.dispatch.Lane;
import io.netty.channel.DefaultEventLoop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.TableId;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The flow service as an app uses it: what it declared reads back from any thread, the control lane included. */
class AppFlowsTest {
    private static final OFFactory OF = OFFactories.getFactory(OFVersion.OF_13);
    private final DefaultEventLoop loop = new DefaultEventLoop();
    private final Lane control = new Lane(-2, loop);
    private final Reconciler reconciler = new Reconciler(control, null, Duration.ZERO);
    private final DatapathId dpid = DatapathId.of(5);

    @AfterEach
    void stop() {
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    private static FlowSpec entry(int port) {
        return FlowSpec.of(TableId.of(0), 10, List.of(), OF.oxms().inPort(OFPort.of(port)));
    }

    @Test
    void desiredAnswersOnTheControlLaneWithoutWaitingForIt() throws Exception {
        FlowService flows = reconciler.forApp(new AppCookie(7, 0, 0));
        FlowService other = reconciler.forApp(new AppCookie(8, 0, 0));
        flows.setDesired(dpid, 100, List.of(entry(1), entry(2)));
        flows.setDesired(dpid, 200, List.of(entry(3)));
        other.setDesired(dpid, 100, List.of(entry(9)));
        // Before: desired() queued a task on the control lane and joined it, a deadlock when
        // called from that lane. Now it must answer there, at once.
        CompletableFuture<Map<Integer, Collection<FlowSpec>>> onLane = new CompletableFuture<>();
        control.execute(() -> onLane.complete(flows.desired(dpid)));
        Map<Integer, Collection<FlowSpec>> seen = onLane.get(5, TimeUnit.SECONDS);
        assertEquals(Map.of(100, List.of(entry(1), entry(2)), 200, List.of(entry(3))), Map.copyOf(seen));

        flows.setDesired(dpid, 100, List.of());
        assertEquals(List.of(200), List.copyOf(flows.desired(dpid).keySet()), "an empty declaration forgets the scope");
        flows.clear(dpid);
        assertTrue(flows.desired(dpid).isEmpty());
        assertEquals(List.of(100), List.copyOf(other.desired(dpid).keySet()), "another app's scopes are its own");

        // The lane saw the same: only the other app's entry is still wanted.
        CompletableFuture<Integer> wanted = new CompletableFuture<>();
        control.execute(() -> reconciler.flowTable(dpid).thenAccept(v -> wanted.complete(v.orElseThrow().stats()
                .desired())));
        assertEquals(1, wanted.get(5, TimeUnit.SECONDS));
    }
}
