package dev.weft.sim.bench;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.time.Clock;

/**
 * {@code weft bench}: the command-line face of {@link Bench}. Exit codes: 0 done, 1 the run
 * failed (controller unreachable, connection lost), 2 bad arguments.
 */
public final class BenchMain {

    public static final int EXIT_OK = 0;
    public static final int EXIT_FAILED = 1;
    public static final int EXIT_USAGE = 2;

    private BenchMain() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the bench as the {@code weft} launcher does; returns the exit code. */
    public static int run(String[] args) {
        // As the controller: no stack trace per 128 buffers (Netty's default leak detection) in
        // the bench's own I/O threads, unless asked for; the bench should cost the machine as
        // little as cbench does, whatever it measures.
        if (System.getProperty("io.netty.leakDetection.level") == null
                && System.getProperty("io.netty.leakDetectionLevel") == null) {
            io.netty.util.ResourceLeakDetector.setLevel(io.netty.util.ResourceLeakDetector.Level.DISABLED);
        }
        return run(args, System.out, System.err, Clock.systemDefaultZone());
    }

    /** {@code --peer-port}: both controllers in one run, their windows alternating ({@link PairedBench}). */
    private static int runPaired(BenchCommandLine.Parsed parsed, PrintStream out, PrintStream err, ReportPrinter printer) {
        BenchConfig config = parsed.config();
        java.util.Map<PairedBench.Side, java.util.OptionalLong> pids = java.util.Map.of(
                PairedBench.Side.CONTROLLER, parsed.controllerPid(), PairedBench.Side.PEER, parsed.peerPid());
        java.util.Map<PairedBench.Side, java.util.Optional<ProcessMemory>> before = new java.util.EnumMap<>(
                PairedBench.Side.class);
        for (PairedBench.Side side : PairedBench.Side.values()) {
            java.util.OptionalLong pid = pids.get(side);
            before.put(side, pid.isPresent() ? ProcessMemory.of(pid.getAsLong()) : java.util.Optional.empty());
            if (pid.isPresent() && before.get(side).isEmpty()) {
                err.println("bench: cannot read /proc/" + pid.getAsLong() + "/status; no memory report");
            }
        }
        long benchPid = ProcessHandle.current().pid();
        java.util.function.Supplier<PairedBench.CpuSnapshot> cpu = () -> new PairedBench.CpuSnapshot(System.nanoTime(),
                read(parsed.controllerPid()), read(parsed.peerPid()), CpuTimes.ofProcess(benchPid),
                CpuTimes.threadsOf(benchPid, BenchThreadFactory.PREFIX));
        try {
            java.util.List<PairedBench.Window> windows = PairedBench.run(config, parsed.peer().get(), cpu,
                    new PairedBench.Listener() {
                        @Override
                        public void switchesUp(PairedBench.Side side, int switches, long connectedNanos, long upNanos) {
                            err.println(ReportPrinter.rampLine(side.label, switches, connectedNanos, upNanos));
                            err.flush();
                        }

                        @Override
                        public void windowFinished(PairedBench.Window window) {
                            printer.testFinished(window.test(), " [" + window.side().label + "]");
                        }
                    }, System::nanoTime);
            PairedReport.lines(windows, config.switches(), parsed.controllerPid(), parsed.peerPid())
                    .forEach(out::println);
            for (PairedBench.Side side : PairedBench.Side.values()) {
                if (before.get(side).isPresent()) {
                    long pid = pids.get(side).getAsLong();
                    ProcessMemory after = ProcessMemory.of(pid).orElse(null);
                    out.println((side == PairedBench.Side.CONTROLLER ? "CONTROLLER" : "PEER") + " RSS: before "
                            + before.get(side).get().mb(before.get(side).get().rssKb()) + ", after "
                            + (after == null ? "? (process gone)" : after.mb(after.rssKb()) + ", peak "
                            + after.mb(after.peakKb())) + " (pid " + pid + ")");
                }
            }
            out.flush();
            return EXIT_OK;
        } catch (BenchException e) {
            err.println("bench: " + e.getMessage());
            return EXIT_FAILED;
        }
    }

    private static java.util.Optional<CpuTimes> read(java.util.OptionalLong pid) {
        return pid.isPresent() ? CpuTimes.ofProcess(pid.getAsLong()) : java.util.Optional.empty();
    }

    static int run(String[] args, PrintStream out, PrintStream err, Clock clock) {
        BenchCommandLine.Parsed parsed;
        try {
            parsed = BenchCommandLine.parse(args);
        } catch (UsageException e) {
            err.println("bench: " + e.getMessage() + " (see --help)");
            return EXIT_USAGE;
        }
        if (parsed.help()) {
            BenchCommandLine.printHelp(new PrintWriter(out, true, Charset.defaultCharset()));
            return EXIT_OK;
        }
        BenchConfig config = parsed.config();
        err.print(ReportPrinter.header(config, IoTransport.preferredName()));
        parsed.peer().ifPresent(peer -> err.print(ReportPrinter.peerLine(peer)));
        err.flush();
        ReportPrinter printer = new ReportPrinter(out, clock, config);
        if (parsed.peer().isPresent()) {
            return runPaired(parsed, out, err, printer);
        }
        java.util.Optional<ProcessMemory> before = parsed.controllerPid().isPresent()
                ? ProcessMemory.of(parsed.controllerPid().getAsLong()) : java.util.Optional.empty();
        if (parsed.controllerPid().isPresent() && before.isEmpty()) {
            err.println("bench: cannot read /proc/" + parsed.controllerPid().getAsLong() + "/status; no memory report");
        }
        CpuReport cpu = CpuReport.forThisProcess(parsed.controllerPid());
        int lastCounted = config.loops() - config.cooldownLoops() - 1;
        try {
            BenchResult result = Bench.run(config, new BenchListener() {
                @Override
                public void testFinished(TestResult test) {
                    if (test.index() == lastCounted) {
                        cpu.end();
                    }
                    printer.testFinished(test);
                    if (test.index() == config.warmupLoops() - 1) {
                        cpu.start(); // the first counted test starts next
                    }
                }

                @Override
                public void switchesUp(int switches, long connectedNanos, long upNanos) {
                    err.println(ReportPrinter.rampLine(switches, connectedNanos, upNanos));
                    err.flush();
                    if (config.warmupLoops() == 0) {
                        cpu.start();
                    }
                }
            });
            out.println(result.summary().resultLine());
            out.println(Fairness.worst(result.tests().stream().filter(TestResult::counted)
                    .map(t -> Fairness.of(t.responses())).toList()));
            if (before.isPresent()) {
                ProcessMemory after = ProcessMemory.of(parsed.controllerPid().getAsLong()).orElse(null);
                out.println("CONTROLLER RSS: before " + before.get().mb(before.get().rssKb()) + ", after "
                        + (after == null ? "? (process gone)" : after.mb(after.rssKb()) + ", peak "
                        + after.mb(after.peakKb())) + " (pid " + parsed.controllerPid().getAsLong() + ")");
            }
            cpu.lines(result.tests().stream().filter(TestResult::counted).mapToLong(TestResult::totalResponses).sum(),
                    result.tests().stream().filter(TestResult::counted).mapToLong(TestResult::elapsedNanos).sum())
                    .forEach(out::println);
            out.flush();
            return EXIT_OK;
        } catch (BenchException e) {
            err.println("bench: " + e.getMessage());
            return EXIT_FAILED;
        }
    }
}
