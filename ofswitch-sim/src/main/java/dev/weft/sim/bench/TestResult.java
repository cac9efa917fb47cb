package dev.weft.sim.bench;

import java.util.List;

/**
 * One test (cbench "loop"): what each switch counted while the test ran.
 *
 * @param index         0-based position in the run
 * @param counted       false for warm-up and cool-down tests, which the statistics leave out
 * @param responses     counted responses per switch, in connection order
 * @param packetInsSent packet-ins sent per switch during the test
 * @param elapsedNanos  from the first switch starting to the last switch stopping
 * @param openSpreadNanos from the first switch's window opening to the last one's (the bench's own
 *                        delay: a switch whose window opens late has a shorter test)
 */
public record TestResult(int index, boolean counted, List<Long> responses, List<Long> packetInsSent,
                         long elapsedNanos, long openSpreadNanos) {

    public TestResult(int index, boolean counted, List<Long> responses, List<Long> packetInsSent, long elapsedNanos) {
        this(index, counted, responses, packetInsSent, elapsedNanos, 0);
    }

    public TestResult {
        responses = List.copyOf(responses);
        packetInsSent = List.copyOf(packetInsSent);
        if (responses.size() != packetInsSent.size()) {
            throw new IllegalArgumentException("one count per switch expected");
        }
        if (elapsedNanos <= 0) {
            throw new IllegalArgumentException("elapsed time must be positive, got " + elapsedNanos);
        }
    }

    public long totalResponses() {
        return responses.stream().mapToLong(Long::longValue).sum();
    }

    public long totalPacketInsSent() {
        return packetInsSent.stream().mapToLong(Long::longValue).sum();
    }

    public double elapsedMillis() {
        return elapsedNanos / 1e6;
    }

    /** cbench's figure: all switches' responses divided by the test's length. */
    public double responsesPerSecond() {
        return totalResponses() * 1e9 / elapsedNanos;
    }
}
