package dev.weft.sim.bench;

import java.util.List;

/** Everything a run measured: each test, and the statistics over the counted ones. */
public record BenchResult(BenchConfig config, List<TestResult> tests, Summary summary) {

    public BenchResult {
        tests = List.copyOf(tests);
    }

    static BenchResult of(BenchConfig config, List<TestResult> tests) {
        List<Double> rates = tests.stream()
                .filter(TestResult::counted)
                .map(TestResult::responsesPerSecond)
                .toList();
        return new BenchResult(config, tests, Summary.of(config.switches(), rates));
    }
}
