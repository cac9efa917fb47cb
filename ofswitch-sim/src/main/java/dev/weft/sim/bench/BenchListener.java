package dev.weft.sim.bench;

/** Progress of a run, called on the thread that runs the bench. */
@FunctionalInterface
public interface BenchListener {

    BenchListener NONE = test -> { };

    /** A test has finished. */
    void testFinished(TestResult test);
}
