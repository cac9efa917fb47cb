package dev.weft.cli;

import dev.weft.core.Controller;
import dev.weft.core.ControllerSettings;
import dev.weft.core.app.AppLoadException;
import dev.weft.sim.cli.CommandShell;
import dev.weft.sim.net.PingAllResult;
import dev.weft.sim.net.SimNetwork;
import dev.weft.sim.net.Topology;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.HelpFormatter;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;
import org.projectfloodlight.openflow.protocol.OFVersion;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeoutException;

/**
 * {@code weft demo}: Weft and a simulated network (ofswitch-sim) in one process, with no real
 * switches needed. Prints who reaches whom, then leaves both running: with a terminal, a
 * command prompt to ping, move hosts and take links down; without one, until Ctrl-C.
 */
final class DemoCommand {
    static final String NAME = "demo";

    private DemoCommand() {
    }

    static Options options() {
        Options o = new Options();
        o.addOption(Option.builder("l").longOpt("listen").hasArg().argName("HOST:PORT")
                .desc("where the controller listens (default 127.0.0.1:6653; real switches may connect too)").build());
        o.addOption(Option.builder("c").longOpt("config").hasArg().argName("FILE")
                .desc("tenants and transport nodes to simulate (default: the example tenants, "
                        + "examples/tenants/three-tenants.yaml)").build());
        o.addOption(Option.builder().longOpt("topo").hasArg().argName("SPEC")
                .desc("instead of tenants: a plain switched network with the learning switch: single,N | "
                        + "linear,N | tree,D,F | ring,N | torus,X,Y").build());
        o.addOption(Option.builder().longOpt("of").hasArg().argName("VERSION")
                .desc("OpenFlow version of the simulated switches: 1.0 or 1.3 (default 1.3)").build());
        o.addOption(Option.builder("a").longOpt("apps").hasArg().argName("LIST")
                .desc("controller apps, in chain order (default learning-switch)").build());
        o.addOption(Option.builder().longOpt("console").hasArg().argName("HOST:PORT|off")
                .desc("tenants: where the console (web page and API) listens (default 127.0.0.1:8080, another free "
                        + "port when that is taken)").build());
        o.addOption(Option.builder().longOpt("script").hasArg().argName("FILE")
                .desc("run these simulator commands after the matrix, then exit (0 if all succeeded)").build());
        o.addOption(Option.builder().longOpt("log-level").hasArg().argName("LEVEL")
                .desc("controller log level (default warn, so the prompt stays readable)").build());
        o.addOption(Option.builder("h").longOpt("help").desc("show this help").build());
        return o;
    }

    static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
        CommandLine cl;
        try {
            cl = new DefaultParser().parse(options(), args);
            if (!cl.getArgList().isEmpty()) {
                throw new UsageException("unexpected argument '" + cl.getArgList().get(0) + "'");
            }
        } catch (ParseException | UsageException e) {
            err.println("weft " + NAME + ": " + e.getMessage());
            return 2;
        }
        if (cl.hasOption("help")) {
            PrintWriter w = new PrintWriter(out);
            new HelpFormatter().printHelp(w, 100, "weft " + NAME + " [options]",
                    "\nWeft and a simulated network in one process: no switches needed.\n\n", options(), 2, 2,
                    "\n" + CommandShell.HELP + "\n");
            w.flush();
            return 0;
        }
        if (!cl.hasOption("topo")) {
            return TenantDemo.run(cl, in, out, err);
        }
        InetSocketAddress listen;
        Topology topo;
        OFVersion version;
        List<String> apps;
        try {
            listen = ControllerSettings.parseListen(cl.getOptionValue("listen", "127.0.0.1:6653"));
            topo = Topology.parse(cl.getOptionValue("topo"));
            version = switch (cl.getOptionValue("of", "1.3")) {
                case "1.0" -> OFVersion.OF_10;
                case "1.3" -> OFVersion.OF_13;
                default -> throw new IllegalArgumentException("--of must be 1.0 or 1.3");
            };
            apps = cl.hasOption("apps") ? Arrays.stream(cl.getOptionValue("apps").split(",")).map(String::trim)
                    .filter(s -> !s.isEmpty()).toList() : ControllerSettings.DEFAULT_APPS;
        } catch (IllegalArgumentException e) {
            err.println("weft " + NAME + ": " + e.getMessage());
            return 2;
        }
        try {
            dev.weft.cli.LogLevels.set(cl.getOptionValue("log-level", "warn"));
        } catch (UsageException e) {
            err.println("weft " + NAME + ": " + e.getMessage());
            return 2;
        }
        Controller controller;
        try {
            controller = Controller.start(ControllerSettings.builder().listen(List.of(listen)).apps(apps).build());
        } catch (AppLoadException | IllegalStateException e) {
            err.println("weft " + NAME + ": " + e.getMessage()
                    + (e.getMessage().contains("in use") ? " (use --listen to pick another port)" : ""));
            return 1;
        }
        InetSocketAddress bound = controller.openflowAddresses().get(0);
        String connectTo = (bound.getAddress().isAnyLocalAddress() ? "127.0.0.1" : bound.getHostString()) + ":"
                + bound.getPort();
        SimNetwork net = null;
        try {
            net = SimNetwork.builder().controller(connectTo.substring(0, connectTo.lastIndexOf(':')), bound.getPort())
                    .topology(topo).versions(version).build();
            try {
                CommandShell.awaitHandshakes(net, Duration.ofSeconds(15));
            } catch (TimeoutException e) {
                err.println("weft " + NAME + ": " + e.getMessage());
                return 1;
            }
            out.printf("%nWeft is running on %s with apps %s.%n", connectTo, apps);
            out.printf("Simulated network %s: %d switches (OpenFlow %s), %d hosts, all connected to Weft.%n%n",
                    cl.getOptionValue("topo"), net.switches().size(), cl.getOptionValue("of", "1.3"),
                    net.hosts().size());
            PingAllResult r = net.pingAll();
            printMatrix(out, r);
            out.println(r.summary());
            out.println();
            if (cl.hasOption("script")) {
                try (BufferedReader script = Files.newBufferedReader(Path.of(cl.getOptionValue("script")))) {
                    int rc = new CommandShell(net, out).run(script, false);
                    return r.allReachable() && rc == 0 ? 0 : 1;
                }
            }
            if (System.console() != null) {
                out.println("Try: ping h1 h4 | move h1 s3 | link s1 s2 down | flows s2 | help | quit");
                out.println("Real switches can connect to " + connectTo + " too.");
                new CommandShell(net, out).run(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)),
                        true);
                return 0;
            }
            out.println("No terminal: the controller and the simulated network keep running; Ctrl-C to stop.");
            awaitShutdown();
            return 0;
        } catch (IOException e) {
            err.println("weft " + NAME + ": " + e.getMessage());
            return 1;
        } finally {
            if (net != null) {
                net.close();
            }
            controller.close();
        }
    }

    /** Who reaches whom: a row per source host, a column per destination. */
    static void printMatrix(PrintStream out, PingAllResult r) {
        List<String> hosts = r.hosts();
        int w = Math.max(4, hosts.stream().mapToInt(String::length).max().orElse(2) + 2);
        int first = Math.max(w, "from\\to".length() + 1);
        StringBuilder head = new StringBuilder(String.format("%-" + first + "s", "from\\to"));
        hosts.forEach(h -> head.append(String.format("%" + w + "s", h)));
        out.println(head);
        for (String from : hosts) {
            StringBuilder row = new StringBuilder(String.format("%-" + first + "s", from));
            for (String to : hosts) {
                row.append(String.format("%" + w + "s", from.equals(to) ? "-" : r.reachable(from, to) ? "ok" : "X"));
            }
            out.println(row);
        }
    }

    static void awaitShutdown() {
        CountDownLatch latch = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(latch::countDown, "weft-demo-shutdown"));
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
