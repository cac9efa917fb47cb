package dev.weft.sim.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Two controllers measured in one run ({@code weft bench --peer-port}): the same switches (as many,
 * the same datapath ids, MACs and probes) connected to each, driven by the same I/O threads, with
 * their test windows alternating. Ratios of two controllers measured one after the other moved
 * with what else the machine did (on a shared 2-core machine each controller's own CPU per response
 * swung 20-50% between back-to-back runs); windows a second apart see nearly the same machine.
 *
 * <p>Test {@code k} is a pair of adjacent windows: the controller's, then the peer's for even
 * {@code k}, the other way round for odd {@code k} (so that neither always comes first after the
 * pause). Latency mode only: a switch sends a probe only while its window is open, and its last one
 * is answered during the pause that follows, so the controller whose window is closed has no
 * packet-in to serve while the other's is open. The report says how many probes the idle side still
 * had unanswered when the other's window opened, and what CPU each controller spent in the other's
 * windows.
 */
final class PairedBench {

    /** Which of the two controllers. */
    enum Side {
        CONTROLLER("controller"),
        PEER("peer");

        final String label;

        Side(String label) {
            this.label = label;
        }

        Side other() {
            return this == CONTROLLER ? PEER : CONTROLLER;
        }
    }

    /**
     * What {@code /proc} said at one moment: each controller's process (when its pid is known), the
     * bench's process and its I/O threads.
     */
    record CpuSnapshot(long nanos, Optional<CpuTimes> controller, Optional<CpuTimes> peer, Optional<CpuTimes> bench,
                       List<CpuTimes> benchThreads) {

        CpuSnapshot {
            benchThreads = List.copyOf(benchThreads);
        }

        Optional<CpuTimes> of(Side side) {
            return side == Side.CONTROLLER ? controller : peer;
        }
    }

    /**
     * One window.
     *
     * @param side           whose window
     * @param test           what its switches counted ({@link TestResult#index()}: the pair)
     * @param before         read just before the window opened
     * @param after          read just after it closed
     * @param idleUnanswered probes of the other side's switches still unanswered when it opened
     */
    record Window(Side side, TestResult test, CpuSnapshot before, CpuSnapshot after, long idleUnanswered) {
    }

    /** Progress, on the thread that runs the bench. */
    interface Listener {
        void switchesUp(Side side, int switches, long connectedNanos, long upNanos);

        void windowFinished(Window window);
    }

    private PairedBench() {
    }

    /** The side whose window comes first in test {@code index}. */
    static Side first(int index) {
        return index % 2 == 0 ? Side.CONTROLLER : Side.PEER;
    }

    /**
     * Connects {@code controller.switches()} switches to each controller (the controller's first),
     * then runs {@code controller.loops()} pairs of windows. Every thread and connection it made is
     * gone when it returns.
     *
     * @throws BenchException if a controller cannot be reached or a switch is lost
     */
    static List<Window> run(BenchConfig controller, BenchConfig peer, Supplier<CpuSnapshot> cpu, Listener listener,
                            LongSupplier nanoClock) {
        if (controller.mode() != BenchMode.LATENCY || peer.mode() != BenchMode.LATENCY) {
            throw new IllegalArgumentException("a paired run measures latency mode only");
        }
        IoTransport transport = IoTransport.create(controller.effectiveIoThreads());
        try (BenchSession a = BenchSession.open(controller, nanoClock, transport)) {
            listener.switchesUp(Side.CONTROLLER, controller.switches(), a.connectedNanos(), a.upNanos());
            try (BenchSession b = BenchSession.open(peer, nanoClock, transport)) {
                listener.switchesUp(Side.PEER, peer.switches(), b.connectedNanos(), b.upNanos());
                return alternate(controller, a, b, cpu, listener);
            }
        } finally {
            transport.shutdown();
        }
    }

    private static List<Window> alternate(BenchConfig config, BenchSession controller, BenchSession peer,
                                          Supplier<CpuSnapshot> cpu, Listener listener) {
        List<Window> windows = new ArrayList<>();
        for (int index = 0; index < config.loops(); index++) {
            for (Side side : List.of(first(index), first(index).other())) {
                BenchSession active = side == Side.CONTROLLER ? controller : peer;
                BenchSession idle = side == Side.CONTROLLER ? peer : controller;
                if (!windows.isEmpty()) {
                    active.pause(config.pauseBetweenTests());
                    idle.pause(Duration.ZERO); // a switch of the idle side lost meanwhile ends the run too
                }
                long idleUnanswered = idle.unansweredProbes();
                CpuSnapshot before = cpu.get();
                TestResult test = active.runTest(index);
                CpuSnapshot after = cpu.get();
                Window window = new Window(side, test, before, after, idleUnanswered);
                windows.add(window);
                listener.windowFinished(window);
            }
        }
        return windows;
    }
}
