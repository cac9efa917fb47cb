package dev.weft.sim.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.LocalTime;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The statistics and the lines people and scripts read. */
class SummaryTest {

    @Test
    void computesMinMaxMeanAndPopulationStandardDeviation() {
        Summary summary = Summary.of(16, List.of(2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0));
        assertEquals(2.0, summary.min());
        assertEquals(9.0, summary.max());
        assertEquals(5.0, summary.avg());
        assertEquals(2.0, summary.stdev(), 1e-12); // divided by n, as cbench does
        assertEquals(8, summary.tests());
    }

    @Test
    void resultLineHasCbenchsExactFormat() {
        Summary summary = new Summary(16, 9, 98917.1, 113576.906, 106290.549, 4546.675);
        assertEquals("RESULT: 16 switches 9 tests min/max/avg/stdev = 98917.10/113576.91/106290.55/4546.68 responses/s",
                summary.resultLine());
    }

    @Test
    void oneTestHasNoSpread() {
        assertEquals("RESULT: 1 switches 1 tests min/max/avg/stdev = 1000.00/1000.00/1000.00/0.00 responses/s",
                Summary.of(1, List.of(1000.0)).resultLine());
    }

    @Test
    void theStatisticsLeaveOutWarmupAndCooldownTests() {
        BenchConfig config = BenchConfig.builder().switches(2).loops(4).warmupLoops(1).cooldownLoops(1).build();
        List<TestResult> tests = List.of(
                test(0, config, 1, 1),      // warm-up: 2 responses in 1 ms = 2000/s
                test(1, config, 50, 50),    // 100,000/s
                test(2, config, 100, 100),  // 200,000/s
                test(3, config, 7, 7));     // cool-down
        BenchResult result = BenchResult.of(config, tests);
        assertEquals(new Summary(2, 2, 100_000, 200_000, 150_000, 50_000), result.summary());
    }

    @Test
    void rateIsAllSwitchesOverTheTestsLength() {
        TestResult test = new TestResult(0, true, List.of(300L, 700L), List.of(301L, 701L), 500_000_000L);
        assertEquals(1000, test.totalResponses());
        assertEquals(2000.0, test.responsesPerSecond(), 1e-9);
        assertEquals(500.0, test.elapsedMillis(), 1e-9);
    }

    @Test
    void noCountedTestIsAnError() {
        assertThrows(IllegalArgumentException.class, () -> Summary.of(1, List.of()));
    }

    @Test
    void testLineShowsEachSwitchAndTheTotalPerMillisecond() {
        BenchConfig config = BenchConfig.builder().switches(2).loops(3).warmupLoops(1).cooldownLoops(1).build();
        ReportPrinter printer = new ReportPrinter(System.out, java.time.Clock.systemUTC(), config);
        LocalTime at = LocalTime.of(12, 0, 1, 230_000_000);
        assertEquals("12:00:01.230 2   switches: responses:  300  700  total = 2.000000 per ms",
                printer.testLine(new TestResult(1, true, List.of(300L, 700L), List.of(301L, 701L), 500_000_000L), at));
        assertEquals("12:00:01.230 2   switches: responses:  1  1  total = 0.004000 per ms (warm-up)",
                printer.testLine(new TestResult(0, false, List.of(1L, 1L), List.of(2L, 2L), 500_000_000L), at));
        assertEquals("12:00:01.230 2   switches: responses:  1  1  total = 0.004000 per ms (cool-down)",
                printer.testLine(new TestResult(2, false, List.of(1L, 1L), List.of(2L, 2L), 500_000_000L), at));
    }

    private static TestResult test(int index, BenchConfig config, long a, long b) {
        return new TestResult(index, config.isCounted(index), List.of(a, b), List.of(a + 1, b + 1), 1_000_000L);
    }
}
