package dev.weft.sim.bench;

import java.time.Duration;
import java.util.Objects;
import org.projectfloodlight.openflow.protocol.OFVersion;

/**
 * One benchmark run. Defaults follow cbench except the port (6653, the IANA OpenFlow port; cbench
 * used 6633).
 *
 * @param host                 controller host name or address
 * @param port                 controller TCP port
 * @param switches             simulated switches (one TCP connection each)
 * @param macsPerSwitch        distinct source MACs each switch cycles through
 * @param loops                tests to run, warm-up and cool-down included
 * @param msPerTest            length of one test
 * @param warmupLoops          first tests left out of the statistics
 * @param cooldownLoops        last tests left out of the statistics
 * @param mode                 latency (one outstanding packet-in per switch) or throughput
 * @param connectDelayMs       pause between two switch connections
 * @param version              OpenFlow version the switches speak (1.0 or 1.3)
 * @param learnDestinationMacs send one gratuitous ARP per switch before testing, so that a
 *                             learning switch knows the probes' destination (cbench {@code -L}, on
 *                             by default)
 * @param dpidOffset           datapath id of the first switch; the others follow
 * @param ioThreads            event-loop threads driving all switches (0: in throughput mode one per
 *                             256 switches, in latency mode one per 8 switches; at most one per core)
 * @param handshakeTimeout     how long every switch may wait for its FEATURES_REQUEST
 * @param pauseBetweenTests    quiet time after each test in which late responses are discarded
 *                             (cbench sleeps 100 ms and drains the sockets)
 * @param probeFrame           the frame inside every probe: a UDP frame, or cbench's exact bytes
 * @param maxUnanswered        throughput mode: probes a switch may have sent and not had answered
 *                             in a test (0: 64 KB of probes, cbench's buffer); the bound on what a
 *                             slow controller leaves queued per switch
 */
public record BenchConfig(
        String host,
        int port,
        int switches,
        int macsPerSwitch,
        int loops,
        int msPerTest,
        int warmupLoops,
        int cooldownLoops,
        BenchMode mode,
        int connectDelayMs,
        OFVersion version,
        boolean learnDestinationMacs,
        long dpidOffset,
        int ioThreads,
        Duration handshakeTimeout,
        Duration pauseBetweenTests,
        ProbeFrame probeFrame,
        int maxUnanswered) {

    public static final int DEFAULT_PORT = 6653;
    /** Switches one I/O thread drives by default in throughput mode. */
    static final int SWITCHES_PER_IO_THREAD = 256;
    /**
     * Switches one I/O thread drives by default in latency mode. There every switch waits for its
     * own round trip, and one thread answers the switches in turn: at 16 switches on one thread
     * the bench's turn was the limit (both Weft and {@code ovs-testcontroller} stopped at the same
     * 55,000-57,000 responses/s; README "Simulator and benchmarks").
     */
    static final int SWITCHES_PER_LATENCY_IO_THREAD = 8;

    public BenchConfig {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(handshakeTimeout, "handshakeTimeout");
        Objects.requireNonNull(pauseBetweenTests, "pauseBetweenTests");
        Objects.requireNonNull(probeFrame, "probeFrame");
        require(!host.isBlank(), "controller host must not be empty");
        require(port >= 1 && port <= 65535, "port must be in 1..65535, got " + port);
        require(switches >= 1, "switches must be at least 1, got " + switches);
        require(macsPerSwitch >= 1, "MACs per switch must be at least 1, got " + macsPerSwitch);
        require(loops >= 1, "loops must be at least 1, got " + loops);
        require(msPerTest >= 1, "ms per test must be at least 1, got " + msPerTest);
        require(warmupLoops >= 0, "warm-up loops must not be negative, got " + warmupLoops);
        require(cooldownLoops >= 0, "cool-down loops must not be negative, got " + cooldownLoops);
        require(warmupLoops + cooldownLoops < loops, "warm-up (" + warmupLoops + ") + cool-down ("
                + cooldownLoops + ") loops must be fewer than loops (" + loops + ")");
        require(connectDelayMs >= 0, "connect delay must not be negative, got " + connectDelayMs);
        require(version == OFVersion.OF_10 || version == OFVersion.OF_13,
                "OpenFlow version must be 1.0 or 1.3, got " + version);
        require(dpidOffset >= 1, "dpid offset must be at least 1, got " + dpidOffset);
        require(ioThreads >= 0, "I/O threads must not be negative, got " + ioThreads);
        require(maxUnanswered >= 0, "unanswered probes per switch must not be negative, got " + maxUnanswered);
        require(!handshakeTimeout.isNegative() && !handshakeTimeout.isZero(), "handshake timeout must be positive");
        require(!pauseBetweenTests.isNegative(), "pause between tests must not be negative");
    }

    /**
     * The I/O threads actually used: as configured, or one per 256 switches in throughput mode and
     * one per 8 switches in latency mode, at most one per core.
     */
    public int effectiveIoThreads() {
        return effectiveIoThreads(Runtime.getRuntime().availableProcessors());
    }

    int effectiveIoThreads(int cores) {
        if (ioThreads > 0) {
            return ioThreads;
        }
        int perThread = mode == BenchMode.LATENCY ? SWITCHES_PER_LATENCY_IO_THREAD : SWITCHES_PER_IO_THREAD;
        int wanted = (switches + perThread - 1) / perThread;
        return Math.max(1, Math.min(wanted, cores));
    }

    /** The same run against another controller (a paired run's peer). */
    public BenchConfig withController(String otherHost, int otherPort) {
        return new BenchConfig(otherHost, otherPort, switches, macsPerSwitch, loops, msPerTest, warmupLoops,
                cooldownLoops, mode, connectDelayMs, version, learnDestinationMacs, dpidOffset, ioThreads,
                handshakeTimeout, pauseBetweenTests, probeFrame, maxUnanswered);
    }

    /** Tests that count in the statistics. */
    public int countedTests() {
        return loops - warmupLoops - cooldownLoops;
    }

    /** Whether test {@code index} (0-based) is counted, i.e. neither warm-up nor cool-down. */
    public boolean isCounted(int index) {
        return index >= warmupLoops && index < loops - cooldownLoops;
    }

    public static Builder builder() {
        return new Builder();
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }

    /** Builder with cbench's defaults. */
    public static final class Builder {
        private String host = "localhost";
        private int port = DEFAULT_PORT;
        private int switches = 16;
        private int macsPerSwitch = 100_000;
        private int loops = 16;
        private int msPerTest = 1000;
        private int warmupLoops = 1;
        private int cooldownLoops = 0;
        private BenchMode mode = BenchMode.LATENCY;
        private int connectDelayMs = 0;
        private OFVersion version = OFVersion.OF_10;
        private boolean learnDestinationMacs = true;
        private long dpidOffset = 1;
        private int ioThreads = 0;
        private int maxUnanswered = 0;
        private Duration handshakeTimeout = Duration.ofSeconds(10);
        private Duration pauseBetweenTests = Duration.ofMillis(100);
        private ProbeFrame probeFrame = ProbeFrame.UDP;

        private Builder() {
        }

        public Builder host(String value) {
            host = value;
            return this;
        }

        public Builder port(int value) {
            port = value;
            return this;
        }

        public Builder switches(int value) {
            switches = value;
            return this;
        }

        public Builder macsPerSwitch(int value) {
            macsPerSwitch = value;
            return this;
        }

        public Builder loops(int value) {
            loops = value;
            return this;
        }

        public Builder msPerTest(int value) {
            msPerTest = value;
            return this;
        }

        public Builder warmupLoops(int value) {
            warmupLoops = value;
            return this;
        }

        public Builder cooldownLoops(int value) {
            cooldownLoops = value;
            return this;
        }

        public Builder mode(BenchMode value) {
            mode = value;
            return this;
        }

        public Builder connectDelayMs(int value) {
            connectDelayMs = value;
            return this;
        }

        public Builder version(OFVersion value) {
            version = value;
            return this;
        }

        public Builder learnDestinationMacs(boolean value) {
            learnDestinationMacs = value;
            return this;
        }

        public Builder dpidOffset(long value) {
            dpidOffset = value;
            return this;
        }

        public Builder ioThreads(int value) {
            ioThreads = value;
            return this;
        }

        public Builder handshakeTimeout(Duration value) {
            handshakeTimeout = value;
            return this;
        }

        public Builder pauseBetweenTests(Duration value) {
            pauseBetweenTests = value;
            return this;
        }

        public Builder maxUnanswered(int value) {
            maxUnanswered = value;
            return this;
        }

        public Builder probeFrame(ProbeFrame value) {
            probeFrame = value;
            return this;
        }

        public BenchConfig build() {
            return new BenchConfig(host, port, switches, macsPerSwitch, loops, msPerTest, warmupLoops,
                    cooldownLoops, mode, connectDelayMs, version, learnDestinationMacs, dpidOffset, ioThreads,
                    handshakeTimeout, pauseBetweenTests, probeFrame, maxUnanswered);
        }
    }
}
