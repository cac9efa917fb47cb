package dev.weft.sim.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class FairnessTest {
    @Test
    void minMedianMaxAndStarvedSwitches() {
        Fairness f = Fairness.of(List.of(30L, 0L, 10L, 20L, 0L));
        assertEquals(new Fairness(0, 10, 30, 2, 5), f);
        assertEquals(0.0, f.minOverMedian());
        Fairness even = Fairness.of(List.of(100L, 80L, 120L, 90L));
        assertEquals(95, even.median());
        assertEquals(80 / 95.0, even.minOverMedian(), 1e-9);
        assertEquals("FAIRNESS: 2 tests: worst min/median = 0.00, most switches at 0 in a test = 2, switch-tests at 0 = 2",
                Fairness.worst(List.of(f, even)));
    }
}
