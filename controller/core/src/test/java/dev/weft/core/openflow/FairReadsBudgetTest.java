package dev.weft.core.openflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.ChannelConfig;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 11, fairness when handling is slow: a switch's read budget follows the length of its
 * event loop's turn ({@link FairReads}). A turn is measured only between reads that filled their
 * buffer (input still waiting); long turns cut the budget in proportion, short ones double it.
 */
class FairReadsBudgetTest {
    private final EmbeddedChannel channel = new EmbeddedChannel();
    private final ChannelConfig config = channel.config();
    private long now = 1_000_000_000L;
    private final FairReads reads = new FairReads(new OFMessageDecoder(), () -> now);
    private final FairReads.FairHandle handle = (FairReads.FairHandle) reads.newHandle();

    @AfterEach
    void close() {
        channel.finishAndReleaseAll();
    }

    /** One turn's read of a switch: {@code bytes} read of the budget offered. */
    private int read(long afterMillis, boolean fills) {
        now += TimeUnit.MILLISECONDS.toNanos(afterMillis);
        handle.reset(config);
        int offered = handle.guess();
        handle.attemptedBytesRead(offered);
        handle.lastBytesRead(fills ? offered : offered / 2);
        handle.readComplete();
        return offered;
    }

    @Test
    void theHandshakeReadsItsOwnBudgetEachTurn() {
        assertEquals(FairReads.HANDSHAKE_BUDGET, read(0, true));
        assertEquals(FairReads.HANDSHAKE_BUDGET, read(5_000, true), "not cut by long turns while handshaking");
        reads.handshakeDone();
        assertEquals(FairReads.MIN_BUDGET, read(70, true), "active: from the least budget up");
    }

    @Test
    void aNewSwitchStartsSmallAndGrowsToTheFullBudgetWhileTurnsAreShort() {
        reads.handshakeDone();
        assertEquals(FairReads.MIN_BUDGET, read(0, true), "a new switch's first read");
        assertEquals(FairReads.MIN_BUDGET * 2, read(1, true));
        assertEquals(FairReads.MIN_BUDGET * 4, read(1, true));
        for (int i = 0; i < 5; i++) {
            read(1, true);
        }
        assertEquals(FairReads.BUDGET, read(1, true), "never more than the full budget");
    }

    @Test
    void aLongTurnCutsTheBudgetInProportionDownToTheLeast() {
        reads.handshakeDone();
        for (int i = 0; i < 10; i++) {
            read(1, true);
        }
        assertEquals(FairReads.BUDGET, read(1, true));
        assertEquals(FairReads.BUDGET / 2, read(200, true), "a 200 ms turn: half the budget");
        assertEquals(FairReads.MIN_BUDGET, read(5_000, true), "a 5 s turn: the least budget");
        assertEquals(FairReads.MIN_BUDGET, read(70, true), "a turn between half the target and the target: kept");
    }

    @Test
    void aSwitchThatDrainedItsInputDoesNotMistakeIdleTimeForATurn() {
        reads.handshakeDone();
        for (int i = 0; i < 10; i++) {
            read(1, true);
        }
        read(1, false); // read everything it had: the time until its next read is idle time
        assertEquals(FairReads.BUDGET, read(10_000, true), "ten idle seconds are not a long turn");
    }

    @Test
    void aMessageLargerThanTheBudgetStillArrivesInOneRead() {
        OFMessageDecoder decoder = new OFMessageDecoder();
        EmbeddedChannel ch = new EmbeddedChannel(decoder);
        try {
            io.netty.buffer.ByteBuf header = io.netty.buffer.Unpooled.buffer();
            header.writeByte(1).writeByte(10).writeShort(3000).writeInt(7); // a 3,000-byte PACKET_IN begins
            ch.writeInbound(header);
            FairReads r = new FairReads(decoder, () -> now);
            r.handshakeDone();
            FairReads.FairHandle h = (FairReads.FairHandle) r.newHandle();
            h.reset(ch.config());
            assertTrue(h.guess() >= 3000 - 8, "offered " + h.guess() + " bytes; the message needs 2,992 more");
        } finally {
            ch.finishAndReleaseAll();
        }
    }
}
