package dev.weft.cli;

import dev.weft.api.AppCookie;
import dev.weft.api.flow.FlowSpec;
import dev.weft.api.tenant.Binding;
import dev.weft.api.tenant.FabricView;
import dev.weft.api.tenant.LogicalNetwork;
import dev.weft.api.tenant.LogicalPort;
import dev.weft.api.tenant.NetworkConfig;
import dev.weft.apps.tenantpipeline.NetworkFlowsKeeper;
import dev.weft.api.tenant.PortLocation;
import dev.weft.api.tenant.Tenant;
import dev.weft.api.tenant.TransportNode;
import dev.weft.apps.isolation.IsolationCompiler;
import dev.weft.apps.tenantnetworks.L2Compiler;
import dev.weft.apps.routers.RouterCompiler;
import dev.weft.apps.dhcp.DhcpCompiler;
import dev.weft.core.flow.FlowTableDiff;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.HelpFormatter;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;
import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * {@code weft scale-bench}: compile the tenant pipeline for a large synthetic site (default
 * 1,000 hypervisors, 10,000 tenants, 100,000 logical ports) with the real compilers, and report
 * the full compilation time, the heap the result takes, and the time to recompute after one
 * port moves (what a migration costs the controller).
 */
final class ScaleBenchCommand {
    static final String NAME = "scale-bench";

    private ScaleBenchCommand() {
    }

    record Site(NetworkConfig config, Map<String, PortLocation> locations, Map<DatapathId, Map<String, OFPort>> tunnels) {
        FabricView view() {
            return view(locations);
        }

        /** With the routers' external network's uplink (port 999 of hv0) when the site has routers. */
        FabricView view(Map<String, PortLocation> at) {
            return new FabricView(config, at, tunnels, config.externalNetworks().isEmpty() ? Map.of()
                    : Map.of(ScaleBenchSite.EXTERNAL, OFPort.of(999)));
        }
    }

    static Options options() {
        Options o = new Options();
        o.addOption(Option.builder().longOpt("hypervisors").hasArg().desc("transport nodes (default 1000)").build());
        o.addOption(Option.builder().longOpt("tenants").hasArg().desc("tenants (default 10000)").build());
        o.addOption(Option.builder().longOpt("ports").hasArg().desc("logical ports (default 100000)").build());
        o.addOption(Option.builder().longOpt("networks-per-tenant").hasArg().desc("default 1 (2 with --routers)").build());
        o.addOption(Option.builder().longOpt("routers").desc("a router per tenant on all its networks, with DHCP on "
                + "them and a gateway (source NAT) through one external network on hv0").build());
        o.addOption(Option.builder().longOpt("security-groups").hasArg().argName("G")
                .desc("then compile G security groups of 10 rules (each port in one) and time membership changes").build());
        o.addOption(Option.builder().longOpt("moves").hasArg().desc("single-port moves to time (default 200)").build());
        o.addOption(Option.builder().longOpt("seed").hasArg().desc("random seed (default 1)").build());
        o.addOption(Option.builder().longOpt("migrations").hasArg()
                .desc("then time this many migrations end to end in the controller (MigrationBench; default 0)").build());
        o.addOption(Option.builder().longOpt("migration-gap").hasArg().argName("MS")
                .desc("idle time before each timed migration (default 0: back to back); a site's moves are rare, "
                        + "and a move that comes after idle time finds the code and caches cold").build());
        o.addOption(Option.builder().longOpt("warm-up-migrations").hasArg().argName("N")
                .desc("before the timed migrations, rehearse N in a private controller as `weft controller` does "
                        + "at its start (default 0: none)").build());
        o.addOption(Option.builder("h").longOpt("help").build());
        return o;
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        CommandLine cl;
        int hvs;
        int tenants;
        int ports;
        int nets;
        int moves;
        long seed;
        long gapMs;
        int warm;
        try {
            cl = new DefaultParser().parse(options(), args);
            hvs = positive(cl, "hypervisors", 1000);
            tenants = positive(cl, "tenants", 10_000);
            ports = positive(cl, "ports", 100_000);
            nets = positive(cl, "networks-per-tenant", cl.hasOption("routers") ? 2 : 1);
            moves = positive(cl, "moves", 200);
            seed = Long.parseLong(cl.getOptionValue("seed", "1"));
            gapMs = notNegative(cl, "migration-gap");
            warm = (int) Math.min(Integer.MAX_VALUE, notNegative(cl, "warm-up-migrations"));
            if (cl.hasOption("routers") && tenants > ScaleBenchSite.MAX_ROUTED_TENANTS) {
                throw new IllegalArgumentException("--routers: at most " + ScaleBenchSite.MAX_ROUTED_TENANTS
                        + " tenants (one conntrack zone each on hv0)");
            }
        } catch (ParseException | IllegalArgumentException e) {
            err.println("weft " + NAME + ": " + e.getMessage());
            return 2;
        }
        if (cl.hasOption("help")) {
            new HelpFormatter().printHelp(new PrintWriter(out, true), 100, "weft " + NAME + " [options]",
                    "\nCompile the tenant pipeline for a large synthetic site and time it.\n\n", options(), 2, 2, "");
            return 0;
        }
        out.printf("machine: %d cores, max heap %,d MB%n", Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory() >> 20);
        boolean routers = cl.hasOption("routers");
        out.printf("site: %,d hypervisors, %,d tenants, %,d networks, %,d logical ports%s%n", hvs, tenants,
                tenants * nets, ports, routers ? ", a router per tenant (DHCP, gateway on hv0)" : "");
        long heap0 = usedHeapAfterGc();
        long t0 = System.nanoTime();
        Site generated = generate(hvs, tenants, nets, ports, new Random(seed));
        Site site = routers ? ScaleBenchSite.withRouters(generated) : generated;
        long tGen = System.nanoTime() - t0;
        long heapModel = usedHeapAfterGc() - heap0;
        out.printf("model: generated in %.2f s, %,d MB heap%n", tGen / 1e9, heapModel >> 20);

        List<NetworkFlowsKeeper.Compiler> compilers = routers
                ? List.of(new IsolationCompiler(), new L2Compiler(), new RouterCompiler(), new DhcpCompiler())
                : List.of(new IsolationCompiler(), new L2Compiler());
        FabricView view = site.view();
        long t1 = System.nanoTime();
        // The whole desired state, as the reconciler would hold it: per switch, per network.
        Map<DatapathId, List<List<FlowSpec>>> desired = new HashMap<>();
        long flows = 0;
        List<Integer> segments = site.config().networks().stream().map(LogicalNetwork::segment).toList();
        for (NetworkFlowsKeeper.Compiler c : compilers) {
            // The keeper's own path: all networks dirty at start, compiled in parallel.
            for (var byNetwork : NetworkFlowsKeeper.compileAll(c, view, segments).values()) {
                for (var e : byNetwork.entrySet()) {
                    desired.computeIfAbsent(e.getKey(), d -> new ArrayList<>()).add(e.getValue());
                    flows += e.getValue().size();
                }
            }
            for (var e : c.base(view).entrySet()) {
                desired.computeIfAbsent(e.getKey(), d -> new ArrayList<>()).add(e.getValue());
                flows += e.getValue().size();
            }
        }
        long tCompile = System.nanoTime() - t1;
        long heapFlows = usedHeapAfterGc() - heap0 - heapModel;
        out.printf("full compilation: %.2f s, %,d flow entries on %,d switches (%,.0f per switch), %,d MB heap"
                        + " for the flows, %,d MB in all%n", tCompile / 1e9, flows, desired.size(),
                flows / (double) desired.size(), heapFlows >> 20, (heapModel + heapFlows) >> 20);

        // What the reconciler holds for it: per switch, the desired entries by app and scope and
        // the entries believed installed once every switch has been programmed.
        long t2 = System.nanoTime();
        Map<DatapathId, FlowTableDiff> tables = programmed(desired);
        long tTables = System.nanoTime() - t2;
        long heapTables = usedHeapAfterGc() - heap0 - heapModel - heapFlows;
        long held = heapModel + heapFlows + heapTables;
        out.printf("reconciler's tables (desired and installed, every switch programmed): %.2f s, %,d MB heap%n",
                tTables / 1e9, heapTables >> 20);
        out.printf("held by the controller for the site (model, compiled flows, reconciler's tables): %,d MB%n",
                held >> 20);

        // One port moves to another hypervisor: recompute its network with both compilers.
        Random r = new Random(seed + 1);
        List<LogicalPort> all = new ArrayList<>(site.config().ports());
        List<TransportNode> nodes = site.config().transportNodes();
        long[] times = new long[moves];
        Map<String, PortLocation> locs = new HashMap<>(site.locations());
        for (int i = 0; i < moves; i++) {
            LogicalPort p = all.get(r.nextInt(all.size()));
            TransportNode to = nodes.get(r.nextInt(nodes.size()));
            locs.put(p.name(), new PortLocation(to.dpid(), OFPort.of(10_000 + i)));
            long s = System.nanoTime();
            FabricView v = site.view(locs);
            // What the keeper recompiles: the port's network, and those routed with it.
            List<LogicalNetwork> dirty = new ArrayList<>();
            dirty.add(site.config().network(p.segment()).orElseThrow());
            site.config().routedPeers(p.segment()).forEach(s2 -> dirty.add(site.config().network(s2).orElseThrow()));
            int count = 0;
            for (NetworkFlowsKeeper.Compiler c : compilers) {
                for (LogicalNetwork n : dirty) {
                    count += c.network(n, v).values().stream().mapToInt(List::size).sum();
                }
            }
            times[i] = System.nanoTime() - s;
            if (count == 0) {
                throw new IllegalStateException("nothing compiled");
            }
        }
        java.util.Arrays.sort(times);
        out.printf("one port moved (%d moves): median %.3f ms, p99 %.3f ms, max %.3f ms per recompute%n", moves,
                times[moves / 2] / 1e6, times[(int) (moves * 0.99)] / 1e6, times[moves - 1] / 1e6);
        out.printf("RESULT: compile %.2f s, heap held %,d MB (compiled flows alone %,d MB), recompute one port "
                + "%.3f ms (median)%n", tCompile / 1e9, held >> 20, (heapModel + heapFlows) >> 20, times[moves / 2] / 1e6);
        // Keep the results reachable until the heap was measured.
        if (desired.isEmpty() || tables.isEmpty()) {
            out.println("(empty)");
        }
        if (cl.hasOption("security-groups")) {
            desired.clear();
            SecurityGroupBench.run(site, Integer.parseInt(cl.getOptionValue("security-groups")), moves, seed, out);
        }
        int migrations = Integer.parseInt(cl.getOptionValue("migrations", "0"));
        if (migrations > 0 && warm > 0) {
            out.println(MoveRehearsal.rehearseNow(MigrationBench.APPS, warm));
        }
        return migrations > 0 ? MigrationBench.report(site, migrations, seed, Duration.ofMillis(gapMs), out, err) : 0;
    }

    private static long notNegative(CommandLine cl, String option) {
        String v = cl.getOptionValue(option, "0");
        try {
            long n = Long.parseLong(v);
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new IllegalArgumentException("--" + option + " needs a whole number, 0 or more (was '" + v + "')");
    }

    /** Tenants with networks of roughly equal size; ports spread at random over the hypervisors. */
    static Site generate(int hvs, int tenantCount, int netsPerTenant, int portCount, Random rnd) {
        List<TransportNode> nodes = new ArrayList<>();
        Map<DatapathId, Map<String, OFPort>> tunnels = new HashMap<>();
        for (int i = 0; i < hvs; i++) {
            nodes.add(new TransportNode("hv" + i, DatapathId.of(0x1000L + i), IPv4Address.of(0x0a4d0000 + i)));
        }
        // Tunnel port numbers: node i's tunnel to node j is port 1000 + j.
        for (int i = 0; i < hvs; i++) {
            Map<String, OFPort> t = new HashMap<>();
            for (int j = 0; j < hvs; j++) {
                if (i != j) {
                    t.put("hv" + j, OFPort.of(1000 + j));
                }
            }
            tunnels.put(nodes.get(i).dpid(), t);
        }
        int networks = tenantCount * netsPerTenant;
        List<Tenant> tenants = new ArrayList<>();
        Map<String, PortLocation> locations = new HashMap<>();
        int port = 0;
        int seg = 1;
        for (int t = 0; t < tenantCount; t++) {
            List<LogicalNetwork> nets = new ArrayList<>();
            for (int n = 0; n < netsPerTenant; n++, seg++) {
                int size = portCount / networks + ((seg - 1) < portCount % networks ? 1 : 0);
                List<LogicalPort> ports = new ArrayList<>();
                for (int k = 0; k < size; k++, port++) {
                    // Same MACs and IPs in every network, as tenants would have.
                    String name = "p" + port;
                    LogicalPort lp = new LogicalPort(name, "t" + t, "n" + n, seg, MacAddress.of(0x0200_0000_0000L + k + 1),
                            List.of(IPv4Address.of(0x0a000000 + k + 1)), new Binding.Interface("vm" + port));
                    ports.add(lp);
                    TransportNode at = nodes.get(rnd.nextInt(hvs));
                    locations.put(name, new PortLocation(at.dpid(), OFPort.of(k + 1)));
                }
                nets.add(new LogicalNetwork("t" + t, "n" + n, seg, Optional.empty(), ports));
            }
            tenants.add(new Tenant("t" + t, nets));
        }
        return new Site(new NetworkConfig(nodes, tenants), Map.copyOf(locations), tunnels);
    }

    /**
     * The reconciler's per-switch tables for this desired state, after a pass has programmed every
     * switch: each list is one scope of one app, as the keepers declare them.
     */
    static Map<DatapathId, FlowTableDiff> programmed(Map<DatapathId, List<List<FlowSpec>>> desired) {
        Map<DatapathId, FlowTableDiff> tables = new HashMap<>();
        desired.forEach((dpid, scopes) -> {
            FlowTableDiff t = new FlowTableDiff();
            for (int scope = 0; scope < scopes.size(); scope++) {
                t.declare(1, scope, new AppCookie(1, scope, 0).toU64(), scopes.get(scope));
            }
            if (t.pass(false).isEmpty() && t.desiredCount() > 0) {
                throw new IllegalStateException("nothing to program on " + dpid);
            }
            tables.put(dpid, t);
        });
        return tables;
    }

    private static long usedHeapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static int positive(CommandLine cl, String opt, int def) {
        int v = Integer.parseInt(cl.getOptionValue(opt, String.valueOf(def)));
        if (v < 1) {
            throw new IllegalArgumentException("--" + opt + " must be at least 1");
        }
        return v;
    }
}
