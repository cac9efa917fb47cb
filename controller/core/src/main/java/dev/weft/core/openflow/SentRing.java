package dev.weft.core.openflow;

import org.projectfloodlight.openflow.protocol.OFMessage;

/**
 * The most recent messages sent to the switches of one lane, by switch and xid, so that an ERROR
 * can name the request that caused it. Fixed size, overwritten in order; one array store per
 * message sent; used on the lane's thread only.
 *
 * <p>One ring per lane, not per switch: a ring per switch of 1,024 messages kept every switch's
 * last 1,024 messages alive however slowly it sent them. At 1,000 bench switches answered 200
 * times a second each, that was a million flow-mods (some 300 MB) each alive for five seconds:
 * long enough to be copied by every young collection and promoted, so the old generation filled
 * with dead flow-mods and the heap grew to 500-700 MB around a live set of 80 MB. A lane's ring
 * holds its switches' most recent {@link #LANE_SIZE} messages whichever switch they went to:
 * a switch sent a batch of thousands of flow-mods still finds each of them (consecutive xids of
 * one switch take consecutive slots), and under a flood the messages live for milliseconds.
 */
final class SentRing {
    /** Messages kept per lane. */
    static final int LANE_SIZE = 16_384;

    private final long[] xids;
    private final long[] owners;
    private final OFMessage[] messages;
    private final int mask;
    private long nextOwner;

    SentRing(int sizePowerOfTwo) {
        if (Integer.bitCount(sizePowerOfTwo) != 1) {
            throw new IllegalArgumentException("size must be a power of two");
        }
        xids = new long[sizePowerOfTwo];
        owners = new long[sizePowerOfTwo];
        messages = new OFMessage[sizePowerOfTwo];
        mask = sizePowerOfTwo - 1;
    }

    /** A number for a new connection's messages (never 0, never reused in practice). */
    long newOwner() {
        return ++nextOwner;
    }

    void put(long owner, long xid, OFMessage m) {
        int i = index(owner, xid);
        owners[i] = owner;
        xids[i] = xid;
        messages[i] = m;
    }

    OFMessage get(long owner, long xid) {
        int i = index(owner, xid);
        return owners[i] == owner && xids[i] == xid ? messages[i] : null;
    }

    /** Consecutive xids of one owner take consecutive slots; owners start far apart. */
    private int index(long owner, long xid) {
        return ((int) ((owner * 0x9E37_79B9_7F4A_7C15L) >>> 32) + (int) xid) & mask;
    }
}
