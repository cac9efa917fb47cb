package dev.weft.sim.cli;

import dev.weft.sim.datapath.FlowSnapshot;
import dev.weft.sim.datapath.PortCounters;
import dev.weft.sim.net.Link;
import dev.weft.sim.net.PingAllResult;
import dev.weft.sim.net.PingResult;
import dev.weft.sim.net.SimHost;
import dev.weft.sim.net.SimNetwork;
import dev.weft.sim.net.SimSwitch;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.projectfloodlight.openflow.types.OFPort;

/** The simulator's command language, read line by line from a script or the terminal. */
public final class CommandShell {
    public static final String HELP = String.join("\n",
            "commands:",
            "  hosts | switches | links           list the network",
            "  pingall                            ping every pair of hosts (Mininet-style summary)",
            "  ping H1 H2                         ARP + one ICMP echo from H1 to H2",
            "  move H SWITCH [PORT]               migrate a host (keeps its interface name)",
            "  link S1 S2 down|up                 take a link down or up",
            "  garp H | rarp H                    host announces itself",
            "  flows S | groups S | ports S | counts S   inspect a switch",
            "  disconnect S | reconnect S         drop or restore a switch's controller connection",
            "  wait [SECONDS]                     wait until every switch is connected (default 10)",
            "  sleep [MS]                         pause (default 1000 ms), e.g. while the controller programs",
            "  help | quit");

    private final SimNetwork net;
    private final PrintStream out;

    public CommandShell(SimNetwork net, PrintStream out) {
        this.net = net;
        this.out = out;
    }

    /**
     * Runs commands until end of input or {@code quit}. Returns 0 when every command succeeded
     * (pings included), 1 otherwise.
     */
    public int run(BufferedReader in, boolean interactive) throws IOException {
        boolean allOk = true;
        while (true) {
            if (interactive) {
                out.print("weft-sim> ");
                out.flush();
            }
            String line = in.readLine();
            if (line == null) {
                break;
            }
            line = line.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.equals("quit") || line.equals("exit")) {
                break;
            }
            try {
                if (!execute(line.split("\\s+"))) {
                    allOk = false;
                }
            } catch (IllegalArgumentException | IllegalStateException | TimeoutException e) {
                out.println("error: " + e.getMessage());
                allOk = false;
            }
        }
        return allOk ? 0 : 1;
    }

    /** Runs one command; false when it failed (e.g. a ping that got no answer). */
    boolean execute(String[] w) throws TimeoutException {
        switch (w[0]) {
            case "help" -> out.println(HELP);
            case "hosts" -> {
                for (SimHost h : net.hosts()) {
                    out.println(h.name() + " " + h.mac() + " " + h.ip() + " " + h.iface() + " at " + h.switchName()
                            + ":" + h.port().getPortNumber());
                }
            }
            case "switches" -> {
                for (SimSwitch s : net.switches()) {
                    out.println(s.name() + " dpid=" + s.dpid() + " of=" + s.negotiatedVersion() + " "
                            + (s.isConnected() ? "connected" : "disconnected") + " ports=" + net.ports(s.name()).size());
                }
            }
            case "links" -> net.links().forEach((Link l) -> out.println(l));
            case "pingall" -> {
                PingAllResult r = net.pingAll();
                out.println(r.summary());
                return r.allReachable();
            }
            case "ping" -> {
                args(w, 3, "ping H1 H2");
                PingResult r = net.ping(w[1], w[2]);
                out.println(r);
                return r.success();
            }
            case "move" -> {
                if (w.length != 3 && w.length != 4) {
                    throw new IllegalArgumentException("usage: move H SWITCH [PORT]");
                }
                OFPort p = net.moveHost(w[1], w[2], w.length == 4 ? OFPort.of(number(w[3])) : null);
                out.println(w[1] + " is now at " + w[2] + ":" + p.getPortNumber());
            }
            case "link" -> {
                args(w, 4, "link S1 S2 down|up");
                switch (w[3]) {
                    case "down" -> net.linkDown(w[1], w[2]);
                    case "up" -> net.linkUp(w[1], w[2]);
                    default -> throw new IllegalArgumentException("usage: link S1 S2 down|up");
                }
            }
            case "garp" -> {
                args(w, 2, "garp H");
                out.println(net.gratuitousArp(w[1]));
            }
            case "rarp" -> {
                args(w, 2, "rarp H");
                out.println(net.rarp(w[1]));
            }
            case "flows" -> {
                args(w, 2, "flows S");
                for (FlowSnapshot f : net.flows(w[1])) {
                    out.println(" " + f.describe());
                }
            }
            case "groups" -> {
                args(w, 2, "groups S");
                net.groups(w[1]).forEach(g -> out.println(" group=" + g.groupId() + " type=" + g.type() + " buckets="
                        + g.buckets().size() + " packets=" + g.packetCount()));
            }
            case "ports" -> {
                args(w, 2, "ports S");
                Map<OFPort, String> names = net.ports(w[1]);
                Map<OFPort, PortCounters> counters = net.portCounters(w[1]);
                names.forEach((p, n) -> out.println(" " + p.getPortNumber() + " " + n + " " + counters.get(p)));
            }
            case "counts" -> {
                args(w, 2, "counts S");
                net.messageCounts(w[1]).forEach((t, n) -> out.println(" " + t + " " + n));
            }
            case "disconnect" -> {
                args(w, 2, "disconnect S");
                net.disconnect(w[1]);
            }
            case "reconnect" -> {
                args(w, 2, "reconnect S");
                net.reconnect(w[1]);
            }
            case "wait" -> {
                awaitHandshakes(net, Duration.ofSeconds(w.length > 1 ? number(w[1]) : 10));
                out.println("all switches connected");
            }
            case "sleep" -> {
                // Scripts: give the controller time to program the switches after they connect.
                long ms = w.length > 1 ? number(w[1]) : 1000;
                if (ms < 0 || ms > 600_000) {
                    throw new IllegalArgumentException("sleep takes 0..600000 milliseconds");
                }
                try {
                    Thread.sleep(ms);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            default -> throw new IllegalArgumentException("unknown command '" + w[0] + "' (try help)");
        }
        return true;
    }

    /**
     * Waits until every switch answered FEATURES_REQUEST, then up to 2 s more for the barrier that
     * ends a controller's handshake (a controller that sends none is not waited for longer).
     */
    public static void awaitHandshakes(SimNetwork net, Duration timeout) throws TimeoutException {
        net.awaitConnected(timeout);
        try {
            net.awaitReady(Duration.ofSeconds(2));
        } catch (TimeoutException e) {
            // no handshake barrier from this controller: connected is all we can wait for
        }
    }

    private static void args(String[] w, int n, String usage) {
        if (w.length != n) {
            throw new IllegalArgumentException("usage: " + usage);
        }
    }

    private static int number(String s) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + s + "' is not a number");
        }
    }
}
