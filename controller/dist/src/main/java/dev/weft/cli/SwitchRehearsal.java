package dev.weft.cli;

import dev.weft.apps.forwarding.Forwarding;
import dev.weft.apps.learningswitch.LearningSwitch;
import dev.weft.core.Controller;
import dev.weft.core.ControllerSettings;
import dev.weft.core.openflow.ListenAddress;
import dev.weft.sim.bench.Bench;
import dev.weft.sim.bench.BenchConfig;
import dev.weft.sim.bench.BenchMode;
import dev.weft.sim.bench.BenchResult;
import dev.weft.sim.bench.TestResult;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

/**
 * The switch warm-up: before {@code weft controller} opens its listeners, a burst of simulated
 * switches (the bench's, {@code weft bench -t}) connects over loopback to a second controller of its
 * own in this process (threads named {@code weft-warm-up-*}, a listener on an ephemeral port of
 * 127.0.0.1, its own switches, host table and apps, its logs dropped), does its handshakes, is
 * announced to that controller's apps and sends packet-ins for a short while; then that controller
 * is closed. The handshake, the announcements and the packet-in path are the same code in both, so
 * the first real switches meet code the JVM has already loaded and compiled.
 *
 * <p>Why: against a fresh controller on a core shared with other work, a burst of 1,000 switches
 * left hundreds of them without a single answer in the first second: the one dispatch thread got a
 * fifth of the core, the JIT's compilers more than it, and a read on code still interpreted cost
 * about 0.6 ms (docs/benchmarks.md, "Cold 1,000-switch warm-up under contention").
 *
 * <p>Only {@link #REHEARSABLE} apps run in it (the learning switch and forwarding act on their own
 * switches' packet-ins and nothing else); without either, the core's path (handshake, announcement,
 * host tracking) is still rehearsed. A failure is logged and changes nothing (the controller then
 * starts as cold as before). {@code controller: warm-up-switches: 0} turns it off.
 */
public final class SwitchRehearsal {
    private static final Logger log = LoggerFactory.getLogger(SwitchRehearsal.class);

    /** The apps a rehearsal runs, where the controller runs them: built in, with no effect outside it. */
    static final List<String> REHEARSABLE = List.of(LearningSwitch.NAME, Forwarding.NAME);
    /** Default number of switches per round. */
    public static final int DEFAULT_SWITCHES = 250;
    /** The most switches per round the config or the command line may ask for. */
    public static final int MAX_SWITCHES = 10_000;
    /** Rounds (each: a burst of switches, packet-ins, disconnect), the OpenFlow versions in turn. */
    static final int ROUNDS = 3;
    /** Packet-ins per round: this many tests of {@link #TEST_MS} each... */
    static final int TESTS = 2;
    /**
     * ...and in the last round this many: the packet-in path needs more runs than the handshake for
     * the JIT's second compiler (in the rounds before, it was still at C1's code).
     */
    static final int LAST_ROUND_TESTS = 5;
    static final int TEST_MS = 400;
    /** Source MACs per simulated switch (the host table and the learning switch's tables grow with them). */
    static final int MACS = 200;
    /** The rehearsal's threads' name prefix (that of the migration warm-up); what they log is dropped. */
    static final String THREADS = MoveRehearsal.THREADS;
    /** Bench threads' name prefix (their logs are dropped too). */
    static final String BENCH_THREADS = "bench-io-";
    /** Threads of the private controller whose name does not take the prefix. */
    static final String ACCEPT_THREAD = "weft-accept";
    /** The compilers count as done once they have compiled nothing for this long... */
    static final Duration QUIET = Duration.ofMillis(250);
    /** ...looked for at most this long after the rounds. */
    static final Duration QUIET_MAX = Duration.ofSeconds(5);
    /** A rehearsal stops after this long whatever it reached (a machine far slower than expected). */
    static final Duration MAX = Duration.ofSeconds(15);

    /** What a rehearsal did; {@code skipped} says why it did nothing (empty when it ran). */
    public record Report(List<String> apps, List<OFVersion> versions, int switchesPerRound, int rounds,
                         long handshakes, long responses, Duration took, Duration compilersQuietAfter,
                         boolean compilersQuiet, Optional<String> skipped) {
        @Override
        public String toString() {
            return skipped.map(s -> "switch warm-up skipped: " + s).orElseGet(() -> String.format(Locale.ROOT,
                    "switch warm-up: %,d handshakes of simulated switches (%d rounds of %,d, OpenFlow %s) and %,d "
                            + "packet-ins answered, with %s, in %.1f s; the JIT's compilers %s %.1f s after; "
                            + "listening now",
                    handshakes, rounds, switchesPerRound, versions.stream().map(SwitchRehearsal::versionName).toList(),
                    responses, apps, took.toNanos() / 1e9, compilersQuiet ? "quiet" : "still busy",
                    compilersQuietAfter.toNanos() / 1e9));
        }
    }

    private SwitchRehearsal() {
    }

    /** Switches per round as the config file asks ({@code controller: warm-up-switches}), else {@link #DEFAULT_SWITCHES}. */
    public static int switches(ControllerSettings settings) {
        Integer n = settings.controllerSection().warmUpSwitches();
        return n == null ? DEFAULT_SWITCHES : n;
    }

    /**
     * Rehearse, blocking, on a thread of its own: {@code switches} simulated switches per round, the
     * apps of {@code real} among {@link #REHEARSABLE}, its OpenFlow versions among 1.0 and 1.3.
     * Returns early once {@code stop} says so. Never throws; logs a line as it starts and one as it ends.
     */
    public static Report run(ControllerSettings real, int switches, BooleanSupplier stop) {
        List<String> apps = real.apps().stream().filter(REHEARSABLE::contains).toList();
        List<OFVersion> versions = new ArrayList<>();
        for (OFVersion v : List.of(OFVersion.OF_10, OFVersion.OF_13)) {
            if (real.versions().contains(v)) {
                versions.add(v);
            }
        }
        Report r;
        if (switches == 0) {
            r = skipped(apps, versions, "warm-up-switches is 0");
        } else if (versions.isEmpty()) {
            r = skipped(apps, versions, "the simulated switches speak OpenFlow 1.0 or 1.3, and neither is enabled");
        } else {
            log.info("switch warm-up: rounds of {} simulated switches against a private controller on loopback; "
                    + "the listeners open after it (controller: warm-up-switches: 0 turns it off)", switches);
            AtomicReference<Report> out = new AtomicReference<>();
            Thread t = new Thread(() -> out.set(quietly(real, apps, versions, switches, stop)), THREADS + "-switches");
            t.setDaemon(true);
            t.start();
            try {
                t.join(MAX.plusSeconds(30).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            r = out.get() != null ? out.get() : skipped(apps, versions, "did not end in time");
        }
        if (r.skipped().isPresent() && switches != 0 && !stop.getAsBoolean()) {
            log.warn("{} (the controller works as without it; its first switches meet colder code)", r);
        } else {
            log.info("{}", r);
        }
        return r;
    }

    private static Report skipped(List<String> apps, List<OFVersion> versions, String why) {
        return new Report(apps, versions, 0, 0, 0, 0, Duration.ZERO, Duration.ZERO, false, Optional.of(why));
    }

    private static Report quietly(ControllerSettings real, List<String> apps, List<OFVersion> versions, int switches,
                                  BooleanSupplier stop) {
        List<MoveRehearsal.Quiet> quiet = List.of(MoveRehearsal.Quiet.install(THREADS),
                MoveRehearsal.Quiet.install(BENCH_THREADS), MoveRehearsal.Quiet.install(ACCEPT_THREAD));
        try {
            return rehearse(real, apps, versions, switches, stop);
        } catch (Exception | LinkageError e) {
            return skipped(apps, versions, "failed: " + e);
        } finally {
            quiet.forEach(MoveRehearsal.Quiet::remove);
        }
    }

    /** The private controller: the real one's OpenFlow and topology settings, no site, no state, loopback only. */
    static ControllerSettings privateSettings(ControllerSettings real, List<String> apps) {
        return ControllerSettings.builder().apps(apps).dispatchThreads(real.dispatchThreads())
                .listenAddresses(List.of(ListenAddress.tcp(new InetSocketAddress("127.0.0.1", 0))))
                .versions(real.versions()).echoInterval(real.echoInterval()).echoTimeout(real.echoTimeout())
                .handshakeTimeout(real.handshakeTimeout()).requestTimeout(real.requestTimeout())
                .tableMissToController(real.tableMissToController()).flowAuditInterval(Duration.ZERO)
                .startupHold(Duration.ZERO).topology(real.topology())
                .appConfig(real.appConfig().entrySet().stream().filter(e -> apps.contains(e.getKey()))
                        .collect(java.util.stream.Collectors.toMap(java.util.Map.Entry::getKey,
                                java.util.Map.Entry::getValue)))
                .build();
    }

    private static Report rehearse(ControllerSettings real, List<String> apps, List<OFVersion> versions, int switches,
                                   BooleanSupplier stop) {
        long t0 = System.nanoTime();
        long deadline = t0 + MAX.toNanos();
        long handshakes = 0;
        long responses = 0;
        int rounds = 0;
        try (Controller c = Controller.builder(privateSettings(real, apps)).threadNames(THREADS).start()) {
            int port = c.openflowAddresses().get(0).getPort();
            for (int round = 0; round < ROUNDS; round++) {
                if (stop.getAsBoolean() || System.nanoTime() > deadline) {
                    break;
                }
                BenchConfig bench = BenchConfig.builder().host("127.0.0.1").port(port).switches(switches)
                        .mode(BenchMode.THROUGHPUT).loops(round == ROUNDS - 1 ? LAST_ROUND_TESTS : TESTS)
                        .msPerTest(TEST_MS).warmupLoops(0)
                        .macsPerSwitch(MACS).pauseBetweenTests(Duration.ofMillis(20))
                        .version(versions.get(round % versions.size()))
                        // New datapath ids each round: each one is a switch the controller has not seen.
                        .dpidOffset(1L + (long) round * switches).build();
                BenchResult result = Bench.run(bench);
                rounds++;
                handshakes += switches;
                responses += result.tests().stream().mapToLong(TestResult::totalResponses).sum();
            }
        }
        if (rounds == 0) {
            return skipped(apps, versions, "the controller was asked to stop");
        }
        long t1 = System.nanoTime();
        // What it left in the heap (its host tables, its switches' buffers) is garbage now: a full
        // collection gives it back, so the controller starts as small as without it (-Xms, and
        // MaxHeapFreeRatio shrinks the heap back). Without it the RSS after a 256-switch burst was 539 MB.
        System.gc();
        boolean quiet = awaitCompilersQuiet(stop);
        return new Report(apps, versions, switches, rounds, handshakes, responses, Duration.ofNanos(t1 - t0),
                Duration.ofNanos(System.nanoTime() - t1), quiet, Optional.empty());
    }

    /**
     * Until the JIT's compilers have compiled nothing for {@link #QUIET} (what the rehearsal queued
     * for them is done, so they do not take the core from the first real switches), at most
     * {@link #QUIET_MAX}. False if they were still busy then, or the JVM does not say.
     */
    static boolean awaitCompilersQuiet(BooleanSupplier stop) {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        if (jit == null || !jit.isCompilationTimeMonitoringSupported()) {
            return false;
        }
        long end = System.nanoTime() + QUIET_MAX.toNanos();
        long last = jit.getTotalCompilationTime();
        while (System.nanoTime() < end && !stop.getAsBoolean()) {
            try {
                // No event says that the compilers are idle: their total time is looked at in steps.
                Thread.sleep(QUIET.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            long now = jit.getTotalCompilationTime();
            if (now == last) {
                return true;
            }
            last = now;
        }
        return false;
    }

    private static String versionName(OFVersion v) {
        return v == OFVersion.OF_10 ? "1.0" : v == OFVersion.OF_13 ? "1.3" : v.toString();
    }
}
