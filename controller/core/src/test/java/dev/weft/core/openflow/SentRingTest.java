package dev.weft.core.openflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFVersion;

/**
 * A lane's ring of sent messages: an error can still name any of a large batch sent to one
 * switch, switches with the same xids never see each other's messages, and however many switches
 * the lane has, it keeps at most {@link SentRing#LANE_SIZE} messages alive (a ring per switch kept
 * 1,024 per switch: a million flow-mods at 1,000 switches).
 */
class SentRingTest {
    private static final OFFactory F = OFFactories.getFactory(OFVersion.OF_13);

    private static OFMessage flowMod(long xid) {
        return F.buildFlowAdd().setXid(xid).build();
    }

    @Test
    void everyMessageOfALargeBatchToOneSwitchIsFound() {
        SentRing ring = new SentRing(SentRing.LANE_SIZE);
        long sw = ring.newOwner();
        List<OFMessage> sent = new ArrayList<>();
        for (long xid = 0x4000_0001L; xid < 0x4000_0001L + 10_000; xid++) {
            OFMessage m = flowMod(xid);
            sent.add(m);
            ring.put(sw, xid, m);
        }
        for (OFMessage m : sent) {
            assertSame(m, ring.get(sw, m.getXid()), "xid " + m.getXid());
        }
    }

    @Test
    void switchesWithTheSameXidsAreKeptApart() {
        SentRing ring = new SentRing(SentRing.LANE_SIZE);
        long a = ring.newOwner();
        long b = ring.newOwner();
        OFMessage toA = flowMod(7);
        ring.put(a, 7, toA);
        assertNull(ring.get(b, 7), "b never sent xid 7");
        OFMessage toB = flowMod(7);
        ring.put(b, 7, toB);
        assertSame(toB, ring.get(b, 7));
        assertSame(toA, ring.get(a, 7), "a's message is still there: the two take different slots");
    }

    @Test
    void aThousandSwitchesKeepAtMostTheLanesWorthAlive() {
        SentRing ring = new SentRing(SentRing.LANE_SIZE);
        long[] owners = new long[1000];
        for (int s = 0; s < owners.length; s++) {
            owners[s] = ring.newOwner();
        }
        int found = 0;
        for (long xid = 1; xid <= 1024; xid++) {
            for (long o : owners) {
                ring.put(o, xid, flowMod(xid));
            }
        }
        for (long xid = 1; xid <= 1024; xid++) {
            for (long o : owners) {
                if (ring.get(o, xid) != null) {
                    found++;
                }
            }
        }
        assertTrue(found <= SentRing.LANE_SIZE, found + " of 1,024,000 messages still held");
        int lastRound = 0;
        for (long o : owners) {
            if (ring.get(o, 1024) != null) {
                lastRound++;
            }
        }
        assertTrue(lastRound > 900, "most of the last message sent to each switch is still found: " + lastRound);
        assertEquals(1000, owners.length);
    }
}
