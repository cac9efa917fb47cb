package dev.weft.sim.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * How evenly one test's responses were spread over the switches: the least, median and most
 * responses a switch got, and how many switches got none. Every switch in a run has requests
 * outstanding for the whole test, so a fair controller serves each of them.
 */
public record Fairness(long min, long median, long max, int switchesAtZero, int switches) {

    public static Fairness of(List<Long> responses) {
        if (responses.isEmpty()) {
            throw new IllegalArgumentException("no switch");
        }
        List<Long> sorted = new ArrayList<>(responses);
        Collections.sort(sorted);
        int n = sorted.size();
        long median = n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
        int zeros = (int) sorted.stream().filter(c -> c == 0).count();
        return new Fairness(sorted.get(0), median, sorted.get(n - 1), zeros, n);
    }

    /** The least-served switch's share of the median (1 = perfectly even; 0 = starved). */
    public double minOverMedian() {
        return median == 0 ? (max == 0 ? 1 : 0) : (double) min / median;
    }

    public String line() {
        return String.format(Locale.ROOT, "   per switch: min/median/max = %d/%d/%d responses, %d of %d switches at 0,"
                + " min/median = %.2f", min, median, max, switchesAtZero, switches, minOverMedian());
    }

    /** The worst of several tests: lowest min/median, most switches at zero. */
    public static String worst(List<Fairness> tests) {
        double worstRatio = tests.stream().mapToDouble(Fairness::minOverMedian).min().orElse(1);
        int mostZeros = tests.stream().mapToInt(Fairness::switchesAtZero).max().orElse(0);
        long zeroIntervals = tests.stream().mapToLong(Fairness::switchesAtZero).sum();
        return String.format(Locale.ROOT, "FAIRNESS: %d tests: worst min/median = %.2f, most switches at 0 in a test = %d,"
                + " switch-tests at 0 = %d", tests.size(), worstRatio, mostZeros, zeroIntervals);
    }
}
