package dev.weft.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.weft.api.event.PortStatusChanged;
import dev.weft.api.tenant.Binding;
import dev.weft.api.tenant.LogicalNetwork;
import dev.weft.api.tenant.LogicalPort;
import dev.weft.api.tenant.NetworkConfig;
import dev.weft.api.tenant.Tenant;
import dev.weft.api.tenant.TransportNode;
import dev.weft.apps.isolation.Isolation;
import dev.weft.apps.mobility.Mobility;
import dev.weft.apps.mobility.api.MobilityService;
import dev.weft.apps.securitygroups.SecurityGroups;
import dev.weft.apps.tenantnetworks.TenantNetworks;
import dev.weft.core.Controller;
import dev.weft.core.ControllerSettings;
import dev.weft.core.Extension;
import dev.weft.core.dispatch.NamedThreads;
import dev.weft.core.tenant.TenantManager;
import dev.weft.core.topology.TopologySettings;
import io.netty.channel.DefaultEventLoop;
import org.projectfloodlight.openflow.protocol.OFPortDesc;
import org.projectfloodlight.openflow.protocol.OFPortReason;
import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.IPv4AddressWithMask;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The warm-up: right after the start, a rehearsal of VM migrations on a small synthetic site, in a
 * second controller of its own in this process (its own threads, named {@code weft-warm-up-*}, its
 * own tenants and flow tables, switches in memory, nothing on the wire, its logs dropped), with the
 * tenant apps the real controller runs. The move path is the same code in both (the port report,
 * the mobility app's decision, both apps' recompilation, the reconciler's delta, the flow-mods'
 * encoding), so once the rehearsal has run it a few thousand times, the JVM has compiled it.
 *
 * <p>Why: a site's migrations are rare, so without it each one ran as the JVM's interpreter runs
 * code it has seldom seen. In process ({@code weft scale-bench --migrations 12 --migration-gap 300}
 * at 6 ports), a move after 300 ms of rest took 2-3 ms of controller time (the first 7-23 ms); after
 * 3,000 moves the same rested move took 0.09-0.23 ms. On the testbed's Open vSwitch the controller's
 * part of a move was 4-6 ms (docs/ovsdb.md).
 *
 * <p>It takes 4-10 s after the start on a 2-core machine shared with other work, on threads of its own; it changes nothing
 * the real controller holds, and a failure is logged and changes nothing either (the first
 * migrations are then as slow as before). Apps other than the built-in tenant apps are never run in
 * it: a rehearsal must not reach outside the process. {@code controller: warm-up-migrations: 0} in
 * the config file turns it off.
 */
public final class MoveRehearsal implements Extension {
    private static final Logger log = LoggerFactory.getLogger(MoveRehearsal.class);

    /** The apps a rehearsal runs, where the controller runs them: built in, with no effect outside it. */
    static final List<String> REHEARSABLE = List.of(Isolation.NAME, TenantNetworks.NAME, Mobility.NAME,
            SecurityGroups.NAME);
    /** Default number of rehearsed migrations (in process: 3,000 brought a rested move to ~0.1 ms). */
    public static final int DEFAULT_MIGRATIONS = 3000;
    /** The rehearsal's threads' name prefix; what they log is dropped. */
    static final String THREADS = "weft-warm-up";
    /** A rehearsal stops after this long whatever it reached (a machine far slower than expected). */
    static final Duration MAX = Duration.ofSeconds(60);

    /** What a rehearsal did; {@code skipped} says why it did nothing (empty when it ran). */
    public record Report(List<String> apps, int migrations, long confirmed, Duration took, double lastMedianMs,
                         Optional<String> skipped) {
        @Override
        public String toString() {
            return skipped.map(s -> "warm-up skipped: " + s).orElseGet(() -> String.format(java.util.Locale.ROOT,
                    "warm-up: %,d migrations rehearsed with %s in %.1f s (%,d confirmed by its mobility app; the last "
                            + "100: %.2f ms each, median)", migrations, apps, took.toNanos() / 1e9, confirmed,
                    lastMedianMs));
        }
    }

    private final int migrations;
    private final CompletableFuture<Report> done = new CompletableFuture<>();
    private volatile boolean stopped;
    private volatile Thread thread;

    public MoveRehearsal(int migrations) {
        if (migrations < 0) {
            throw new IllegalArgumentException("warm-up migrations must be 0 or more, was " + migrations);
        }
        this.migrations = migrations;
    }

    int migrations() {
        return migrations;
    }

    /** As the config file asks ({@code controller: warm-up-migrations}), else {@link #DEFAULT_MIGRATIONS}. */
    public static MoveRehearsal of(ControllerSettings settings) {
        Integer n = settings.controllerSection().warmUpMigrations();
        return new MoveRehearsal(n == null ? DEFAULT_MIGRATIONS : n);
    }

    @Override
    public String name() {
        return "warm-up";
    }

    @Override
    public void start(Controller controller) {
        List<String> apps = controller.settings().apps().stream().filter(REHEARSABLE::contains).toList();
        if (migrations == 0) {
            done.complete(skipped(apps, "warm-up-migrations is 0"));
            return;
        }
        if (!apps.contains(TenantNetworks.NAME)) {
            done.complete(skipped(apps, "no tenant networks (app tenant-networks) to move VMs in"));
            return;
        }
        Thread t = new Thread(() -> run(apps), THREADS);
        t.setDaemon(true);
        thread = t;
        t.start();
    }

    /** Completes when the rehearsal has ended (or was skipped); never exceptionally. */
    public CompletableFuture<Report> done() {
        return done;
    }

    @Override
    public void close() {
        stopped = true;
        Thread t = thread;
        if (t != null) {
            try {
                t.join(TimeUnit.SECONDS.toMillis(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static Report skipped(List<String> apps, String why) {
        return new Report(apps, 0, 0, Duration.ZERO, Double.NaN, Optional.of(why));
    }

    /**
     * Rehearse now, on the calling thread, with these apps (those of {@link #REHEARSABLE} among
     * them): for a bench that times migrations after a warm-up. Never throws; see the report.
     */
    public static Report rehearseNow(List<String> apps, int migrations) {
        MoveRehearsal r = new MoveRehearsal(migrations);
        return r.runQuietly(apps.stream().filter(REHEARSABLE::contains).toList());
    }

    private Report runQuietly(List<String> apps) {
        Quiet quiet = Quiet.install(THREADS);
        String was = Thread.currentThread().getName();
        Thread.currentThread().setName(THREADS);
        try {
            return rehearse(apps);
        } catch (Exception | LinkageError e) {
            return skipped(apps, "failed: " + e);
        } finally {
            Thread.currentThread().setName(was);
            quiet.remove();
        }
    }

    private void run(List<String> apps) {
        Report r = runQuietly(apps);
        if (stopped) {
            log.debug("{} (the controller stopped)", r);
        } else if (r.skipped().isPresent()) {
            log.warn("{} (the controller works as without it; its first migrations run slower)", r);
        } else {
            log.info("{}", r);
        }
        done.complete(r);
    }

    /** The synthetic site: nodes, and where each port starts. */
    record Site(NetworkConfig config, Map<String, Integer> startNode) {
    }

    /**
     * Four hypervisors (two with a tunnel port per remote, two with the flow-based one), two tenants
     * (the same MACs and IPs in both) with three networks each: six ports, two ports with a subnet,
     * one port. Half of the ports are bound by interface name and half by iface-id. Networks of
     * several sizes because a network's port list is a different class with one or two ports than
     * with more ({@code List.copyOf}): rehearsed on one size only, the compilers' loops were compiled
     * for one class, and the first real move on a network of the other size ran them in the
     * interpreter again (seen on the testbed, whose moving VMs' network has two ports).
     */
    static Site site() {
        List<TransportNode> nodes = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            nodes.add(new TransportNode("hv" + i, DatapathId.of(0x5745_4654_0000L + i), IPv4Address.of(0x0a4d0001 + i)));
        }
        List<Tenant> tenants = new ArrayList<>();
        Map<String, Integer> start = new HashMap<>();
        int[] sizes = {6, 2, 1};
        for (int t = 0; t < 2; t++) {
            List<LogicalNetwork> networks = new ArrayList<>();
            int k = 0;
            for (int n = 0; n < sizes.length; n++) {
                List<LogicalPort> ports = new ArrayList<>();
                String net = "net" + n;
                int segment = 1000 + 10 * n + t;
                for (int j = 0; j < sizes[n]; j++, k++) {
                    String name = "t" + t + "-vm" + k;
                    Binding b = k % 2 == 0 ? new Binding.Interface("if-" + name) : new Binding.IfaceId();
                    ports.add(new LogicalPort(name, "t" + t, net, segment, MacAddress.of(0x0200_0000_0001L + k),
                            List.of(IPv4Address.of(0x0a000001 + k)), b));
                    start.put(name, k % nodes.size());
                }
                Optional<IPv4AddressWithMask> subnet = sizes[n] == 2
                        ? Optional.of(IPv4AddressWithMask.of("10.0.0.0/24")) : Optional.empty();
                networks.add(new LogicalNetwork("t" + t, net, segment, subnet, ports));
            }
            tenants.add(new Tenant("t" + t, networks));
        }
        return new Site(new NetworkConfig(nodes, tenants), start);
    }

    /** The interface a port has on its hypervisor. */
    static String iface(LogicalPort p) {
        return p.binding() instanceof Binding.Interface i ? i.name() : "tap-" + p.name();
    }

    private Report rehearse(List<String> apps) throws Exception {
        long t0 = System.nanoTime();
        long deadline = t0 + MAX.toNanos();
        Site site = site();
        NetworkConfig cfg = site.config();
        ControllerSettings.Builder sb = ControllerSettings.builder().apps(apps).flowAuditInterval(Duration.ZERO)
                .startupHold(Duration.ZERO).topology(TopologySettings.DEFAULTS.withDiscovery(false)).dispatchThreads(1);
        if (apps.contains(Mobility.NAME)) {
            // Damping would hold a port that moves this often; the rest of the decision is the same code.
            sb.appConfig(Map.of(Mobility.NAME, JsonNodeFactory.instance.objectNode().put("flap-moves", 0)));
        }
        DefaultEventLoop loop = new DefaultEventLoop(NamedThreads.single(THREADS + "-switches"));
        try (Controller c = Controller.builder(sb.build()).withoutListeners().threadNames(THREADS).start()) {
            TenantManager tenants = c.tenants();
            List<TransportNode> nodes = cfg.transportNodes();
            List<InMemorySwitch> switches = new ArrayList<>();
            for (int i = 0; i < nodes.size(); i++) {
                InMemorySwitch sw = new InMemorySwitch(nodes.get(i).dpid(), loop);
                if (i < 2) {
                    for (int j = 0; j < nodes.size(); j++) {
                        if (j != i) {
                            sw.add(OFPort.of(100 + j), TenantManager.TUNNEL_PREFIX + nodes.get(j).name());
                        }
                    }
                } else {
                    sw.add(OFPort.of(100), TransportNode.FLOW_TUNNEL_PORT);
                }
                switches.add(sw);
            }
            int[] nextPort = new int[nodes.size()];
            Map<String, OFPort> portOf = new HashMap<>();
            Map<String, Integer> nodeOf = new HashMap<>(site.startNode());
            for (LogicalPort p : cfg.ports()) {
                int at = nodeOf.get(p.name());
                OFPort no = OFPort.of(++nextPort[at]);
                switches.get(at).add(no, iface(p));
                portOf.put(p.name(), no);
            }
            tenants.apply(cfg);
            switches.forEach(c::attach);
            while (tenants.locations().size() < cfg.ports().size()) {
                if (stopped || System.nanoTime() > deadline) {
                    return skipped(apps, "the synthetic site's ports were not all located in time");
                }
                // What a node's OVSDB says of its interfaces (with their OpenFlow port numbers).
                for (LogicalPort p : cfg.ports()) {
                    if (p.binding() instanceof Binding.IfaceId && tenants.location(p.name()).isEmpty()) {
                        tenants.interfaceReported(nodes.get(nodeOf.get(p.name())).dpid(), iface(p),
                                Optional.of(p.name()), portOf.get(p.name()), true, Instant.now(), System.nanoTime());
                    }
                }
                c.reconciler().quiesce().get(10, TimeUnit.SECONDS);
            }
            c.reconciler().quiesce().get(10, TimeUnit.SECONDS);

            List<LogicalPort> ports = List.copyOf(cfg.ports());
            long[] took = new long[migrations];
            int done = 0;
            for (int i = 0; i < migrations && !stopped && System.nanoTime() < deadline; i++) {
                LogicalPort p = ports.get(i % ports.size());
                int from = nodeOf.get(p.name());
                int to = (from + 1 + i / ports.size() % (nodes.size() - 1)) % nodes.size();
                long start = System.nanoTime();
                move(c, tenants, switches.get(from), switches.get(to), p, portOf, ++nextPort[to]);
                c.reconciler().quiesce().get(10, TimeUnit.SECONDS);
                took[i] = System.nanoTime() - start;
                nodeOf.put(p.name(), to);
                done = i + 1;
            }
            long[] last = Arrays.copyOfRange(took, Math.max(0, done - 100), done);
            Arrays.sort(last);
            // The migrations its mobility app reported (their number: the last one's sequence); the last
            // move's report follows its barrier replies.
            Optional<MobilityService> mobility = c.service(MobilityService.class);
            long confirmed = 0;
            for (int round = 0; round < 100 && mobility.isPresent(); round++) {
                List<dev.weft.api.tenant.Migration> h = mobility.get().history();
                confirmed = h.isEmpty() ? 0 : h.get(h.size() - 1).sequence();
                if (confirmed >= done) {
                    break;
                }
                c.reconciler().quiesce().get(10, TimeUnit.SECONDS);
            }
            return new Report(apps, done, confirmed, Duration.ofNanos(System.nanoTime() - t0),
                    last.length == 0 ? Double.NaN : last[last.length / 2] / 1e6, Optional.empty());
        } finally {
            loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    /**
     * A VM's interface goes from {@code a} and appears on {@code b}, reported as a hypervisor and its
     * OVSDB report it: for a port bound by iface-id, the OVSDB row names it first.
     */
    private static void move(Controller c, TenantManager tenants, InMemorySwitch a, InMemorySwitch b, LogicalPort p,
                             Map<String, OFPort> portOf, int newPort) throws Exception {
        String name = iface(p);
        Optional<String> id = p.binding() instanceof Binding.IfaceId ? Optional.of(p.name()) : Optional.empty();
        OFPort old = portOf.get(p.name());
        OFPortDesc gone = a.remove(old);
        c.deliver(new PortStatusChanged(a, OFPortReason.DELETE, gone, Optional.of(gone))).get(10, TimeUnit.SECONDS);
        tenants.interfaceReported(a.id(), name, id, old, false, Instant.now(), System.nanoTime(), true);
        OFPort no = OFPort.of(newPort);
        if (id.isPresent()) {
            tenants.interfaceNamed(b.id(), name, id, Instant.now(), System.nanoTime(), true);
        }
        OFPortDesc added = b.add(no, name);
        c.deliver(new PortStatusChanged(b, OFPortReason.ADD, added, Optional.empty())).get(10, TimeUnit.SECONDS);
        tenants.interfaceReported(b.id(), name, id, no, true, Instant.now(), System.nanoTime(), true);
        portOf.put(p.name(), no);
    }

    /** Drops what threads whose names start with a prefix log, while installed (logback only). */
    static final class Quiet extends TurboFilter {
        private final String prefix;
        private final LoggerContext context;

        private Quiet(String prefix, LoggerContext context) {
            this.prefix = prefix;
            this.context = context;
        }

        static Quiet install(String prefix) {
            LoggerContext lc = LoggerFactory.getILoggerFactory() instanceof LoggerContext l ? l : null;
            Quiet q = new Quiet(prefix, lc);
            if (lc != null) {
                q.setContext(lc);
                q.start();
                lc.addTurboFilter(q);
            }
            return q;
        }

        void remove() {
            if (context != null) {
                context.getTurboFilterList().remove(this);
                stop();
            }
        }

        @Override
        public FilterReply decide(Marker marker, ch.qos.logback.classic.Logger logger, Level level, String format,
                                  Object[] params, Throwable t) {
            return Thread.currentThread().getName().startsWith(prefix) ? FilterReply.DENY : FilterReply.NEUTRAL;
        }
    }
}
