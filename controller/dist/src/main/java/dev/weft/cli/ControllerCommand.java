package dev.weft.cli;

import dev.weft.core.Controller;
import dev.weft.core.ControllerSettings;
import dev.weft.core.Version;
import dev.weft.core.app.AppLoadException;
import dev.weft.core.config.ConfigException;
import dev.weft.core.config.ConfigLoader;
import dev.weft.core.config.WeftConfig;
import dev.weft.console.Console;
import dev.weft.console.ConsoleSettings;
import dev.weft.rest.RestEndpoint;
import dev.weft.rest.RouteSource;
import dev.weft.rest.RestSettings;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.HelpFormatter;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * {@code weft controller}: run the controller until interrupted. Exit codes: 0 after a clean
 * stop, 1 when it cannot start (port in use, an app failed), 2 on bad arguments or an invalid
 * config file.
 */
public final class ControllerCommand {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ControllerCommand.class);
    public static final String NAME = "controller";

    /** What the command line asked for. */
    public sealed interface Request permits Help, ShowVersion, Run {
    }

    public record Help() implements Request {
    }

    public record ShowVersion() implements Request {
    }

    public record Run(ControllerSettings settings, java.util.Optional<RestSettings> rest,
                      java.util.Optional<ConsoleSettings> console, String logLevel,
                      dev.weft.ovsdb.OvsdbSettings ovsdb,
                      java.util.Optional<dev.weft.cluster.ClusterSettings> cluster, Integer warmUpSwitches)
            implements Request {
        public Run(ControllerSettings settings, java.util.Optional<RestSettings> rest,
                   java.util.Optional<ConsoleSettings> console, String logLevel, dev.weft.ovsdb.OvsdbSettings ovsdb,
                   java.util.Optional<dev.weft.cluster.ClusterSettings> cluster) {
            this(settings, rest, console, logLevel, ovsdb, cluster, null);
        }

        public Run(ControllerSettings settings, java.util.Optional<RestSettings> rest,
                   java.util.Optional<ConsoleSettings> console, String logLevel) {
            this(settings, rest, console, logLevel, dev.weft.ovsdb.OvsdbSettings.defaults());
        }

        public Run(ControllerSettings settings, java.util.Optional<RestSettings> rest,
                   java.util.Optional<ConsoleSettings> console, String logLevel, dev.weft.ovsdb.OvsdbSettings ovsdb) {
            this(settings, rest, console, logLevel, ovsdb, java.util.Optional.empty());
        }
    }

    private ControllerCommand() {
    }

    static Options options() {
        Options o = new Options();
        o.addOption(Option.builder("l").longOpt("listen").hasArg().argName("ADDR")
                .desc("where switches connect: [tcp:|ssl:]PORT or [tcp:|ssl:]HOST:PORT; repeat or separate with commas "
                        + "(default 0.0.0.0:6653; ssl: needs controller: tls: in the config file)")
                .build());
        o.addOption(Option.builder("a").longOpt("apps").hasArg().argName("LIST")
                .desc("apps to run, in chain order, comma-separated (default learning-switch)").build());
        o.addOption(Option.builder("c").longOpt("config").hasArg().argName("FILE")
                .desc("YAML config file (controller settings, app settings)").build());
        o.addOption(Option.builder("p").longOpt("plugins").hasArg().argName("DIR")
                .desc("directory of app jars to load").build());
        o.addOption(Option.builder("t").longOpt("threads").hasArg().argName("N")
                .desc("dispatch threads, each serving its switches' I/O and apps (default: one per core)").build());
        o.addOption(Option.builder().longOpt("of-versions").hasArg().argName("LIST")
                .desc("OpenFlow versions to accept (default 1.0,1.3,1.4,1.5)").build());
        o.addOption(Option.builder().longOpt("rest").hasArg().argName("ADDR")
                .desc("the REST API: HOST:PORT, PORT (on 127.0.0.1) or off (default 127.0.0.1:8080; off loopback "
                        + "it needs a token: rest: token-file or token-env in the config file)").build());
        o.addOption(Option.builder().longOpt("warm-up-switches").hasArg().argName("N")
                .desc("before listening, rehearse bursts of N simulated switches on a private controller over "
                        + "loopback so that the first real ones meet compiled code; 0 turns it off (default "
                        + SwitchRehearsal.DEFAULT_SWITCHES + ", or controller: warm-up-switches in the config file)")
                .build());
        o.addOption(Option.builder().longOpt("log-level").hasArg().argName("LEVEL")
                .desc("trace, debug, info, warn, error or off (default info)").build());
        o.addOption(Option.builder("h").longOpt("help").desc("show this help").build());
        o.addOption(Option.builder("V").longOpt("version").desc("show the version").build());
        return o;
    }

    /** Parse the arguments (after the subcommand name). */
    public static Request parse(String[] args) {
        CommandLine cl;
        try {
            cl = new DefaultParser().parse(options(), args);
        } catch (ParseException e) {
            throw new UsageException(e.getMessage());
        }
        if (!cl.getArgList().isEmpty()) {
            throw new UsageException("unexpected argument '" + cl.getArgList().get(0) + "'");
        }
        if (cl.hasOption("help")) {
            return new Help();
        }
        if (cl.hasOption("version")) {
            return new ShowVersion();
        }
        ControllerSettings.Builder b = ControllerSettings.builder();
        // The command runs the API by default (the config file's rest: section and --rest change it).
        java.util.Optional<RestSettings> rest = java.util.Optional.of(RestSettings.defaults());
        java.util.Optional<ConsoleSettings> console = java.util.Optional.of(ConsoleSettings.DEFAULTS);
        dev.weft.ovsdb.OvsdbSettings ovsdb = dev.weft.ovsdb.OvsdbSettings.defaults();
        java.util.Optional<dev.weft.cluster.ClusterSettings> cluster = java.util.Optional.empty();
        if (cl.hasOption("config")) {
            Path file = Path.of(cl.getOptionValue("config"));
            WeftConfig cfg = ConfigLoader.load(file);
            b.config(cfg).configFile(file);
            if (cfg.rest() != null) {
                rest = RestSettings.with(rest, cfg.rest(), cfg.source(), System.getenv());
            }
            console = ConsoleSettings.of(cfg.console(), cfg.source());
            ovsdb = dev.weft.ovsdb.OvsdbSettings.of(cfg.ovsdb(), cfg.source());
            cluster = dev.weft.cluster.ClusterSettings.of(cfg.cluster(), cfg.source());
        }
        String logLevel = null;
        try {
            if (cl.hasOption("listen")) {
                List<dev.weft.core.openflow.ListenAddress> addrs = new ArrayList<>();
                for (String v : cl.getOptionValues("listen")) {
                    for (String part : v.split(",")) {
                        if (!part.isBlank()) {
                            addrs.add(ControllerSettings.parseListenAddress(part));
                        }
                    }
                }
                b.listenAddresses(addrs);
            }
            if (cl.hasOption("apps")) {
                b.apps(Arrays.stream(cl.getOptionValue("apps").split(",")).map(String::trim)
                        .filter(s -> !s.isEmpty()).toList());
            }
            if (cl.hasOption("plugins")) {
                b.plugins(Path.of(cl.getOptionValue("plugins")));
            }
            if (cl.hasOption("threads")) {
                b.dispatchThreads(positive("--threads", cl.getOptionValue("threads")));
            }
            if (cl.hasOption("of-versions")) {
                var vs = EnumSet.noneOf(org.projectfloodlight.openflow.protocol.OFVersion.class);
                for (String v : cl.getOptionValue("of-versions").split(",")) {
                    vs.add(ControllerSettings.parseVersion(v));
                }
                b.versions(vs);
            }
            if (cl.hasOption("rest")) {
                String v = cl.getOptionValue("rest").trim();
                if (v.equals("off")) {
                    rest = java.util.Optional.empty();
                } else {
                    var base = rest.orElseGet(RestSettings::defaults);
                    rest = java.util.Optional.of(new RestSettings(RestSettings.parseListen(v), base.token(),
                            base.requireToken(), base.tls()));
                }
            }
            if (cl.hasOption("log-level")) {
                logLevel = cl.getOptionValue("log-level");
                LogLevels.check(logLevel);
            }
            Integer warmUpSwitches = null;
            if (cl.hasOption("warm-up-switches")) {
                warmUpSwitches = notNegative("--warm-up-switches", cl.getOptionValue("warm-up-switches"));
            }
            return new Run(b.build(), rest, console, logLevel, ovsdb, cluster, warmUpSwitches);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    private static int notNegative(String option, String value) {
        try {
            int n = Integer.parseInt(value);
            if (n < 0 || n > SwitchRehearsal.MAX_SWITCHES) {
                throw new UsageException(option + " must be from 0 to " + SwitchRehearsal.MAX_SWITCHES + " (was " + value
                        + ")");
            }
            return n;
        } catch (NumberFormatException e) {
            throw new UsageException(option + " needs a whole number (was '" + value + "')");
        }
    }

    private static int positive(String option, String value) {
        try {
            int n = Integer.parseInt(value);
            if (n < 1) {
                throw new UsageException(option + " must be at least 1 (was " + value + ")");
            }
            return n;
        } catch (NumberFormatException e) {
            throw new UsageException(option + " needs a whole number (was '" + value + "')");
        }
    }

    public static void printHelp(PrintStream out, String program) {
        PrintWriter w = new PrintWriter(out);
        new HelpFormatter().printHelp(w, 100, program + " " + NAME + " [options]",
                "\nRun the Weft controller: switches connect to it over OpenFlow 1.0/1.3.\n\n", options(), 2, 2,
                "\nExit codes: 0 stopped cleanly, 1 could not start, 2 bad arguments or config.\n");
        w.flush();
    }

    /** Run the command; blocks until the JVM is asked to stop. Returns the exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        Request req;
        try {
            req = parse(args);
        } catch (UsageException | ConfigException e) {
            err.println("weft " + NAME + ": " + e.getMessage());
            return 2;
        }
        try {
            dev.weft.core.dispatch.Transport.fromSystemProperty(); // a misspelt WEFT_TRANSPORT: a sentence, not a trace
        } catch (IllegalArgumentException e) {
            err.println("weft " + NAME + ": " + e.getMessage());
            return 2;
        }
        if (req instanceof Help) {
            printHelp(out, "weft");
            return 0;
        }
        if (req instanceof ShowVersion) {
            out.println("weft " + Version.get());
            return 0;
        }
        Run run = (Run) req;
        if (run.logLevel() != null) {
            LogLevels.set(run.logLevel());
        }
        // Ctrl-C and SIGTERM: a clean stop is a success (exit 0), as systemd and scripts expect;
        // taken from here on, so a stop asked for while Weft starts waits for the start to end.
        CountDownLatch stopRequested = new CountDownLatch(1);
        Signals.on("INT", stopRequested::countDown);
        Signals.on("TERM", stopRequested::countDown);
        HeapCheck.warning(run.settings().network(), Runtime.getRuntime().maxMemory())
                .ifPresent(w -> err.println("weft " + NAME + ": warning: " + w));
        NettyLeakDetection.apply();
        Controller controller;
        try {
            Controller.Builder builder = Controller.builder(run.settings());
            // Before the listeners open (the apps started, so an unknown app fails first): bursts of
            // simulated switches against a private controller, so that the first real burst meets
            // compiled code (controller: warm-up-switches: 0 turns it off).
            int warmUpSwitches = run.warmUpSwitches() != null ? run.warmUpSwitches()
                    : SwitchRehearsal.switches(run.settings());
            builder.beforeListening(() -> SwitchRehearsal.run(run.settings(), warmUpSwitches,
                    () -> stopRequested.getCount() == 0));
            // In a cluster, switches start as slaves here until ZooKeeper makes this instance master.
            java.util.Optional<dev.weft.cluster.ClusterExtension> cluster = run.cluster()
                    .map(dev.weft.cluster.ClusterExtension::new);
            cluster.ifPresent(c -> builder.switchesStartAsSlaves().extension(c));
            // The console first: the API's server serves its routes, and stops before it.
            java.util.Optional<Console> console = run.console().map(Console::new);
            console.ifPresent(builder::extension);
            // The hypervisors' Open vSwitch (nodes with ovsdb:) and the alerts, always.
            dev.weft.ovsdb.OvsdbExtension ovsdb = new dev.weft.ovsdb.OvsdbExtension(run.ovsdb());
            builder.extension(ovsdb);
            List<RouteSource> routes = new ArrayList<>();
            console.ifPresent(routes::add);
            routes.add(new dev.weft.ovsdb.AlertRoutes(ovsdb));
            cluster.ifPresent(c -> routes.add(new dev.weft.cluster.ClusterRoutes(c)));
            run.rest().ifPresent(r -> builder.extension(new RestEndpoint(r, routes)));
            // Last: it rehearses migrations in a private controller so that the first real one runs compiled code.
            builder.extension(MoveRehearsal.of(run.settings()));
            controller = builder.start();
        } catch (ConfigException e) {
            err.println("weft " + NAME + ": " + e.getMessage());
            return 2;
        } catch (AppLoadException | IllegalStateException e) {
            err.println("weft " + NAME + ": " + e.getMessage());
            return 1;
        }
        dev.weft.core.config.ConfigWatcher watcher = null;
        if (run.settings().configFile().isPresent()) {
            try {
                watcher = new dev.weft.core.config.ConfigWatcher(run.settings().configFile().get(), controller::reload);
            } catch (java.io.IOException e) {
                err.println("weft " + NAME + ": cannot watch the config file for changes (" + e.getMessage()
                        + "); reload with SIGHUP instead");
            }
        }
        if (run.settings().configFile().isPresent()) {
            Signals.on("HUP", () -> {
                log.info("SIGHUP: reloading the config file");
                controller.reload();
            });
        }
        dev.weft.core.config.ConfigWatcher w = watcher;
        java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
        Runnable stop = () -> {
            if (closed.compareAndSet(false, true)) {
                if (w != null) {
                    w.close();
                }
                controller.close();
            }
        };
        // Any other way out of the JVM (System.exit elsewhere, a signal we could not take) still stops cleanly.
        Runtime.getRuntime().addShutdownHook(new Thread(stop, "weft-shutdown"));
        try {
            stopRequested.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        log.info("stop requested; stopping");
        stop.run();
        return 0;
    }
}
