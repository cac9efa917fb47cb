package dev.weft.sim.datapath;

import static dev.weft.sim.datapath.Of.add;
import static dev.weft.sim.datapath.Of.apply;
import static dev.weft.sim.datapath.Of.out;
import static dev.weft.sim.datapath.Of.udp12;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFFlowModFlags;
import org.projectfloodlight.openflow.protocol.OFFlowRemoved;
import org.projectfloodlight.openflow.protocol.OFFlowRemovedReason;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.TableId;
import org.projectfloodlight.openflow.types.U64;

/** Idle and hard timeouts on an injected ticker, and FLOW_REMOVED with the right reason. */
class TimeoutTest {
    private final DatapathHarness h = DatapathHarness.of13(2);
    private final OFFactory f = h.f();

    private void tick(int millis) {
        h.ticker.advance(Duration.ofMillis(millis));
        h.dp.expireFlows();
    }

    @Test
    void idleTimeoutIsRefreshedByTrafficAndReportsIdleTimeout() {
        h.send(add(f, 0, 10, f.buildMatch().setExact(MatchField.IN_PORT, OFPort.of(1)).build(), apply(f, out(f, 2)))
                .setIdleTimeout(5).setCookie(U64.of(9)).setFlags(Set.of(OFFlowModFlags.SEND_FLOW_REM)).build());
        tick(3000);
        h.inject(1, udp12());
        tick(3000);
        assertEquals(1, h.dp.flows().size(), "used 3 s ago: still there at 6 s");
        h.assertNoMessages();
        tick(2100);
        assertTrue(h.dp.flows().isEmpty());
        OFFlowRemoved fr = h.take(OFFlowRemoved.class).get(0);
        assertEquals(OFFlowRemovedReason.IDLE_TIMEOUT, fr.getReason());
        assertEquals(U64.of(9), fr.getCookie());
        assertEquals(U64.of(1), fr.getPacketCount());
        assertEquals(TableId.of(0), fr.getTableId());
        assertEquals(8, fr.getDurationSec());
    }

    @Test
    void hardTimeoutIgnoresTraffic() {
        h.send(add(f, 0, 10, f.buildMatch().build(), apply(f, out(f, 2))).setHardTimeout(10)
                .setFlags(Set.of(OFFlowModFlags.SEND_FLOW_REM)).build());
        for (int i = 0; i < 9; i++) {
            tick(1000);
            h.inject(1, udp12());
        }
        assertEquals(1, h.dp.flows().size());
        tick(1000);
        assertTrue(h.dp.flows().isEmpty());
        assertEquals(OFFlowRemovedReason.HARD_TIMEOUT, h.take(OFFlowRemoved.class).get(0).getReason());
    }

    @Test
    void flowRemovedOnlyWithSendFlowRemAndWithReasonDeleteOnDelete() {
        h.send(add(f, 0, 10, f.buildMatch().build(), apply(f, out(f, 2))).setIdleTimeout(1).build(),
                add(f, 0, 11, f.buildMatch().build(), apply(f, out(f, 2))).setFlags(Set.of(OFFlowModFlags.SEND_FLOW_REM)).build());
        tick(1500);
        h.assertNoMessages();
        assertEquals(1, h.dp.flows().size());
        h.send(f.buildFlowDelete().setTableId(TableId.ALL).setMatch(f.buildMatch().build()).build());
        List<OFFlowRemoved> removed = h.take(OFFlowRemoved.class);
        assertEquals(1, removed.size());
        assertEquals(OFFlowRemovedReason.DELETE, removed.get(0).getReason());
        assertEquals(11, removed.get(0).getPriority());
    }
}
