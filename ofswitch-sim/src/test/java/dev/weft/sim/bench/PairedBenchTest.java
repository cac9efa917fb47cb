package dev.weft.sim.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.sim.bench.FakeController.Answer;
import dev.weft.sim.bench.PairedBench.CpuSnapshot;
import dev.weft.sim.bench.PairedBench.Side;
import dev.weft.sim.bench.PairedBench.Window;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.projectfloodlight.openflow.protocol.OFVersion;

/**
 * {@code weft bench --peer-port}: two controllers in one run, their windows alternating, each
 * measured over its own windows.
 */
class PairedBenchTest {

    private static final int SWITCHES = 2;

    private static BenchConfig config(FakeController controller) {
        return BenchConfig.builder()
                .host("127.0.0.1")
                .port(controller.port())
                .switches(SWITCHES)
                .macsPerSwitch(10)
                .loops(4)
                .warmupLoops(1)
                .msPerTest(200)
                .pauseBetweenTests(Duration.ofMillis(15))
                .mode(BenchMode.LATENCY)
                .version(OFVersion.OF_10)
                .handshakeTimeout(Duration.ofSeconds(5))
                .build();
    }

    private static CpuSnapshot now() {
        return new CpuSnapshot(System.nanoTime(), Optional.empty(), Optional.empty(), Optional.empty(), List.of());
    }

    @Test
    void theWindowsAlternateAndTheIdleControllerGetsNoProbeWhileTheOthersIsOpen() throws Exception {
        try (FakeController a = new FakeController(Answer.PACKET_OUT);
             FakeController b = new FakeController(Answer.PACKET_OUT)) {
            BenchConfig config = config(a);
            List<Window> seen = new ArrayList<>();
            List<Window> windows = PairedBench.run(config, config.withController("127.0.0.1", b.port()),
                    PairedBenchTest::now, new PairedBench.Listener() {
                        @Override
                        public void switchesUp(Side side, int switches, long connectedNanos, long upNanos) {
                        }

                        @Override
                        public void windowFinished(Window window) {
                            seen.add(window);
                        }
                    }, System::nanoTime);

            assertEquals(windows, seen);
            assertEquals(List.of(Side.CONTROLLER, Side.PEER, Side.PEER, Side.CONTROLLER, Side.CONTROLLER, Side.PEER,
                    Side.PEER, Side.CONTROLLER), windows.stream().map(Window::side).toList());
            assertEquals(List.of(0, 0, 1, 1, 2, 2, 3, 3), windows.stream().map(w -> w.test().index()).toList());
            List<Long> toA = a.packetInTimes();
            List<Long> toB = b.packetInTimes();
            for (Window window : windows) {
                List<Long> own = window.side() == Side.CONTROLLER ? toA : toB;
                List<Long> idle = window.side() == Side.CONTROLLER ? toB : toA;
                long ownIn = inside(own, window);
                long idleIn = inside(idle, window);
                String where = window.side() + " window of test " + window.test().index() + ": " + ownIn
                        + " packet-ins to it, " + idleIn + " to the idle one, " + window.test();
                // At most the idle side's last probes (one per switch) may still be on their way.
                assertTrue(idleIn <= SWITCHES, where);
                assertEquals(0, window.idleUnanswered(), where);
                // What the window counted is what its own controller was sent.
                long sent = window.test().totalPacketInsSent();
                assertTrue(sent > 2 * SWITCHES, where);
                assertTrue(Math.abs(ownIn - sent) <= SWITCHES, where);
                assertTrue(window.test().totalResponses() > 0, where);
            }
            assertEquals(toA.size(), windows.stream().filter(w -> w.side() == Side.CONTROLLER)
                    .mapToLong(w -> w.test().totalPacketInsSent()).sum() + learnedDestinations(), "every probe to A");
            assertEquals(toB.size(), windows.stream().filter(w -> w.side() == Side.PEER)
                    .mapToLong(w -> w.test().totalPacketInsSent()).sum() + learnedDestinations(), "every probe to B");
        }
    }

    /** Each switch's gratuitous ARP after its handshake is a packet-in too. */
    private static long learnedDestinations() {
        return SWITCHES;
    }

    private static long inside(List<Long> times, Window window) {
        return times.stream().filter(t -> t > window.before().nanos() && t < window.after().nanos()).count();
    }

    @Test
    void eachControllerIsMeasuredOverItsOwnWindowsAndTheRatioIsPerPair() throws Exception {
        try (FakeController fast = new FakeController(Answer.PACKET_OUT);
             FakeController slow = new FakeController(Answer.PACKET_OUT)) {
            slow.delayAnswers(20); // at most 2 switches x 50 answers a second
            long pid = ProcessHandle.current().pid();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int code = BenchMain.run(new String[] {"-c", "127.0.0.1", "-p", String.valueOf(slow.port()),
                "--peer-port", String.valueOf(fast.port()), "-s", "2", "-M", "5", "-l", "3", "-w", "1", "-m", "200",
                "--controller-pid", String.valueOf(pid), "--peer-pid", String.valueOf(pid)},
                    new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                    Clock.systemUTC());
            String report = out.toString(StandardCharsets.UTF_8);
            assertEquals(BenchMain.EXIT_OK, code, err.toString(StandardCharsets.UTF_8) + report);
            String[] lines = report.split("\\R");

            assertTrue(err.toString(StandardCharsets.UTF_8).contains("   and as many switches to the peer at 127.0.0.1:"
                    + fast.port()), err.toString(StandardCharsets.UTF_8));
            List<String> sides = new ArrayList<>();
            for (String line : lines) {
                if (line.contains(" switches: responses: ")) {
                    sides.add(line.substring(line.lastIndexOf('[')));
                }
            }
            assertEquals(List.of("[controller]", "[peer]", "[peer]", "[controller]", "[controller]", "[peer]"), sides);
            double controller = average(line(lines, "RESULT: "));
            double peer = average(line(lines, "PEER RESULT: "));
            assertTrue(controller <= 2 * 50 * 1.2, report);
            assertTrue(peer > 2 * controller, report);
            String pairs = line(lines, "PAIRS: ");
            assertTrue(pairs.matches("PAIRS: 2 counted pairs of adjacent windows \\(controller first in even tests,"
                    + " peer first in odd ones\\); responses/s, controller / peer, per pair: 0\\.\\d\\dx 0\\.\\d\\dx;"
                    + " median 0\\.\\d\\dx \\(min 0\\.\\d\\dx, max 0\\.\\d\\dx\\); the controller ahead in 0 of 2"), pairs);
            assertTrue(line(lines, "FAIRNESS: ").startsWith("FAIRNESS: 2 tests:"), report);
            assertTrue(line(lines, "PEER FAIRNESS: ").startsWith("PEER FAIRNESS: 2 tests:"), report);
            assertTrue(line(lines, "IDLE: ").startsWith("IDLE: the idle controller's switches had no probe unanswered"),
                    report);
            assertTrue(line(lines, "CPU: controller ").matches("CPU: controller .* over its 2 counted windows, \\d+% of a"
                    + " core in them; \\d+% of a core in the other's \\(pid " + pid + "\\)"), report);
            assertTrue(line(lines, "CPU: peer ").contains(" over its 2 counted windows"), report);
            assertTrue(line(lines, "CPU: bench ").matches("CPU: bench .* in the controller's windows, .* in the peer's"
                    + " windows; its busiest I/O thread's share of a core in the busiest window: \\d+% in the controller's,"
                    + " \\d+% in the peer's"), report);
            assertTrue(line(lines, "CONTROLLER RSS: ").endsWith("(pid " + pid + ")"), report);
            assertTrue(line(lines, "PEER RSS: ").endsWith("(pid " + pid + ")"), report);
        }
    }

    private static String line(String[] lines, String prefix) {
        for (String line : lines) {
            if (line.startsWith(prefix)) {
                return line;
            }
        }
        throw new AssertionError("no line starting with '" + prefix + "' in\n" + String.join("\n", lines));
    }

    private static double average(String resultLine) {
        String[] figures = resultLine.replaceFirst(".*= ", "").replace(" responses/s", "").split("/");
        return Double.parseDouble(figures[2]);
    }

    // The report, from windows made up here: which CPU is whose.

    private static final long SECOND = 1_000_000_000L;

    private static Window window(Side side, int index, long start, long responses, CpuTimes controllerBefore,
                                 CpuTimes controllerAfter, CpuTimes peerBefore, CpuTimes peerAfter) {
        TestResult test = new TestResult(index, index > 0, List.of(responses / 2, responses - responses / 2),
                List.of(responses / 2, responses - responses / 2), SECOND);
        CpuSnapshot before = new CpuSnapshot(start, Optional.of(controllerBefore), Optional.of(peerBefore),
                Optional.of(new CpuTimes("java", 0, 0)), List.of(new CpuTimes("bench-io-0", 0, 0)));
        CpuSnapshot after = new CpuSnapshot(start + SECOND, Optional.of(controllerAfter), Optional.of(peerAfter),
                Optional.of(new CpuTimes("java", 30, 60)), List.of(new CpuTimes("bench-io-0", 30, 60)));
        return new Window(side, test, before, after, 0);
    }

    private static CpuTimes t(long user, long system) {
        return new CpuTimes("p", user, system);
    }

    @Test
    void theReportChargesEachControllerItsOwnWindowsCpu() {
        // Test 0 (warm-up) is left out. Test 1: the peer first (100,000 responses, 0.4 + 0.6 s of its
        // CPU; the controller idle), then the controller (125,000 responses, 0.5 + 0.5 s; the peer
        // spent 0.1 s meanwhile). Test 2: the controller (100,000, 0.5 + 0.5 s), then the peer (50,000,
        // 0.3 + 0.7 s).
        List<Window> windows = List.of(
                window(Side.CONTROLLER, 0, 0, 1, t(0, 0), t(90, 10), t(0, 0), t(0, 0)),
                window(Side.PEER, 0, 2 * SECOND, 1, t(90, 10), t(90, 10), t(0, 0), t(50, 50)),
                window(Side.PEER, 1, 4 * SECOND, 100_000, t(90, 10), t(90, 10), t(50, 50), t(90, 110)),
                window(Side.CONTROLLER, 1, 6 * SECOND, 125_000, t(90, 10), t(140, 60), t(90, 110), t(100, 110)),
                window(Side.CONTROLLER, 2, 8 * SECOND, 100_000, t(140, 60), t(190, 110), t(100, 110), t(100, 110)),
                window(Side.PEER, 2, 10 * SECOND, 50_000, t(190, 110), t(190, 110), t(100, 110), t(130, 180)));

        List<String> lines = PairedReport.lines(windows, 2, OptionalLong.of(11), OptionalLong.of(22));

        assertEquals(List.of(
                "RESULT: 2 switches 2 tests min/max/avg/stdev = 100000.00/125000.00/112500.00/12500.00 responses/s",
                "FAIRNESS: 2 tests: worst min/median = 1.00, most switches at 0 in a test = 0, switch-tests at 0 = 0",
                "PEER RESULT: 2 switches 2 tests min/max/avg/stdev = 50000.00/100000.00/75000.00/25000.00 responses/s",
                "PEER FAIRNESS: 2 tests: worst min/median = 1.00, most switches at 0 in a test = 0, switch-tests at 0 = 0",
                "PAIRS: 2 counted pairs of adjacent windows (controller first in even tests, peer first in odd ones);"
                        + " responses/s, controller / peer, per pair: 1.25x 2.00x; median 1.63x (min 1.25x, max 2.00x);"
                        + " the controller ahead in 2 of 2",
                "IDLE: the idle controller's switches had no probe unanswered when the other's window opened, in all 4"
                        + " counted windows",
                "CPU: controller 8.9 us per response (user 4.4, system 4.4) over its 2 counted windows, 100% of a core"
                        + " in them; 0% of a core in the other's (pid 11)",
                "CPU: peer 13.3 us per response (user 4.7, system 8.7) over its 2 counted windows, 100% of a core in"
                        + " them; 5% of a core in the other's (pid 22)",
                "CPU: per pair, the peer's CPU per response over the controller's: 1.25x 2.00x; median 1.63x",
                "CPU: bench 8.0 us per response (user 2.7, system 5.3) in the controller's windows, 12.0 us per response"
                        + " (user 4.0, system 8.0) in the peer's windows; its busiest I/O thread's share of a core in the busiest"
                        + " window: 90% in the controller's, 90% in the peer's",
                "CPU: the bench's bench-io-0 was busy 90% of a window: the rate may be the bench's limit, not the"
                        + " controller's; give the bench a core of its own (README, \"Latency mode\")"), lines);
    }

    @Test
    void withoutPidsThereIsNoControllerCpuAndAnIdleSideStillWorkingIsSaid() {
        Window a = window(Side.CONTROLLER, 1, 0, 10, t(0, 0), t(1, 1), t(0, 0), t(0, 0));
        Window b = window(Side.PEER, 1, 2 * SECOND, 0, t(0, 0), t(0, 0), t(0, 0), t(0, 0));
        List<Window> windows = List.of(a, new Window(b.side(), b.test(), b.before(), b.after(), 3));

        List<String> lines = PairedReport.lines(windows, 2, OptionalLong.empty(), OptionalLong.empty());

        assertTrue(lines.get(4).endsWith("per pair: inf; median inf (min inf, max inf); the controller ahead in 1 of 1"),
                lines.get(4));
        assertEquals("IDLE: the idle controller's switches still had probes unanswered when the other's window opened"
                + " in 1 of 2 counted windows (at most 3): that controller may have worked in the other's window",
                lines.get(5));
        assertTrue(lines.stream().noneMatch(l -> l.startsWith("CPU: controller") || l.startsWith("CPU: peer")
                || l.startsWith("CPU: per pair")), lines.toString());
    }
}
