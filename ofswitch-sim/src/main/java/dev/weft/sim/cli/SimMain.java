package dev.weft.sim.cli;

import dev.weft.sim.net.SimNetwork;
import dev.weft.sim.net.SimNetworkBuilder;
import dev.weft.sim.net.Topology;
import dev.weft.sim.net.TopologyFile;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.HelpFormatter;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;
import org.projectfloodlight.openflow.protocol.OFVersion;

/**
 * {@code weft sim}: starts a simulated network against a controller and runs commands from a
 * script or an interactive prompt. Exit codes: 0 success, 1 a command or ping failed, 2 bad
 * arguments or a network that cannot be built.
 */
public final class SimMain {
    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;

    private SimMain() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String[] args) {
        return run(args, System.in, System.out, System.err);
    }

    static int run(String[] args, InputStream stdin, PrintStream out, PrintStream err) {
        Options options = options();
        CommandLine cl;
        try {
            cl = new DefaultParser().parse(options, args);
            if (!cl.getArgList().isEmpty()) {
                throw new ParseException("unexpected argument '" + cl.getArgList().get(0) + "'");
            }
        } catch (ParseException e) {
            err.println("weft sim: " + e.getMessage() + " (see --help)");
            return USAGE;
        }
        if (cl.hasOption("help")) {
            PrintWriter pw = new PrintWriter(out);
            new HelpFormatter().printHelp(pw, 100, "weft sim [options]",
                    "Simulated OpenFlow switches, links and hosts connected to a controller.", options, 2, 4,
                    "\n" + CommandShell.HELP + "\n", true);
            pw.flush();
            return OK;
        }
        SimNetworkBuilder b = SimNetwork.builder();
        try {
            b.controller(address(cl.getOptionValue("controller", "127.0.0.1:6653")));
            b.topology(topology(cl));
            if (cl.hasOption("of")) {
                Set<OFVersion> v = TopologyFile.versions(cl.getOptionValue("of"));
                b.versions(v.toArray(new OFVersion[0]));
            }
        } catch (IllegalArgumentException | IOException e) {
            err.println("weft sim: " + e.getMessage());
            return USAGE;
        }
        BufferedReader script;
        boolean interactive = !cl.hasOption("script");
        try {
            script = interactive ? new BufferedReader(new InputStreamReader(stdin, StandardCharsets.UTF_8))
                    : Files.newBufferedReader(Path.of(cl.getOptionValue("script")));
        } catch (IOException e) {
            err.println("weft sim: cannot read script: " + e.getMessage());
            return USAGE;
        }
        try (SimNetwork net = b.build(); BufferedReader in = script) {
            long wait = Long.parseLong(cl.getOptionValue("wait", "10"));
            try {
                CommandShell.awaitHandshakes(net, Duration.ofSeconds(wait));
            } catch (TimeoutException e) {
                err.println("weft sim: warning: " + e.getMessage());
            }
            return new CommandShell(net, out).run(in, interactive);
        } catch (IOException e) {
            err.println("weft sim: " + e.getMessage());
            return FAILED;
        } catch (NumberFormatException e) {
            err.println("weft sim: --wait needs a number of seconds");
            return USAGE;
        }
    }

    private static Topology topology(CommandLine cl) throws IOException {
        if (cl.hasOption("topo") && cl.hasOption("topo-file")) {
            throw new IllegalArgumentException("give --topo or --topo-file, not both");
        }
        if (cl.hasOption("topo-file")) {
            return TopologyFile.read(Path.of(cl.getOptionValue("topo-file")));
        }
        return Topology.parse(cl.getOptionValue("topo", "minimal"));
    }

    static java.net.InetSocketAddress address(String s) {
        int colon = s.lastIndexOf(':');
        if (colon <= 0 || colon == s.length() - 1) {
            throw new IllegalArgumentException("controller '" + s + "' is not HOST:PORT");
        }
        int port;
        try {
            port = Integer.parseInt(s.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("controller port '" + s.substring(colon + 1) + "' is not a number");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("controller port " + port + " is out of range");
        }
        java.net.InetSocketAddress a = new java.net.InetSocketAddress(s.substring(0, colon), port);
        if (a.isUnresolved()) {
            throw new IllegalArgumentException("controller host '" + s.substring(0, colon) + "' cannot be resolved");
        }
        return a;
    }

    private static Options options() {
        Options o = new Options();
        o.addOption(Option.builder().longOpt("controller").hasArg().argName("HOST:PORT")
                .desc("controller to connect to (default 127.0.0.1:6653)").build());
        o.addOption(Option.builder().longOpt("topo").hasArg().argName("NAME,ARGS")
                .desc("minimal | single,N | linear,N[,M] | tree,D[,F] | ring,N | torus,X,Y (default minimal)").build());
        o.addOption(Option.builder().longOpt("topo-file").hasArg().argName("FILE")
                .desc("topology file (see ofswitch-sim/README.md)").build());
        o.addOption(Option.builder().longOpt("of").hasArg().argName("VERSIONS")
                .desc("OpenFlow versions switches offer: 1.0, 1.3, 1.0,1.3, 1.4, 1.5 (default 1.3)").build());
        o.addOption(Option.builder().longOpt("script").hasArg().argName("FILE")
                .desc("run the commands in FILE, then exit").build());
        o.addOption(Option.builder().longOpt("wait").hasArg().argName("SECONDS")
                .desc("how long to wait for switches to connect before running commands (default 10)").build());
        o.addOption(Option.builder("h").longOpt("help").desc("show this help").build());
        return o;
    }
}
