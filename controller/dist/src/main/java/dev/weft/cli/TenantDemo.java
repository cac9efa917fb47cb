package dev.weft.cli;

import dev.weft.api.tenant.LogicalPort;
import dev.weft.api.tenant.NetworkConfig;
import dev.weft.console.Console;
import dev.weft.console.ConsoleSettings;
import dev.weft.core.Controller;
import dev.weft.rest.RestEndpoint;
import dev.weft.rest.RestSettings;
import dev.weft.core.ControllerSettings;
import dev.weft.core.app.AppLoadException;
import dev.weft.core.config.ConfigException;
import dev.weft.core.config.ConfigLoader;
import dev.weft.core.config.WeftConfig;
import dev.weft.sim.cli.CommandShell;
import dev.weft.sim.net.Delivery;
import dev.weft.sim.net.SimHost;
import dev.weft.sim.net.SimNetwork;
import dev.weft.sim.packet.Frames;
import org.apache.commons.cli.CommandLine;
import org.projectfloodlight.openflow.protocol.OFVersion;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The mission in one go: Weft with tenant networks on a simulated fabric of hypervisors joined by
 * VXLAN-like tunnels. Prints who reaches whom, tenants side by side (two of them use the very
 * same MAC and IP addresses), then leaves everything running.
 */
final class TenantDemo {
    private record Started(Controller controller, RestEndpoint api) {
    }

    /** Weft with its console and API at {@code at}: traffic read every 2 s, usage in one-minute records. */
    private static Started startWithConsole(ControllerSettings settings, InetSocketAddress at) {
        Console console = new Console(new ConsoleSettings(Duration.ofSeconds(2), Duration.ofMinutes(1),
                Duration.ofDays(1)));
        RestEndpoint api = new RestEndpoint(new RestSettings(at, java.util.Optional.empty(), false), List.of(console));
        return new Started(Controller.builder(settings).extension(console).extension(api).start(), api);
    }

    private static String text(InetSocketAddress a) {
        return (a.getAddress().isAnyLocalAddress() ? "127.0.0.1" : a.getAddress().getHostAddress()) + ":" + a.getPort();
    }

    static final String DEFAULT = "/demo/three-tenants.yaml";

    private TenantDemo() {
    }

    static int run(CommandLine cl, InputStream in, PrintStream out, PrintStream err) {
        if (cl.hasOption("of") && !cl.getOptionValue("of").equals("1.3")) {
            err.println("weft demo: tenant networks need OpenFlow 1.3 (--of " + cl.getOptionValue("of")
                    + " only applies to a plain --topo network)");
            return 2;
        }
        if (cl.hasOption("apps")) {
            err.println("weft demo: --apps only applies to a plain --topo network (the tenants' apps come from the config)");
            return 2;
        }
        WeftConfig cfg;
        String source;
        try {
            if (cl.hasOption("config")) {
                source = cl.getOptionValue("config");
                cfg = ConfigLoader.load(Path.of(source));
            } else {
                source = "examples/tenants/three-tenants.yaml";
                try (InputStream r = TenantDemo.class.getResourceAsStream(DEFAULT)) {
                    if (r == null) {
                        err.println("weft demo: the example tenants are missing from this build");
                        return 1;
                    }
                    cfg = ConfigLoader.parse(new String(r.readAllBytes(), StandardCharsets.UTF_8), source);
                }
            }
            dev.weft.cli.LogLevels.set(cl.getOptionValue("log-level", "warn"));
        } catch (ConfigException | dev.weft.cli.UsageException e) {
            err.println("weft demo: " + e.getMessage());
            return 2;
        } catch (IOException e) {
            err.println("weft demo: " + e.getMessage());
            return 1;
        }
        NetworkConfig net = cfg.network();
        if (net.transportNodes().isEmpty()) {
            err.println("weft demo: " + source + " has no transport nodes to simulate");
            return 2;
        }
        InetSocketAddress listen;
        try {
            listen = ControllerSettings.parseListen(cl.getOptionValue("listen", "127.0.0.1:6653"));
        } catch (IllegalArgumentException e) {
            err.println("weft demo: " + e.getMessage());
            return 2;
        }
        String consoleAt = cl.getOptionValue("console", "127.0.0.1:8080");
        InetSocketAddress consoleListen = null;
        if (!consoleAt.equals("off")) {
            try {
                consoleListen = RestSettings.parseListen(consoleAt);
                new RestSettings(consoleListen, java.util.Optional.empty(), false);
            } catch (IllegalArgumentException e) {
                err.println("weft demo: --console: " + e.getMessage());
                return 2;
            }
        }
        Controller controller;
        RestEndpoint api = null;
        try {
            ControllerSettings.Builder b = ControllerSettings.builder().config(cfg).listen(List.of(listen))
                    .tableMissToController(false);
            if (cfg.controller().apps() == null) {
                b.apps(List.of("isolation", "tenant-networks", "mobility"));
            }
            if (cl.hasOption("config")) {
                b.configFile(Path.of(source));
            }
            if (consoleListen == null) {
                controller = Controller.start(b.build());
            } else {
                ControllerSettings settings = b.build();
                Started st;
                try {
                    st = startWithConsole(settings, consoleListen);
                } catch (IllegalStateException e) {
                    if (!String.valueOf(e.getMessage()).contains("cannot listen on")) {
                        throw e;
                    }
                    // The console's port is taken (another Weft?): any free one will do for a demo.
                    st = startWithConsole(settings, new InetSocketAddress(consoleListen.getAddress(), 0));
                }
                controller = st.controller();
                api = st.api();
            }
        } catch (AppLoadException | IllegalStateException e) {
            err.println("weft demo: " + e.getMessage()
                    + (String.valueOf(e.getMessage()).contains("in use") ? " (use --listen to pick another port)" : ""));
            return 1;
        }
        SimNetwork sim = null;
        try {
            InetSocketAddress bound = controller.openflowAddresses().get(0);
            String host = bound.getAddress().isAnyLocalAddress() ? "127.0.0.1" : bound.getHostString();
            Map<String, String> placement = SimFabric.place(net, Map.of());
            sim = SimNetwork.builder().controller(host, bound.getPort())
                    .topology(SimFabric.topology(net, placement)).versions(OFVersion.OF_13).build();
            long start = System.nanoTime();
            sim.awaitReady(Duration.ofSeconds(15));
            awaitLocated(controller, placement.size());
            awaitProgrammed(controller, net);
            controller.reconciler().quiesce().get(15, TimeUnit.SECONDS);
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            long flows = controller.reconciler().stats().values().stream().mapToLong(s -> s.installed()).sum();

            out.printf("%nWeft is running on %s:%d with apps %s.%n", host, bound.getPort(), controller.settings().apps());
            out.printf("Simulated fabric from %s: %d hypervisors (OpenFlow 1.3, full mesh of VXLAN-like tunnels),"
                    + " %d VMs.%n", source, net.transportNodes().size(), placement.size());
            out.printf("Weft programmed %d flow entries in %d ms.%n", flows, ms);
            if (api != null) {
                out.printf("The console (a web page: the hypervisors, VMs, migrations, traffic): http://%s/%n",
                        text(api.address()));
            }
            out.println();
            out.println("Where the VMs are:");
            for (var e : placement.entrySet()) {
                LogicalPort p = net.port(e.getKey()).orElseThrow();
                out.printf("  %-14s %-8s %s/%s segment %d, %s %s%n", p.name(), e.getValue(), p.tenant(), p.network(),
                        p.segment(), p.mac(), p.ips());
            }
            out.println();
            boolean ok = printMatrix(out, sim, net);
            out.println();
            ok &= migrate(out, controller, sim, net, placement);
            out.println();
            if (cl.hasOption("script")) {
                try (BufferedReader script = Files.newBufferedReader(Path.of(cl.getOptionValue("script")))) {
                    int rc = new CommandShell(sim, out).run(script, false);
                    return ok && rc == 0 ? 0 : 1;
                }
            }
            if (System.console() != null) {
                out.println("Try: ping acme-web1 acme-web3 | flows hv1 | move acme-web1 hv3 | help | quit");
                new CommandShell(sim, out).run(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)),
                        true);
                return ok ? 0 : 1;
            }
            out.println("No terminal: the controller and the simulated fabric keep running; Ctrl-C to stop.");
            DemoCommand.awaitShutdown();
            return ok ? 0 : 1;
        } catch (Exception e) {
            err.println("weft demo: " + e.getMessage());
            return 1;
        } finally {
            if (sim != null) {
                sim.close();
            }
            controller.close();
        }
    }

    /**
     * A VM migrates to the next hypervisor (its port deleted on the old one, added under the same
     * name on the new one, as a hypervisor does it); prints the migration as Weft reported it and
     * checks that the VM is reached at its new place by its own network only.
     */
    static boolean migrate(PrintStream out, Controller c, SimNetwork sim, NetworkConfig net,
                           Map<String, String> placement) throws InterruptedException {
        var mobility = c.service(dev.weft.apps.mobility.api.MobilityService.class);
        if (mobility.isEmpty() || placement.isEmpty() || net.transportNodes().size() < 2) {
            return true; // the mobility app is not enabled in this configuration
        }
        String vm = placement.keySet().iterator().next();
        LogicalPort p = net.port(vm).orElseThrow();
        List<String> nodes = net.transportNodes().stream().map(n -> n.name()).toList();
        String from = sim.host(vm).switchName();
        String to = nodes.get((nodes.indexOf(from) + 1) % nodes.size());
        String peer = placement.keySet().stream().filter(h -> !h.equals(vm)
                && net.port(h).orElseThrow().segment() == p.segment() && !placement.get(h).equals(to))
                .findFirst().orElse(null);
        out.printf("Migration: %s moves from %s to %s (its port deleted on %s, added under the same name on %s).%n",
                vm, from, to, from, to);
        long before = mobility.get().history().size();
        sim.moveHost(vm, to, null);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        java.util.Optional<dev.weft.api.tenant.Migration> m = java.util.Optional.empty();
        while (m.isEmpty() && System.nanoTime() < deadline) {
            var h = mobility.get().history();
            m = h.size() > before ? java.util.Optional.of(h.get(h.size() - 1)) : java.util.Optional.empty();
            Thread.sleep(2);
        }
        if (m.isEmpty()) {
            out.println("  WARNING: Weft reported no migration within 10 s");
            return false;
        }
        var mig = m.get();
        Map<String, Integer> mods = new java.util.TreeMap<>();
        mig.flowMods().forEach((d, n) -> mods.put(net.node(d).map(x -> x.name()).orElse(d.toString()), n));
        out.printf("  Weft: migration %d of %s (%s): %s port %d -> %s port %d, shown by \"%s\"%n", mig.sequence(),
                mig.subject(), mig.network(), nodeName(net, mig.from().orElseThrow()),
                mig.from().orElseThrow().port().getPortNumber(), nodeName(net, mig.to()),
                mig.to().port().getPortNumber(), mig.cause());
        out.printf(java.util.Locale.ROOT, "  converged in %.2f ms (that message's arrival to the last barrier reply);"
                + " flow-mods per hypervisor %s%n", mig.convergence().orElseThrow().toNanos() / 1e6, mods);
        boolean ok = mig.to().dpid().equals(net.node(to).orElseThrow().dpid());
        if (peer != null) {
            SimHost a = sim.host(peer);
            SimHost b = sim.host(vm);
            Delivery d = sim.trace(peer, Frames.from(a.mac(), a.ip()).to(b.mac(), b.ip())
                    .echoRequest(1, 1, new byte[16]));
            boolean reached = d.reachedExactly(vm) && d.switchesVisited().contains(to);
            ok &= reached;
            out.printf("  %s (%s) -> %s: %s%n", peer, placement.get(peer), vm,
                    reached ? "reached at " + to + " " + d.switchesVisited() : "NOT reached: " + d);
        }
        return ok;
    }

    private static String nodeName(NetworkConfig net, dev.weft.api.tenant.PortLocation at) {
        return net.node(at.dpid()).map(n -> n.name()).orElse(at.dpid().toString());
    }

    /**
     * Until every hypervisor's flows have been read (it is synced) and all that is desired there
     * is installed: a switch that has connected but not been read yet has nothing to wait for.
     */
    private static void awaitProgrammed(Controller c, NetworkConfig net) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline) {
            var stats = c.reconciler().stats();
            boolean done = net.transportNodes().stream().allMatch(n -> {
                var s = stats.get(n.dpid());
                return s != null && s.desired() > 0 && s.installed() == s.desired();
            });
            if (done) {
                return;
            }
            Thread.sleep(10);
        }
    }

    private static void awaitLocated(Controller c, int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (c.tenants().locations().size() < n && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }

    /**
     * Who reaches whom: a unicast packet from each VM to each other VM's MAC and IP, traced
     * through the switches. Tenants side by side; returns whether the matrix is exactly the
     * configuration's (reached if and only if on the same logical network).
     */
    static boolean printMatrix(PrintStream out, SimNetwork sim, NetworkConfig net) {
        Map<String, List<SimHost>> byTenant = new LinkedHashMap<>();
        for (var t : net.tenants()) {
            for (var n : t.networks()) {
                for (var p : n.ports()) {
                    if (sim.hosts().stream().anyMatch(h -> h.name().equals(p.name()))) {
                        byTenant.computeIfAbsent(t.name(), k -> new ArrayList<>()).add(sim.host(p.name()));
                    }
                }
            }
        }
        List<SimHost> order = byTenant.values().stream().flatMap(List::stream).toList();
        int w = order.stream().mapToInt(h -> h.name().length()).max().orElse(4) + 2;
        StringBuilder tenants = new StringBuilder(" ".repeat(w + 4));
        StringBuilder head = new StringBuilder(String.format("%-" + (w + 4) + "s", "from \\ to"));
        for (var e : byTenant.entrySet()) {
            int width = Math.max(e.getValue().size() * CELL, e.getKey().length() + 1);
            tenants.append(String.format("| %-" + width + "s", e.getKey()));
            StringBuilder cols = new StringBuilder();
            for (SimHost h : e.getValue()) {
                cols.append(String.format("%-" + CELL + "s", shortName(h)));
            }
            head.append("| ").append(String.format("%-" + width + "s", cols));
        }
        out.println(tenants);
        out.println(head);
        boolean exact = true;
        String current = null;
        for (SimHost a : order) {
            String tenant = net.port(a.name()).orElseThrow().tenant();
            if (!tenant.equals(current)) {
                out.println("-".repeat(head.length()));
                current = tenant;
            }
            StringBuilder row = new StringBuilder(String.format("%-" + w + "s%-4s", a.name(), shortName(a)));
            for (var e : byTenant.entrySet()) {
                row.append("| ");
                int width = Math.max(e.getValue().size() * CELL, e.getKey().length() + 1);
                int used = 0;
                for (SimHost b : e.getValue()) {
                    String cell;
                    if (a == b) {
                        cell = "-";
                    } else {
                        Delivery d = sim.trace(a.name(), Frames.from(a.mac(), a.ip()).to(b.mac(), b.ip())
                                .echoRequest(1, 1, new byte[16]));
                        boolean reached = d.receivers().contains(b.name());
                        boolean same = sameNetwork(net, a.name(), b.name());
                        exact &= reached == same;
                        cell = reached ? "ok" : ".";
                    }
                    row.append(String.format("%-" + CELL + "s", cell));
                    used += CELL;
                }
                row.append(" ".repeat(width - used));
            }
            out.println(row);
        }
        out.println();
        out.println(exact ? "Every VM reaches exactly the VMs of its own logical network: acme and globex use the"
                + " same MAC and IP addresses and never see each other."
                : "WARNING: the reachability differs from the configuration");
        return exact;
    }

    private static boolean sameNetwork(NetworkConfig net, String a, String b) {
        var pa = net.port(a).orElseThrow();
        var pb = net.port(b).orElseThrow();
        return pa.segment() == pb.segment();
    }

    private static final int CELL = 4;

    /** A column label: initials and number, e.g. "aw1" for acme-web1, "ia" for initech-a. */
    private static String shortName(SimHost h) {
        StringBuilder b = new StringBuilder();
        for (String part : h.name().split("-")) {
            if (!part.isEmpty()) {
                b.append(part.charAt(0));
            }
        }
        String digits = h.name().replaceAll("^.*?(\\d+)$", "$1");
        if (digits.matches("\\d+") && !h.name().equals(digits)) {
            b.setLength(Math.max(1, b.length() - (Character.isDigit(b.charAt(b.length() - 1)) ? 1 : 0)));
            b.append(digits);
        }
        return b.length() > CELL - 1 ? b.substring(0, CELL - 1) : b.toString();
    }
}
