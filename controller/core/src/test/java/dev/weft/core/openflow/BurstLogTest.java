package dev.weft.core.openflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.projectfloodlight.openflow.types.DatapathId;

/** {@link BurstLog}: ten lines a second one by one, the rest of a burst counted for one summary. */
class BurstLogTest {
    private final AtomicLong now = new AtomicLong(123_456_789L);
    private final BurstLog lines = new BurstLog(now::get);

    private Map<BurstLog.Verdict, Integer> admit(int from, int to) {
        Map<BurstLog.Verdict, Integer> n = new EnumMap<>(BurstLog.Verdict.class);
        for (int i = from; i <= to; i++) {
            n.merge(lines.admit(DatapathId.of(i)), 1, Integer::sum);
        }
        return n;
    }

    @Test
    void aThousandAtOnceAreTenLinesAndOneSummary() {
        Map<BurstLog.Verdict, Integer> n = admit(1, 1000);
        assertEquals(BurstLog.PER_SECOND, n.get(BurstLog.Verdict.LOG));
        assertEquals(1, n.get(BurstLog.Verdict.HOLD_FIRST));
        assertEquals(1000 - BurstLog.PER_SECOND - 1, n.get(BurstLog.Verdict.HOLD));
        BurstLog.Summary s = lines.takeSummary();
        assertEquals(1000 - BurstLog.PER_SECOND, s.count());
        assertEquals(DatapathId.of(BurstLog.PER_SECOND + 1), s.first());
        assertEquals(DatapathId.of(1000), s.last());
        assertEquals(0, lines.takeSummary().count());
        assertNull(lines.takeSummary().first());
    }

    @Test
    void aNewSecondWritesLinesAgainAndANewBurstAsksForANewSummary() {
        admit(1, 20);
        lines.takeSummary();
        now.addAndGet(BurstLog.WINDOW_NANOS - 1);
        assertEquals(BurstLog.Verdict.HOLD_FIRST, lines.admit(DatapathId.of(21)), "still the same second");
        now.addAndGet(1);
        Map<BurstLog.Verdict, Integer> n = admit(22, 40);
        assertEquals(BurstLog.PER_SECOND, n.get(BurstLog.Verdict.LOG));
        assertEquals(19 - BurstLog.PER_SECOND, n.get(BurstLog.Verdict.HOLD), "the summary of switch 21 is due already");
        assertEquals(1 + 19 - BurstLog.PER_SECOND, lines.takeSummary().count());
    }

    @Test
    void switchesThatComeOneBySecondAreAllLogged() {
        for (int i = 1; i <= 100; i++) {
            assertEquals(BurstLog.Verdict.LOG, lines.admit(DatapathId.of(i)));
            now.addAndGet(BurstLog.WINDOW_NANOS / BurstLog.PER_SECOND);
        }
        assertEquals(0, lines.takeSummary().count());
    }
}
