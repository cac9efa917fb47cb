package dev.weft.sim.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * The cbench-equivalent benchmark, for code: connects {@link BenchConfig#switches()} simulated
 * switches to a controller, runs {@link BenchConfig#loops()} tests and returns what each
 * measured. Blocks until done; every thread and connection it made is gone when it returns.
 *
 * <pre>{@code
 * BenchResult result = Bench.run(BenchConfig.builder().port(6653).mode(BenchMode.THROUGHPUT).build());
 * System.out.println(result.summary().resultLine());
 * }</pre>
 */
public final class Bench {

    private final BenchConfig config;
    private final BenchListener listener;
    private final LongSupplier nanoClock;

    Bench(BenchConfig config, BenchListener listener, LongSupplier nanoClock) {
        this.config = config;
        this.listener = listener;
        this.nanoClock = nanoClock;
    }

    /** @throws BenchException if the controller cannot be reached or a switch is lost */
    public static BenchResult run(BenchConfig config) {
        return run(config, BenchListener.NONE);
    }

    /** Like {@link #run(BenchConfig)}, telling {@code listener} about each test as it ends. */
    public static BenchResult run(BenchConfig config, BenchListener listener) {
        return new Bench(config, listener, System::nanoTime).run();
    }

    BenchResult run() {
        try (BenchSession session = BenchSession.open(config, nanoClock)) {
            listener.switchesUp(config.switches(), session.connectedNanos(), session.upNanos());
            List<TestResult> tests = new ArrayList<>();
            for (int index = 0; index < config.loops(); index++) {
                if (index > 0) {
                    session.pause(config.pauseBetweenTests());
                }
                TestResult test = session.runTest(index);
                tests.add(test);
                listener.testFinished(test);
            }
            return BenchResult.of(config, tests);
        }
    }
}
