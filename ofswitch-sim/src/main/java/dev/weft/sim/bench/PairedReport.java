package dev.weft.sim.bench;

import dev.weft.sim.bench.PairedBench.CpuSnapshot;
import dev.weft.sim.bench.PairedBench.Side;
import dev.weft.sim.bench.PairedBench.Window;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;

/**
 * The end of a paired run's report: each controller's statistics over its own counted windows,
 * the ratio per pair of adjacent windows and its median, and (given the pids) each controller's CPU
 * per response over its own windows, what it spent in the other's, and the bench's own cost in
 * each side's windows.
 */
final class PairedReport {

    private PairedReport() {
    }

    /** Two adjacent windows of one counted test: the controller's and the peer's. */
    record Pair(int index, Window controller, Window peer) {

        /** The controller's responses per second over the peer's; infinite when the peer answered nothing. */
        double rateRatio() {
            return controller.test().responsesPerSecond() / peer.test().responsesPerSecond();
        }
    }

    /** The counted pairs, in order. */
    static List<Pair> pairs(List<Window> windows) {
        List<Pair> pairs = new ArrayList<>();
        for (Window window : windows) {
            if (window.side() != Side.CONTROLLER || !window.test().counted()) {
                continue;
            }
            for (Window other : windows) {
                if (other.side() == Side.PEER && other.test().index() == window.test().index()) {
                    pairs.add(new Pair(window.test().index(), window, other));
                }
            }
        }
        return pairs;
    }

    /** One side's windows, in order. */
    static List<TestResult> tests(List<Window> windows, Side side) {
        return windows.stream().filter(w -> w.side() == side).map(Window::test).toList();
    }

    static List<String> lines(List<Window> windows, int switches, OptionalLong controllerPid, OptionalLong peerPid) {
        List<String> lines = new ArrayList<>();
        for (Side side : Side.values()) {
            List<TestResult> counted = tests(windows, side).stream().filter(TestResult::counted).toList();
            String prefix = side == Side.CONTROLLER ? "" : "PEER ";
            lines.add(prefix + Summary.of(switches, counted.stream().map(TestResult::responsesPerSecond).toList())
                    .resultLine());
            lines.add(prefix + Fairness.worst(counted.stream().map(t -> Fairness.of(t.responses())).toList()));
        }
        List<Pair> pairs = pairs(windows);
        List<Double> ratios = pairs.stream().map(Pair::rateRatio).toList();
        long ahead = ratios.stream().filter(r -> r > 1).count();
        lines.add(String.format(Locale.ROOT, "PAIRS: %d counted pairs of adjacent windows (controller first in even"
                        + " tests, peer first in odd ones); responses/s, controller / peer, per pair: %s; median %s"
                        + " (min %s, max %s); the controller ahead in %d of %d",
                pairs.size(), join(ratios), ratio(median(ratios)), ratio(min(ratios)), ratio(max(ratios)), ahead,
                pairs.size()));
        long[] idle = windows.stream().filter(w -> w.test().counted()).mapToLong(Window::idleUnanswered).toArray();
        long dirty = java.util.Arrays.stream(idle).filter(n -> n > 0).count();
        lines.add(dirty == 0
                ? String.format(Locale.ROOT, "IDLE: the idle controller's switches had no probe unanswered when the"
                        + " other's window opened, in all %d counted windows", idle.length)
                : String.format(Locale.ROOT, "IDLE: the idle controller's switches still had probes unanswered when the"
                        + " other's window opened in %d of %d counted windows (at most %d): that controller may have"
                        + " worked in the other's window", dirty, idle.length,
                        java.util.Arrays.stream(idle).max().orElse(0)));
        lines.addAll(cpuLines(windows, pairs, controllerPid, peerPid));
        return lines;
    }

    private static List<String> cpuLines(List<Window> windows, List<Pair> pairs, OptionalLong controllerPid,
                                         OptionalLong peerPid) {
        List<String> lines = new ArrayList<>();
        List<Window> counted = windows.stream().filter(w -> w.test().counted()).toList();
        for (Side side : Side.values()) {
            OptionalLong pid = side == Side.CONTROLLER ? controllerPid : peerPid;
            if (pid.isEmpty()) {
                continue;
            }
            List<Window> own = counted.stream().filter(w -> w.side() == side).toList();
            List<Window> others = counted.stream().filter(w -> w.side() != side).toList();
            Optional<CpuTimes> spent = sum(own, s -> s.of(side));
            Optional<CpuTimes> spentIdle = sum(others, s -> s.of(side));
            if (spent.isEmpty() || spentIdle.isEmpty()) {
                lines.add("CPU: " + side.label + " ? (cannot read /proc/" + pid.getAsLong() + "/stat)");
                continue;
            }
            long responses = own.stream().mapToLong(w -> w.test().totalResponses()).sum();
            lines.add(String.format(Locale.ROOT, "CPU: %s %s over its %d counted windows, %.0f%% of a core in them;"
                            + " %.0f%% of a core in the other's (pid %d)", side.label, CpuReport.perResponse(spent.get(), responses),
                    own.size(), 100.0 * spent.get().totalNanos() / wall(own), 100.0 * spentIdle.get().totalNanos()
                            / wall(others), pid.getAsLong()));
        }
        if (controllerPid.isPresent() && peerPid.isPresent()) {
            List<Double> costRatios = new ArrayList<>();
            for (Pair pair : pairs) {
                OptionalDoubleCost a = cost(pair.controller(), Side.CONTROLLER);
                OptionalDoubleCost b = cost(pair.peer(), Side.PEER);
                if (a.known() && b.known() && a.micros() > 0) {
                    costRatios.add(b.micros() / a.micros());
                }
            }
            if (!costRatios.isEmpty()) {
                lines.add(String.format(Locale.ROOT, "CPU: per pair, the peer's CPU per response over the controller's:"
                        + " %s; median %s", join(costRatios), ratio(median(costRatios))));
            }
        }
        List<String> bench = new ArrayList<>();
        List<String> busiestBySide = new ArrayList<>();
        double busiest = 0;
        String busiestName = "";
        for (Side side : Side.values()) {
            List<Window> own = counted.stream().filter(w -> w.side() == side).toList();
            Optional<CpuTimes> spent = sum(own, CpuSnapshot::bench);
            if (spent.isPresent()) {
                bench.add(CpuReport.perResponse(spent.get(), own.stream().mapToLong(w -> w.test().totalResponses()).sum())
                        + " in the " + side.label + "'s windows");
            }
            double sideBusiest = -1;
            for (Window window : own) {
                for (CpuTimes thread : window.after().benchThreads()) {
                    for (CpuTimes earlier : window.before().benchThreads()) {
                        if (earlier.name().equals(thread.name())) {
                            double share = thread.since(earlier).totalNanos() / (double) wall(List.of(window));
                            sideBusiest = Math.max(sideBusiest, share);
                            if (share > busiest) {
                                busiest = share;
                                busiestName = thread.name();
                            }
                        }
                    }
                }
            }
            if (sideBusiest >= 0) {
                busiestBySide.add(String.format(Locale.ROOT, "%.0f%% in the %s's", 100 * sideBusiest, side.label));
            }
        }
        if (!bench.isEmpty()) {
            lines.add(String.format(Locale.ROOT, "CPU: bench %s; its busiest I/O thread's share of a core in the busiest window: %s",
                    String.join(", ", bench), busiestBySide.isEmpty() ? "?" : String.join(", ", busiestBySide)));
            if (busiest >= CpuReport.SATURATED) {
                lines.add(String.format(Locale.ROOT, "CPU: the bench's %s was busy %.0f%% of a window: the rate may be"
                        + " the bench's limit, not the controller's; give the bench a core of its own (README,"
                        + " \"Latency mode\")", busiestName, 100 * busiest));
            }
        }
        return lines;
    }

    private record OptionalDoubleCost(boolean known, double micros) {
    }

    private static OptionalDoubleCost cost(Window window, Side side) {
        Optional<CpuTimes> before = window.before().of(side);
        Optional<CpuTimes> after = window.after().of(side);
        long responses = window.test().totalResponses();
        if (before.isEmpty() || after.isEmpty() || responses == 0) {
            return new OptionalDoubleCost(false, 0);
        }
        return new OptionalDoubleCost(true, after.get().since(before.get()).totalNanos() / 1e3 / responses);
    }

    /** What a process spent over {@code windows}, each from just before it opened to just after it closed. */
    private static Optional<CpuTimes> sum(List<Window> windows, Function<CpuSnapshot, Optional<CpuTimes>> process) {
        long user = 0;
        long system = 0;
        String name = "";
        for (Window window : windows) {
            Optional<CpuTimes> before = process.apply(window.before());
            Optional<CpuTimes> after = process.apply(window.after());
            if (before.isEmpty() || after.isEmpty()) {
                return Optional.empty();
            }
            CpuTimes spent = after.get().since(before.get());
            user += spent.userTicks();
            system += spent.systemTicks();
            name = spent.name();
        }
        return Optional.of(new CpuTimes(name, user, system));
    }

    private static long wall(List<Window> windows) {
        return Math.max(1, windows.stream().mapToLong(w -> w.after().nanos() - w.before().nanos()).sum());
    }

    static double median(List<Double> values) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = values.stream().sorted(Comparator.naturalOrder()).toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static double min(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
    }

    private static double max(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    }

    private static String join(List<Double> ratios) {
        return String.join(" ", ratios.stream().map(PairedReport::ratio).toList());
    }

    /** 1.39x; "inf" when the denominator answered nothing, "?" when neither did. */
    static String ratio(double value) {
        if (Double.isNaN(value)) {
            return "?";
        }
        if (Double.isInfinite(value)) {
            return "inf";
        }
        return String.format(Locale.ROOT, "%.2fx", value);
    }
}
