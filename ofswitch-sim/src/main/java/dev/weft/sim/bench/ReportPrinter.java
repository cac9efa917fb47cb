package dev.weft.sim.bench;

import java.io.PrintStream;
import java.time.Clock;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** Writes a run the way cbench does: a header, a line per test, the RESULT line. */
final class ReportPrinter {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS", Locale.ROOT);

    /** Windows that open this far apart are reported: the late switches had a shorter test. */
    static final long LATE_WINDOWS_NANOS = 10_000_000;

    private final PrintStream out;
    private final Clock clock;
    private final BenchConfig config;

    ReportPrinter(PrintStream out, Clock clock, BenchConfig config) {
        this.out = out;
        this.clock = clock;
        this.config = config;
    }

    static String header(BenchConfig config, String transport) {
        return String.format(Locale.ROOT, "bench: controller benchmarking tool (cbench equivalent)%n"
                        + "   running in mode '%s'%n"
                        + "   connecting to controller at %s:%d with OpenFlow %s (%s transport, %d I/O thread%s)%n"
                        + "   faking %d switches offset %d :: %d tests each; %d ms per test%n"
                        + "   with %d unique source MACs per switch, %s frames%n"
                        + "   %s destination mac addresses before the test%n"
                        + "   ignoring first %d \"warmup\" and last %d \"cooldown\" loops%n"
                        + "   connection delay of %d ms per switch%n"
                        + "%s",
                config.mode().label(), config.host(), config.port(), ControlResponder.versionName(config.version().getWireVersion()),
                transport, config.effectiveIoThreads(), config.effectiveIoThreads() == 1 ? "" : "s",
                config.switches(), config.dpidOffset(), config.loops(), config.msPerTest(),
                config.macsPerSwitch(),
                config.probeFrame() == ProbeFrame.CBENCH ? "cbench's exact (IPv4 protocol 255)" : "IPv4/UDP",
                config.learnDestinationMacs() ? "learning" : "NOT learning",
                config.warmupLoops(), config.cooldownLoops(), config.connectDelayMs(),
                config.mode() == BenchMode.THROUGHPUT ? String.format(Locale.ROOT,
                        "   at most %s unanswered probes per switch%n", config.maxUnanswered() == 0
                                ? "64 KB of" : Integer.toString(config.maxUnanswered())) : "");
    }

    /**
     * The ramp, apart from the tests: how long the switches took to connect and to send their
     * FEATURES_REPLY. The first test starts when the last one has; whatever the controller still
     * has to do for them (read those replies, set them up) falls in the tests. Printed with the
     * header, on standard error: standard output stays cbench's lines.
     */
    static String rampLine(int switches, long connectedNanos, long upNanos) {
        return String.format(Locale.ROOT, "   ramp: %d switches connected in %d ms, all past their handshake"
                + " (FEATURES_REPLY sent) after %d ms", switches, connectedNanos / 1_000_000, upNanos / 1_000_000);
    }

    /** The ramp of one of a paired run's controllers. */
    static String rampLine(String label, int switches, long connectedNanos, long upNanos) {
        return rampLine(switches, connectedNanos, upNanos).replaceFirst("ramp:", "ramp (" + label + "):");
    }

    /** The header's extra line in a paired run. */
    static String peerLine(BenchConfig peer) {
        return String.format(Locale.ROOT, "   and as many switches to the peer at %s:%d, the test windows alternating"
                + " (controller then peer in even tests, peer then controller in odd ones)%n", peer.host(), peer.port());
    }

    void testFinished(TestResult test) {
        testFinished(test, "");
    }

    /** The same, the test line ending with {@code suffix} (a paired run's " [peer]"). */
    void testFinished(TestResult test, String suffix) {
        out.println(testLine(test, LocalTime.now(clock)) + suffix);
        Fairness sent = Fairness.of(test.packetInsSent());
        out.println(Fairness.of(test.responses()).line() + String.format(Locale.ROOT,
                "; packet-ins sent min/median/max = %d/%d/%d", sent.min(), sent.median(), sent.max())
                + (test.openSpreadNanos() >= LATE_WINDOWS_NANOS ? String.format(Locale.ROOT,
                "; the switches' windows opened over %d ms (the bench's I/O threads were late)",
                test.openSpreadNanos() / 1_000_000) : ""));
        out.flush();
    }

    /** cbench's per-test line: time, switches, each switch's count, total per ms. */
    String testLine(TestResult test, LocalTime now) {
        StringBuilder line = new StringBuilder();
        line.append(TIME.format(now)).append(' ')
                .append(String.format(Locale.ROOT, "%-3d", config.switches()))
                .append(" switches: responses: ");
        for (long count : test.responses()) {
            line.append(' ').append(count).append(' ');
        }
        line.append(String.format(Locale.ROOT, " total = %.6f per ms", test.responsesPerSecond() / 1000));
        if (!test.counted()) {
            line.append(test.index() < config.warmupLoops() ? " (warm-up)" : " (cool-down)");
        }
        return line.toString();
    }
}
