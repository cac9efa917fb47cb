package dev.weft.cli;

import dev.weft.core.Version;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/** The {@code weft} command: one entry point, a subcommand per job. */
public final class Main {

    /** A subcommand: runs with the arguments after its name and returns the exit code. */
    @FunctionalInterface
    interface Command {
        int run(String[] args, PrintStream out, PrintStream err);
    }

    private record Entry(String summary, Command command) {
    }

    private static final Map<String, Entry> COMMANDS = new LinkedHashMap<>();

    static {
        COMMANDS.put(DemoCommand.NAME, new Entry("Weft and a simulated network in one process (no switches needed)",
                (args, out, err) -> DemoCommand.run(args, System.in, out, err)));
        COMMANDS.put(ControllerCommand.NAME, new Entry("run the controller (switches connect on port 6653)",
                ControllerCommand::run));
        COMMANDS.put("sim", new Entry("simulated OpenFlow switches and hosts that connect to a controller",
                (args, out, err) -> dev.weft.sim.cli.SimMain.run(args)));
        COMMANDS.put(ScaleBenchCommand.NAME, new Entry("compile the tenant pipeline for a large synthetic site and time it",
                ScaleBenchCommand::run));
        ClientCommands.SUMMARIES.forEach((name, summary) -> COMMANDS.put(name, new Entry(summary,
                (args, out, err) -> ClientCommands.run(name, args, out, err))));
        COMMANDS.put("bench", new Entry("cbench-equivalent benchmark: simulated switches flood a controller with packet-ins",
                (args, out, err) -> dev.weft.sim.bench.BenchMain.run(args)));
    }

    private Main() {
    }

    public static void main(String[] args) {
        int code = run(args, System.out, System.err);
        System.exit(code);
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0 || args[0].equals("help") || args[0].equals("-h") || args[0].equals("--help")) {
            usage(args.length == 0 ? err : out);
            return args.length == 0 ? 2 : 0;
        }
        if (args[0].equals("version") || args[0].equals("--version") || args[0].equals("-V")) {
            out.println("weft " + Version.get());
            return 0;
        }
        Entry e = COMMANDS.get(args[0]);
        if (e == null) {
            err.println("weft: unknown command '" + args[0] + "' (commands: " + String.join(", ", COMMANDS.keySet())
                    + "; try 'weft help')");
            return 2;
        }
        return e.command().run(Arrays.copyOfRange(args, 1, args.length), out, err);
    }

    private static void usage(PrintStream out) {
        out.println("usage: weft COMMAND [options]   (weft COMMAND --help for its options)");
        out.println();
        COMMANDS.forEach((name, e) -> out.printf("  %-12s %s%n", name, e.summary()));
        out.printf("  %-12s %s%n", "version", "print the version");
    }
}
