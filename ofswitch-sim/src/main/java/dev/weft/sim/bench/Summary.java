package dev.weft.sim.bench;

import java.util.List;
import java.util.Locale;

/**
 * Statistics over the counted tests, as cbench computes them: min, max, mean and the
 * population standard deviation (divided by n) of the per-test responses per second.
 */
public record Summary(int switches, int tests, double min, double max, double avg, double stdev) {

    /** @param rates responses per second of each counted test; at least one */
    public static Summary of(int switches, List<Double> rates) {
        if (rates.isEmpty()) {
            throw new IllegalArgumentException("no counted test");
        }
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        double sum = 0;
        for (double rate : rates) {
            min = Math.min(min, rate);
            max = Math.max(max, rate);
            sum += rate;
        }
        double avg = sum / rates.size();
        double squares = 0;
        for (double rate : rates) {
            squares += (rate - avg) * (rate - avg);
        }
        return new Summary(switches, rates.size(), min, max, avg, Math.sqrt(squares / rates.size()));
    }

    /** The line scripts look for, in cbench's exact format. */
    public String resultLine() {
        return String.format(Locale.ROOT,
                "RESULT: %d switches %d tests min/max/avg/stdev = %.2f/%.2f/%.2f/%.2f responses/s",
                switches, tests, min, max, avg, stdev);
    }
}
