package dev.weft.sim.bench;

import java.io.PrintWriter;
import java.util.List;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.HelpFormatter;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;
import org.projectfloodlight.openflow.protocol.OFVersion;

/** cbench's options, parsed into a {@link BenchConfig}. */
final class BenchCommandLine {

    static final String USAGE = "weft bench [options]";

    /** What the command line asked for: help, or a run with this config. */
    record Parsed(boolean help, BenchConfig config, java.util.OptionalLong controllerPid,
                  java.util.Optional<BenchConfig> peer, java.util.OptionalLong peerPid) {

        Parsed(boolean help, BenchConfig config, java.util.OptionalLong controllerPid) {
            this(help, config, controllerPid, java.util.Optional.empty(), java.util.OptionalLong.empty());
        }
    }

    private static final Option CONTROLLER = valued("c", "controller", "HOST", "controller host (default localhost)");
    private static final Option PORT = valued("p", "port", "PORT",
            "controller port (default " + BenchConfig.DEFAULT_PORT + ")");
    private static final Option SWITCHES = valued("s", "switches", "N", "simulated switches (default 16)");
    private static final Option MACS = valued("M", "mac-addresses", "N",
            "distinct source MACs per switch (default 100000)");
    private static final Option LOOPS = valued("l", "loops", "N", "tests to run, warm-up included (default 16)");
    private static final Option MS_PER_TEST = valued("m", "ms-per-test", "MS", "length of one test (default 1000)");
    private static final Option WARMUP = valued("w", "warmup", "N",
            "first tests left out of the statistics (default 1)");
    private static final Option COOLDOWN = valued("C", "cooldown", "N",
            "last tests left out of the statistics (default 0)");
    private static final Option THROUGHPUT = Option.builder("t").longOpt("throughput")
            .desc("throughput mode: keep the pipe full (default: latency mode, one packet-in in flight per switch)")
            .build();
    private static final Option CONNECT_DELAY = valued("D", "connect-delay", "MS",
            "pause between two switch connections (default 0)");
    private static final Option VERSION = valued("V", "of-version", "1.0|1.3", "OpenFlow version (default 1.0)");
    private static final Option DPID_OFFSET = valued("o", "dpid-offset", "N", "datapath id of the first switch (default 1)");
    private static final Option THREADS = valued("T", "threads", "N",
            "I/O threads driving the switches (default: one per 8 switches in latency mode, one per 256 in"
                    + " throughput mode, at most one per core)");
    private static final Option MAX_UNANSWERED = valued("q", "max-unanswered", "N",
            "throughput mode: probes a switch may have sent and not had answered in a test (default: 64 KB"
                    + " of probes, e.g. 799 of the 82-byte OpenFlow 1.0 probes); bounds what a slow controller"
                    + " leaves queued per switch");
    private static final Option NO_LEARN = Option.builder().longOpt("no-learn-dst-macs")
            .desc("do not announce the probes' destination MAC (a gratuitous ARP) before testing")
            .build();
    private static final Option FRAME = Option.builder().longOpt("frame").hasArg().argName("udp|cbench")
            .desc("the frame in every probe: udp (IPv4/UDP, default) or cbench (cbench's exact bytes: IPv4 with "
                    + "IP protocol 255)")
            .build();
    private static final Option CONTROLLER_PID = Option.builder().longOpt("controller-pid").hasArg().argName("PID")
            .desc("report this process's resident memory (the controller's, on this machine) before and after the run,"
                    + " and its CPU per response over the counted tests")
            .build();
    private static final Option PEER_PORT = Option.builder().longOpt("peer-port").hasArg().argName("PORT")
            .desc("latency mode: also connect as many switches to a second controller (the peer) at this port and"
                    + " alternate the test windows between the two (controller, peer; then peer, controller; ...),"
                    + " the idle one's switches sending nothing; reports each one's statistics over its own windows"
                    + " and the ratio per pair of adjacent windows")
            .build();
    private static final Option PEER_HOST = Option.builder().longOpt("peer-host").hasArg().argName("HOST")
            .desc("the peer's host (default: the controller's)")
            .build();
    private static final Option PEER_PID = Option.builder().longOpt("peer-pid").hasArg().argName("PID")
            .desc("as --controller-pid, for the peer")
            .build();
    private static final Option HELP = Option.builder("h").longOpt("help").desc("print this help").build();

    private static final Options OPTIONS = new Options();

    static {
        for (Option option : List.of(CONTROLLER, PORT, SWITCHES, MACS, LOOPS, MS_PER_TEST, WARMUP, COOLDOWN,
                THROUGHPUT, CONNECT_DELAY, VERSION, DPID_OFFSET, THREADS, MAX_UNANSWERED, NO_LEARN, FRAME, CONTROLLER_PID, PEER_PORT,
                PEER_HOST, PEER_PID, HELP)) {
            OPTIONS.addOption(option);
        }
    }

    private BenchCommandLine() {
    }

    static Parsed parse(String[] args) throws UsageException {
        CommandLine line;
        try {
            line = new DefaultParser().parse(OPTIONS, args);
        } catch (ParseException e) {
            throw new UsageException(lowerFirst(e.getMessage()));
        }
        if (line.hasOption(HELP)) {
            return new Parsed(true, null, java.util.OptionalLong.empty());
        }
        if (!line.getArgList().isEmpty()) {
            throw new UsageException("unexpected argument '" + line.getArgList().get(0) + "'");
        }
        BenchConfig.Builder builder = BenchConfig.builder();
        if (line.hasOption(CONTROLLER)) {
            builder.host(line.getOptionValue(CONTROLLER));
        }
        builder.port(intValue(line, PORT, 1, 65_535, BenchConfig.DEFAULT_PORT));
        builder.switches(intValue(line, SWITCHES, 1, Integer.MAX_VALUE, 16));
        builder.macsPerSwitch(intValue(line, MACS, 1, Integer.MAX_VALUE, 100_000));
        builder.loops(intValue(line, LOOPS, 1, Integer.MAX_VALUE, 16));
        builder.msPerTest(intValue(line, MS_PER_TEST, 1, Integer.MAX_VALUE, 1000));
        builder.warmupLoops(intValue(line, WARMUP, 0, Integer.MAX_VALUE, 1));
        builder.cooldownLoops(intValue(line, COOLDOWN, 0, Integer.MAX_VALUE, 0));
        builder.connectDelayMs(intValue(line, CONNECT_DELAY, 0, Integer.MAX_VALUE, 0));
        builder.dpidOffset(intValue(line, DPID_OFFSET, 1, Integer.MAX_VALUE, 1));
        builder.ioThreads(intValue(line, THREADS, 1, 64, 0));
        builder.maxUnanswered(intValue(line, MAX_UNANSWERED, 1, Integer.MAX_VALUE, 0));
        builder.mode(line.hasOption(THROUGHPUT) ? BenchMode.THROUGHPUT : BenchMode.LATENCY);
        builder.version(version(line));
        builder.learnDestinationMacs(!line.hasOption(NO_LEARN));
        builder.probeFrame(frame(line));
        try {
            java.util.OptionalLong pid = pid(line, CONTROLLER_PID);
            BenchConfig config = builder.build();
            return new Parsed(false, config, pid, peer(line, config), pid(line, PEER_PID));
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    private static java.util.OptionalLong pid(CommandLine line, Option option) throws UsageException {
        return line.hasOption(option) ? java.util.OptionalLong.of(intValue(line, option, 1, Integer.MAX_VALUE, 1))
                : java.util.OptionalLong.empty();
    }

    private static java.util.Optional<BenchConfig> peer(CommandLine line, BenchConfig config) throws UsageException {
        if (!line.hasOption(PEER_PORT)) {
            for (Option needsPeer : List.of(PEER_HOST, PEER_PID)) {
                if (line.hasOption(needsPeer)) {
                    throw new UsageException(name(needsPeer) + " needs --peer-port");
                }
            }
            return java.util.Optional.empty();
        }
        if (config.mode() != BenchMode.LATENCY) {
            throw new UsageException("--peer-port measures latency mode only (in throughput mode a controller would"
                    + " still drain its backlog in the other's window)");
        }
        String host = line.hasOption(PEER_HOST) ? line.getOptionValue(PEER_HOST).trim() : config.host();
        int port = intValue(line, PEER_PORT, 1, 65_535, 0);
        if (host.equals(config.host()) && port == config.port()) {
            throw new UsageException("--peer-port must name another controller than -p (both are " + host + ":"
                    + port + ")");
        }
        return java.util.Optional.of(config.withController(host, port));
    }

    static void printHelp(PrintWriter out) {
        String nl = System.lineSeparator();
        new HelpFormatter().printHelp(out, 100, USAGE,
                nl + "Simulates OpenFlow switches that send packet-ins to a controller and counts its responses "
                        + "per second, like cbench." + nl + nl,
                OPTIONS, 2, 2,
                nl + "Prints a line per test and then RESULT: N switches L tests min/max/avg/stdev = ... responses/s",
                false);
        out.flush();
    }

    private static int intValue(CommandLine line, Option option, int min, int max, int fallback)
            throws UsageException {
        if (!line.hasOption(option)) {
            return fallback;
        }
        String text = line.getOptionValue(option).trim();
        int value;
        try {
            value = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new UsageException(name(option) + " expects a whole number, got '" + text + "'");
        }
        if (value < min || value > max) {
            String range = max == Integer.MAX_VALUE ? "at least " + min : "between " + min + " and " + max;
            throw new UsageException(name(option) + " must be " + range + ", got " + value);
        }
        return value;
    }

    private static OFVersion version(CommandLine line) throws UsageException {
        String text = line.getOptionValue(VERSION, "1.0").trim();
        switch (text) {
            case "1.0":
            case "10":
                return OFVersion.OF_10;
            case "1.3":
            case "13":
                return OFVersion.OF_13;
            default:
                throw new UsageException(name(VERSION) + " must be 1.0 or 1.3, got '" + text + "'");
        }
    }

    private static ProbeFrame frame(CommandLine line) throws UsageException {
        String text = line.getOptionValue(FRAME, "udp").trim();
        return switch (text) {
            case "udp" -> ProbeFrame.UDP;
            case "cbench" -> ProbeFrame.CBENCH;
            default -> throw new UsageException(name(FRAME) + " must be udp or cbench, got '" + text + "'");
        };
    }

    private static Option valued(String shortName, String longName, String argName, String description) {
        return Option.builder(shortName).longOpt(longName).hasArg().argName(argName).desc(description).build();
    }

    private static String name(Option option) {
        return option.getOpt() == null ? "--" + option.getLongOpt() : "-" + option.getOpt() + "/--" + option.getLongOpt();
    }

    private static String lowerFirst(String message) {
        return message.isEmpty() ? message : Character.toLowerCase(message.charAt(0)) + message.substring(1);
    }
}
