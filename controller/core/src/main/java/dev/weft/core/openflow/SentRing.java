package dev.weft.core.openflow;

import org.projectfloodlight.openflow.protocol.OFMessage;

/**
 * The most recent messages sent to a switch, by xid, so that an ERROR can name the request that
 * caused it. Fixed size, overwritten in order; one array store per message sent.
 */
final class SentRing {
    private final long[] xids;
    private final OFMessage[] messages;
    private final int mask;

    SentRing(int sizePowerOfTwo) {
        if (Integer.bitCount(sizePowerOfTwo) != 1) {
            throw new IllegalArgumentException("size must be a power of two");
        }
        xids = new long[sizePowerOfTwo];
        messages = new OFMessage[sizePowerOfTwo];
        mask = sizePowerOfTwo - 1;
    }

    void put(long xid, OFMessage m) {
        int i = (int) (xid & mask);
        xids[i] = xid;
        messages[i] = m;
    }

    OFMessage get(long xid) {
        int i = (int) (xid & mask);
        return xids[i] == xid ? messages[i] : null;
    }
}
