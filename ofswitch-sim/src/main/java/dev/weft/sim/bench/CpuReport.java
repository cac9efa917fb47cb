package dev.weft.sim.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.LongSupplier;

/**
 * CPU per response over the counted tests: the bench's own (and its busiest I/O thread's share of a
 * core) and, given its pid, the controller's. A rate only measures the controller while the bench
 * has CPU to spare: when the bench's I/O threads are (nearly) always busy, the rate is the bench's
 * ceiling, and the report says so. Microseconds of CPU per response compare two controllers
 * whatever the machine's load did to their rates.
 *
 * <p>{@link #start()} when the first counted test starts, {@link #end()} when the last one ends
 * (the coordinating thread; not thread-safe).
 */
final class CpuReport {

    /** A bench I/O thread (or the bench's cores) busy this share of the time or more is the limit. */
    static final double SATURATED = 0.90;

    private final long benchPid;
    private final OptionalLong controllerPid;
    private final int benchCores;
    private final LongSupplier nanoClock;
    private Snapshot start;
    private Snapshot end;

    /**
     * @param benchCores the cores the bench may run on (its affinity)
     */
    CpuReport(long benchPid, OptionalLong controllerPid, int benchCores, LongSupplier nanoClock) {
        this.benchPid = benchPid;
        this.controllerPid = controllerPid;
        this.benchCores = benchCores;
        this.nanoClock = nanoClock;
    }

    /** This process as the bench, the controller if given. */
    static CpuReport forThisProcess(OptionalLong controllerPid) {
        return new CpuReport(ProcessHandle.current().pid(), controllerPid,
                Runtime.getRuntime().availableProcessors(), System::nanoTime);
    }

    void start() {
        start = snapshot();
    }

    void end() {
        end = snapshot();
    }

    private Snapshot snapshot() {
        return new Snapshot(nanoClock.getAsLong(), CpuTimes.ofProcess(benchPid),
                CpuTimes.threadsOf(benchPid, BenchThreadFactory.PREFIX),
                controllerPid.isPresent() ? CpuTimes.ofProcess(controllerPid.getAsLong()) : Optional.empty());
    }

    /** What one moment looked like. */
    record Snapshot(long nanos, Optional<CpuTimes> bench, List<CpuTimes> benchThreads,
                    Optional<CpuTimes> controller) {
    }

    /** The report's lines; none if the window was not seen or {@code /proc} could not be read. */
    List<String> lines(long countedResponses) {
        return lines(countedResponses, 0);
    }

    /**
     * The same, with the shares of a core taken over {@code insideNanos}, the time inside the
     * counted tests' own windows, when that is at least half of the span from the first counted
     * test's start to the last one's end (else, or 0: over the span). The span also holds the ~0.1 s
     * between two tests: over it, a controller busy throughout every 1 s test showed 90%, and the
     * bench's warning came late.
     */
    List<String> lines(long countedResponses, long insideNanos) {
        if (start == null || end == null) {
            return List.of();
        }
        return lines(start, end, countedResponses, insideNanos, benchCores, controllerPid);
    }

    static List<String> lines(Snapshot start, Snapshot end, long responses, int benchCores,
                              OptionalLong controllerPid) {
        return lines(start, end, responses, 0, benchCores, controllerPid);
    }

    static List<String> lines(Snapshot start, Snapshot end, long responses, long insideNanos, int benchCores,
                              OptionalLong controllerPid) {
        long span = end.nanos() - start.nanos();
        if (start.bench().isEmpty() || end.bench().isEmpty() || span <= 0) {
            return List.of();
        }
        // The CPU spent between two tests (little with tests of a second: nothing is sent then) is
        // counted with the tests'. With short tests the gaps are most of the span and what the bench
        // does in them is not negligible: then the shares stay over the span.
        long wall = insideNanos >= span / 2 && insideNanos < span ? insideNanos : span;
        List<String> lines = new ArrayList<>();
        CpuTimes bench = end.bench().get().since(start.bench().get());
        double benchShare = bench.totalNanos() / (double) wall / Math.max(1, benchCores);
        CpuTimes busiest = null;
        for (CpuTimes thread : end.benchThreads()) {
            for (CpuTimes before : start.benchThreads()) {
                if (before.name().equals(thread.name())) {
                    CpuTimes spent = thread.since(before);
                    if (busiest == null || spent.totalTicks() > busiest.totalTicks()) {
                        busiest = spent;
                    }
                }
            }
        }
        double busiestShare = busiest == null ? 0 : busiest.totalNanos() / (double) wall;
        lines.add(String.format(Locale.ROOT, "CPU: %.1f s of counted tests%s, %d responses; bench %s, %.0f%% of its %d core%s%s",
                span / 1e9, wall == span ? "" : String.format(Locale.ROOT, " (%.1f s inside their windows: the shares"
                        + " below are of that)", wall / 1e9), responses, perResponse(bench, responses), 100 * benchShare,
                benchCores,
                benchCores == 1 ? "" : "s", busiest == null ? "" : String.format(Locale.ROOT,
                        ", busiest I/O thread (%s) %.0f%% of a core", busiest.name(), 100 * busiestShare)));
        if (controllerPid.isPresent()) {
            if (start.controller().isPresent() && end.controller().isPresent()) {
                CpuTimes controller = end.controller().get().since(start.controller().get());
                lines.add(String.format(Locale.ROOT, "CPU: controller %s, %.0f%% of a core (pid %d)",
                        perResponse(controller, responses), 100.0 * controller.totalNanos() / wall,
                        controllerPid.getAsLong()));
            } else {
                lines.add("CPU: controller ? (cannot read /proc/" + controllerPid.getAsLong() + "/stat)");
            }
        }
        if (busiestShare >= SATURATED || benchShare >= SATURATED) {
            lines.add(String.format(Locale.ROOT, "CPU: the bench was busy %.0f%% of the time (%s): the rate may be"
                    + " the bench's limit, not the controller's; give the bench a core of its own (README,"
                    + " \"Latency mode\")", 100 * Math.max(busiestShare, benchShare),
                    busiestShare >= benchShare && busiest != null ? busiest.name() : "all its cores"));
        }
        return lines;
    }

    /** CPU per response (user and system), or the CPU spent when there was no response. */
    static String perResponse(CpuTimes spent, long responses) {
        if (responses <= 0) {
            return String.format(Locale.ROOT, "%.2f s of CPU and no response", spent.totalNanos() / 1e9);
        }
        return String.format(Locale.ROOT, "%.1f us per response (user %.1f, system %.1f)",
                spent.totalNanos() / 1e3 / responses, spent.userNanos() / 1e3 / responses,
                spent.systemNanos() / 1e3 / responses);
    }
}
