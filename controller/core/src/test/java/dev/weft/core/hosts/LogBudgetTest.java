package dev.weft.core.hosts;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The host tracker's log budget: a burst of 100,000 moves in a second writes 10 lines, then says how many it left out. */
class LogBudgetTest {

    @Test
    void aBurstGetsItsLinesThenTheRestIsCountedAndReportedInTheNextWindow() {
        LogBudget b = new LogBudget(10, 10_000);
        int written = 0;
        for (int i = 0; i < 100_000; i++) {
            if (b.take(1_000 + i / 100)) {
                written++;
                if (written == 1) {
                    assertEquals(0, b.skippedBefore());
                }
            }
        }
        assertEquals(10, written, "ten lines for the whole burst");
        assertTrue(b.take(11_000), "a new window");
        assertEquals(99_990, b.skippedBefore(), "the first line of the next window says what was left out");
        assertEquals(0, b.skippedBefore());
    }

    @Test
    void aQuietHostLogsEveryMove() {
        LogBudget b = new LogBudget(10, 10_000);
        for (int i = 0; i < 50; i++) {
            assertTrue(b.take(i * 2_000L), "move " + i);
            assertEquals(0, b.skippedBefore());
        }
        LogBudget none = new LogBudget(0, 10_000);
        assertFalse(none.take(0));
    }
}
