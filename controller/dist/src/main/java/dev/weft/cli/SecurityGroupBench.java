package dev.weft.cli;

import dev.weft.api.flow.FlowSpec;
import dev.weft.api.tenant.FabricView;
import dev.weft.api.tenant.LogicalNetwork;
import dev.weft.api.tenant.LogicalPort;
import dev.weft.api.tenant.NetworkConfig;
import dev.weft.api.tenant.PortPolicy;
import dev.weft.api.tenant.RateLimit;
import dev.weft.api.tenant.SecurityGroup;
import dev.weft.api.tenant.SecurityRule;
import dev.weft.api.tenant.Tenant;
import dev.weft.apps.securitygroups.SecurityGroups;
import dev.weft.apps.tenantpipeline.NetworkFlowsKeeper;
import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.IPv4AddressWithMask;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

/**
 * {@code weft scale-bench --security-groups G}: the site of scale-bench with G security groups
 * spread over its tenants, 10 rules each (3 naming another group of the tenant as remote, 6
 * ingress from CIDRs with ports or ranges, 1 egress), each port in one group: the full
 * compilation of the ACL stages (time, heap, entries), then one membership change at a time (a
 * port joins a group others name as remote): the networks it reaches and their recompile time.
 */
final class SecurityGroupBench {
    private SecurityGroupBench() {
    }

    static ScaleBenchCommand.Site withGroups(ScaleBenchCommand.Site site, int groups) {
        List<Tenant> tenants = new ArrayList<>();
        int perTenant = Math.max(1, groups / site.config().tenants().size());
        for (Tenant t : site.config().tenants()) {
            List<SecurityGroup> gs = new ArrayList<>();
            for (int g = 0; g < perTenant; g++) {
                gs.add(new SecurityGroup(t.name(), "g" + g, rules(g, perTenant)));
            }
            List<LogicalNetwork> nets = new ArrayList<>();
            int i = 0;
            for (LogicalNetwork n : t.networks()) {
                List<LogicalPort> ports = new ArrayList<>();
                for (LogicalPort p : n.ports()) {
                    ports.add(withGroups(p, List.of("g" + (i++ % perTenant))));
                }
                nets.add(new LogicalNetwork(n.tenant(), n.name(), n.segment(), n.subnet(), ports, n.dhcp()));
            }
            tenants.add(new Tenant(t.name(), nets, t.routers(), gs));
        }
        return new ScaleBenchCommand.Site(new NetworkConfig(site.config().transportNodes(), tenants,
                site.config().externalNetworks()), site.locations(), site.tunnels());
    }

    static LogicalPort withGroups(LogicalPort p, List<String> groups) {
        return new LogicalPort(p.name(), p.tenant(), p.network(), p.segment(), p.mac(), p.ips(), p.binding(),
                new PortPolicy(groups, RateLimit.NONE));
    }

    static List<SecurityRule> rules(int g, int groups) {
        List<SecurityRule> r = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            r.add(new SecurityRule(SecurityRule.Direction.INGRESS, SecurityRule.Protocol.TCP, 1000 + i, 1000 + i, -1,
                    Optional.empty(), Optional.of("g" + ((g + i) % groups))));
        }
        r.add(new SecurityRule(SecurityRule.Direction.INGRESS, SecurityRule.Protocol.TCP, 80, 80, -1,
                Optional.empty(), Optional.empty()));
        r.add(new SecurityRule(SecurityRule.Direction.INGRESS, SecurityRule.Protocol.TCP, 443, 443, -1,
                Optional.of(IPv4AddressWithMask.of("10.0.0.0/8")), Optional.empty()));
        r.add(new SecurityRule(SecurityRule.Direction.INGRESS, SecurityRule.Protocol.TCP, 8000, 8080, -1,
                Optional.of(IPv4AddressWithMask.of("192.168.0.0/16")), Optional.empty()));
        r.add(new SecurityRule(SecurityRule.Direction.INGRESS, SecurityRule.Protocol.UDP, 53, 53, -1,
                Optional.empty(), Optional.empty()));
        r.add(new SecurityRule(SecurityRule.Direction.INGRESS, SecurityRule.Protocol.ICMP, 0, 0, 8,
                Optional.of(IPv4AddressWithMask.of("10.1.0.0/16")), Optional.empty()));
        r.add(new SecurityRule(SecurityRule.Direction.INGRESS, SecurityRule.Protocol.UDP, 5000, 5100, -1,
                Optional.of(IPv4AddressWithMask.of("172.16.0.0/12")), Optional.empty()));
        r.add(new SecurityRule(SecurityRule.Direction.EGRESS, SecurityRule.Protocol.TCP, 0, 0, -1,
                Optional.empty(), Optional.empty()));
        return r;
    }

    static void run(ScaleBenchCommand.Site plain, int groups, int changes, long seed, PrintStream out) {
        long heap0 = usedHeapAfterGc();
        ScaleBenchCommand.Site site = withGroups(plain, groups);
        NetworkConfig cfg = site.config();
        out.printf("security groups: %,d groups of 10 rules (3 naming another group), %,d ports each in one%n",
                cfg.securityGroups().size(), cfg.ports().size());
        NetworkFlowsKeeper.Compiler c = SecurityGroups.compiler(0);
        FabricView view = site.view();
        List<Integer> segments = cfg.networks().stream().map(LogicalNetwork::segment).toList();
        long cpu0 = processCpuNanos();
        long t0 = System.nanoTime();
        Map<Integer, Map<DatapathId, List<FlowSpec>>> all = NetworkFlowsKeeper.compileAll(c, view, segments);
        long tCompile = System.nanoTime() - t0;
        long cpu = processCpuNanos() - cpu0;
        long entries = all.values().stream().flatMap(m -> m.values().stream()).mapToLong(List::size).sum();
        long heap = usedHeapAfterGc() - heap0;
        out.printf("security groups, full compilation: %.2f s (%.2f s of CPU for the process on %d cores, GC included),"
                        + " %,d ACL entries, %,d MB heap (config and entries)%n", tCompile / 1e9, cpu / 1e9,
                Runtime.getRuntime().availableProcessors(), entries, heap >> 20);
        Change[] done = membershipChanges(site, c, changes, seed);
        long[] times = Arrays.stream(done).mapToLong(Change::nanos).sorted().toArray();
        int[] flowMods = Arrays.stream(done).mapToInt(Change::entriesChanged).sorted().toArray();
        long joins = Arrays.stream(done).filter(Change::join).count();
        double reached = Arrays.stream(done).mapToInt(Change::networks).average().orElse(0);
        out.printf("one membership change (%d changes: %d joins, %d leaves; %.1f networks recompiled each, entries"
                        + " that differ %d-%d, median %d): median %.3f ms, p99 %.3f ms%n", changes, joins, changes - joins,
                reached, flowMods[0], flowMods[changes - 1], flowMods[changes / 2], times[changes / 2] / 1e6,
                times[(int) (changes * 0.99)] / 1e6);
        out.printf("RESULT security-groups: compile %.2f s, heap %,d MB, one membership change %.3f ms (median)%n",
                tCompile / 1e9, heap >> 20, times[changes / 2] / 1e6);
        if (all.isEmpty()) {
            out.println("(empty)");
        }
    }

    /** One timed membership change: a join or a leave, its time, the networks recompiled and the entries that differ. */
    record Change(boolean join, long nanos, int networks, int entriesChanged) {
    }

    /**
     * Membership changes, one at a time from the site's configuration: a random port leaves its
     * group, or (every other change) joins it again from a configuration where it had left. Its
     * group names itself as remote (and other groups of the tenant may), so the ports whose rules
     * name it are recompiled. Timed: what the controller does for the change (the networks it
     * reaches, {@link SecurityGroups#affected}, and their recompilation); then, untimed, the
     * entries that differ from before (the flow-mods the change would send).
     */
    static Change[] membershipChanges(ScaleBenchCommand.Site site, NetworkFlowsKeeper.Compiler c, int changes,
                                      long seed) {
        NetworkConfig cfg = site.config();
        Random r = new Random(seed + 7);
        List<LogicalPort> ports = new ArrayList<>(cfg.ports());
        Change[] out = new Change[changes];
        for (int i = 0; i < changes; i++) {
            LogicalPort p = ports.get(r.nextInt(ports.size()));
            NetworkConfig left = replace(cfg, p, withGroups(p, List.of()));
            boolean join = i % 2 == 1;
            NetworkConfig before = join ? left : cfg;
            NetworkConfig next = join ? cfg : left;
            long s = System.nanoTime();
            Set<Integer> dirty = new java.util.HashSet<>(SecurityGroups.affected(before, next, Set.of(p.segment())));
            dirty.add(p.segment());
            FabricView v = new FabricView(next, site.locations(), site.tunnels());
            Map<Integer, Map<DatapathId, List<FlowSpec>>> now = new java.util.HashMap<>();
            for (int seg : dirty) {
                now.put(seg, c.network(next.network(seg).orElseThrow(), v));
            }
            long t = System.nanoTime() - s;
            FabricView vb = new FabricView(before, site.locations(), site.tunnels());
            int differ = 0;
            for (int seg : dirty) {
                differ += differing(c.network(before.network(seg).orElseThrow(), vb), now.get(seg));
            }
            if (differ == 0) {
                throw new IllegalStateException("a membership change changed no entry");
            }
            out[i] = new Change(join, t, dirty.size(), differ);
        }
        return out;
    }

    /** Entries added, removed or changed between two compilations of a network (the flow-mods). */
    static int differing(Map<DatapathId, List<FlowSpec>> before, Map<DatapathId, List<FlowSpec>> after) {
        Set<DatapathId> all = new java.util.HashSet<>(before.keySet());
        all.addAll(after.keySet());
        int n = 0;
        for (DatapathId d : all) {
            Map<FlowSpec.Key, FlowSpec> b = new java.util.HashMap<>();
            before.getOrDefault(d, List.of()).forEach(f -> b.put(f.key(), f));
            for (FlowSpec f : after.getOrDefault(d, List.of())) {
                if (!f.equals(b.remove(f.key()))) {
                    n++;
                }
            }
            n += b.size();
        }
        return n;
    }

    private static long processCpuNanos() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime() : -1;
    }

    /** The config with one port replaced (the network rebuilt; the rest shared). */
    static NetworkConfig replace(NetworkConfig c, LogicalPort old, LogicalPort now) {
        List<Tenant> tenants = new ArrayList<>(c.tenants().size());
        for (Tenant t : c.tenants()) {
            if (!t.name().equals(old.tenant())) {
                tenants.add(t);
                continue;
            }
            List<LogicalNetwork> nets = new ArrayList<>();
            for (LogicalNetwork n : t.networks()) {
                if (n.segment() != old.segment()) {
                    nets.add(n);
                    continue;
                }
                List<LogicalPort> ps = new ArrayList<>(n.ports());
                ps.set(ps.indexOf(old), now);
                nets.add(new LogicalNetwork(n.tenant(), n.name(), n.segment(), n.subnet(), ps, n.dhcp()));
            }
            tenants.add(new Tenant(t.name(), nets, t.routers(), t.securityGroups()));
        }
        return new NetworkConfig(c.transportNodes(), tenants, c.externalNetworks());
    }

    private static long usedHeapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
