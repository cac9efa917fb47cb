package dev.weft.core.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.channel.IoHandle;
import io.netty.channel.IoHandler;
import io.netty.channel.IoHandlerContext;
import io.netty.channel.IoRegistration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What the reads of one I/O turn produce is flushed when the turn ends, or once the turn holds
 * {@link IoTurn#MAX_HELD} reads' answers; outside a turn (and on a thread without one) at once.
 */
class IoTurnTest {
    private final Lane lane = new Lane(0, null);
    private final List<String> flushed = new ArrayList<>();
    private IoHandler turn;

    @AfterEach
    void tearDown() {
        if (turn != null) {
            turn.destroy();
        }
    }

    /** A read of switch {@code name}: its answer is written into the lane's output, then the read completes. */
    private void read(String name) {
        lane.markDirty(() -> flushed.add(name));
        IoTurn.flushAtTurnEnd(lane);
    }

    /** A turn whose I/O is {@code reads}, around a transport that does nothing else. */
    private IoHandler turnReading(Runnable reads) {
        IoHandler io = new IoHandler() {
            @Override
            public int run(IoHandlerContext context) {
                reads.run();
                return 1;
            }

            @Override
            public IoRegistration register(IoHandle handle) {
                throw new UnsupportedOperationException();
            }

            @Override
            public void wakeup() {
            }

            @Override
            public boolean isCompatible(Class<? extends IoHandle> handleType) {
                return true;
            }
        };
        IoHandler h = IoTurn.around(executor -> io).newHandler(null);
        h.initialize(); // on this thread, as the event loop does on its own
        return h;
    }

    @Test
    void theAnswersOfOneTurnsReadsLeaveTogetherWhenTheTurnEnds() {
        List<String> flushedDuringReads = new ArrayList<>();
        turn = turnReading(() -> {
            read("s1");
            read("s2");
            read("s3");
            flushedDuringReads.addAll(flushed);
        });
        assertEquals(1, turn.run(null));
        assertEquals(List.of(), flushedDuringReads, "nothing leaves between the reads of a turn");
        assertEquals(List.of("s1", "s2", "s3"), flushed, "everything leaves, in order, when the turn ends");
    }

    @Test
    void aTurnHoldsTheAnswersOfAtMostSixteenReads() {
        List<Integer> flushedAfterRead = new ArrayList<>();
        turn = turnReading(() -> {
            for (int i = 1; i <= IoTurn.MAX_HELD + 3; i++) {
                read("s" + i);
                flushedAfterRead.add(flushed.size());
            }
        });
        turn.run(null);
        assertEquals(IoTurn.MAX_HELD, flushedAfterRead.get(IoTurn.MAX_HELD - 1),
                "the sixteenth read sends what the turn held");
        assertEquals(0, flushedAfterRead.get(IoTurn.MAX_HELD - 2));
        assertEquals(IoTurn.MAX_HELD, flushedAfterRead.get(IoTurn.MAX_HELD + 2), "then it holds again");
        assertEquals(IoTurn.MAX_HELD + 3, flushed.size(), "and the rest leaves when the turn ends");
    }

    @Test
    void outsideATurnAReadsAnswerLeavesAtOnce() {
        turn = turnReading(() -> { });
        read("between turns"); // a task of the loop, after the turn
        assertEquals(List.of("between turns"), flushed);
    }

    @Test
    void aThreadWithoutTurnsFlushesAtOnce() throws Exception {
        List<String> seen = new ArrayList<>();
        Thread t = new Thread(() -> {
            read("elsewhere");
            seen.addAll(flushed);
        });
        t.start();
        t.join();
        assertEquals(List.of("elsewhere"), seen);
    }
}
