package dev.weft.sim.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class CpuReportTest {

    private static final long SECOND = 1_000_000_000L;

    private static CpuReport.Snapshot at(long nanos, long benchUser, long benchSystem, List<CpuTimes> threads,
                                         Optional<CpuTimes> controller) {
        return new CpuReport.Snapshot(nanos, Optional.of(new CpuTimes("java", benchUser, benchSystem)), threads,
                controller);
    }

    @Test
    void perResponseCostsAndSharesOfACore() {
        // 1 s, 100,000 responses: the bench spent 0.2 s user + 0.4 s system, the controller 0.3 + 0.7.
        CpuReport.Snapshot start = at(5 * SECOND, 100, 100, List.of(new CpuTimes("bench-io-0", 90, 90)),
                Optional.of(new CpuTimes("weft", 1000, 1000)));
        CpuReport.Snapshot end = at(6 * SECOND, 120, 140, List.of(new CpuTimes("bench-io-0", 110, 130)),
                Optional.of(new CpuTimes("weft", 1030, 1070)));

        List<String> lines = CpuReport.lines(start, end, 100_000, 1, OptionalLong.of(77));

        assertEquals(List.of(
                "CPU: 1.0 s of counted tests, 100000 responses; bench 6.0 us per response (user 2.0, system 4.0),"
                        + " 60% of its 1 core, busiest I/O thread (bench-io-0) 60% of a core",
                "CPU: controller 10.0 us per response (user 3.0, system 7.0), 100% of a core (pid 77)"), lines);
    }

    @Test
    void aBenchThreadBusyNearlyAllTheTimeIsNamedAsTheLimit() {
        List<CpuTimes> before = List.of(new CpuTimes("bench-io-0", 0, 0), new CpuTimes("bench-io-1", 0, 0));
        List<CpuTimes> after = List.of(new CpuTimes("bench-io-0", 30, 65), new CpuTimes("bench-io-1", 10, 10));
        List<String> lines = CpuReport.lines(at(0, 0, 0, before, Optional.empty()),
                at(SECOND, 40, 74, after, Optional.empty()), 50_000, 2, OptionalLong.empty());

        assertEquals(2, lines.size(), lines.toString());
        assertTrue(lines.get(0).endsWith("57% of its 2 cores, busiest I/O thread (bench-io-0) 95% of a core"), lines.get(0));
        assertTrue(lines.get(1).startsWith("CPU: the bench was busy 95% of the time (bench-io-0): the rate may be"
                + " the bench's limit, not the controller's"), lines.get(1));
    }

    @Test
    void sharesAreOfTheTimeInsideTheTestsWhenItIsKnown() {
        // 11.1 s from the first counted test's start to the last one's end, 10.0 s inside the tests;
        // the controller spent 9.5 s and the bench's thread 9.3 s of CPU: 86% and 84% of the span,
        // 95% and 93% of the tests' time, when the bench is at its limit.
        List<CpuTimes> before = List.of(new CpuTimes("bench-io-0", 0, 0));
        List<CpuTimes> after = List.of(new CpuTimes("bench-io-0", 300, 630));
        CpuReport.Snapshot start = at(0, 0, 0, before, Optional.of(new CpuTimes("weft", 0, 0)));
        CpuReport.Snapshot end = at(11_100_000_000L, 300, 630, after, Optional.of(new CpuTimes("weft", 400, 550)));

        List<String> inside = CpuReport.lines(start, end, 1_000_000, 10 * SECOND, 1, OptionalLong.of(7));
        assertEquals("CPU: 11.1 s of counted tests (10.0 s inside their windows: the shares below are of that),"
                + " 1000000 responses; bench 9.3 us per response (user 3.0, system 6.3), 93% of its 1 core, busiest I/O"
                + " thread (bench-io-0) 93% of a core", inside.get(0));
        assertEquals("CPU: controller 9.5 us per response (user 4.0, system 5.5), 95% of a core (pid 7)", inside.get(1));
        assertTrue(inside.get(2).startsWith("CPU: the bench was busy 93% of the time (bench-io-0)"), inside.toString());

        // Tests short against their gaps (under half the span): the shares stay over the span.
        assertEquals(CpuReport.lines(start, end, 1_000_000, 1, OptionalLong.of(7)),
                CpuReport.lines(start, end, 1_000_000, 5 * SECOND, 1, OptionalLong.of(7)));
        List<String> span = CpuReport.lines(start, end, 1_000_000, 1, OptionalLong.of(7));
        assertTrue(span.get(0).endsWith("84% of its 1 core, busiest I/O thread (bench-io-0) 84% of a core"), span.get(0));
        assertEquals(2, span.size(), "over the whole span, no warning: " + span);
    }

    @Test
    void aBenchWithTwoThreadsOnOneCoreIsTheLimitToo() {
        List<CpuTimes> before = List.of(new CpuTimes("bench-io-0", 0, 0), new CpuTimes("bench-io-1", 0, 0));
        List<CpuTimes> after = List.of(new CpuTimes("bench-io-0", 0, 48), new CpuTimes("bench-io-1", 0, 47));
        List<String> lines = CpuReport.lines(at(0, 0, 0, before, Optional.empty()),
                at(SECOND, 0, 96, after, Optional.empty()), 50_000, 1, OptionalLong.empty());

        assertTrue(lines.get(lines.size() - 1).startsWith("CPU: the bench was busy 96% of the time (all its cores)"),
                lines.toString());
    }

    @Test
    void aBenchWithCoreToSpareSaysNothingMore() {
        List<String> lines = CpuReport.lines(
                at(0, 0, 0, List.of(new CpuTimes("bench-io-0", 0, 0)), Optional.empty()),
                at(SECOND, 40, 40, List.of(new CpuTimes("bench-io-0", 40, 40)), Optional.empty()),
                50_000, 1, OptionalLong.empty());

        assertEquals(1, lines.size(), lines.toString());
    }

    @Test
    void aControllerThatCannotBeReadIsSaidSo() {
        List<String> lines = CpuReport.lines(at(0, 0, 0, List.of(), Optional.empty()),
                at(SECOND, 1, 1, List.of(), Optional.empty()), 1000, 1, OptionalLong.of(99));

        assertEquals("CPU: controller ? (cannot read /proc/99/stat)", lines.get(1));
    }

    @Test
    void noResponseIsSaidSo() {
        CpuReport.Snapshot start = at(0, 0, 0, List.of(), Optional.empty());
        assertEquals(List.of("CPU: 1.0 s of counted tests, 0 responses; bench 0.02 s of CPU and no response, 2% of its 1 core"),
                CpuReport.lines(start, at(SECOND, 1, 1, List.of(), Optional.empty()), 0, 1, OptionalLong.empty()));
    }

    @Test
    void noWindowNoReport() {
        assertTrue(new CpuReport(1, OptionalLong.empty(), 1, () -> 0).lines(100).isEmpty());
    }
}
