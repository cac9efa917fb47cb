package dev.weft.sim.bench;

/** Progress of a run, called on the thread that runs the bench. */
@FunctionalInterface
public interface BenchListener {

    BenchListener NONE = test -> { };

    /** A test has finished. */
    void testFinished(TestResult test);

    /**
     * Every switch is connected and has sent its FEATURES_REPLY; the first test starts now.
     *
     * @param connectedNanos from the first connection attempt to the last switch connected
     * @param upNanos        from the first connection attempt to the last FEATURES_REPLY sent
     */
    default void switchesUp(int switches, long connectedNanos, long upNanos) {
    }
}
