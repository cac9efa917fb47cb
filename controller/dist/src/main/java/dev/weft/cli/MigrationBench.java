package dev.weft.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.weft.api.event.PortStatusChanged;
import dev.weft.api.tenant.Migration;
import dev.weft.apps.mobility.api.MobilityService;
import dev.weft.api.tenant.LogicalPort;
import dev.weft.api.tenant.NetworkConfig;
import dev.weft.api.tenant.PortLocation;
import dev.weft.api.tenant.TransportNode;
import dev.weft.apps.isolation.Isolation;
import dev.weft.apps.mobility.Mobility;
import dev.weft.apps.tenantnetworks.TenantNetworks;
import dev.weft.core.Controller;
import dev.weft.core.ControllerSettings;
import dev.weft.core.flow.Reconciler;
import dev.weft.core.topology.TopologySettings;
import dev.weft.core.tenant.TenantManager;
import io.netty.channel.DefaultEventLoop;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.projectfloodlight.openflow.protocol.OFPortDesc;
import org.projectfloodlight.openflow.protocol.OFPortReason;
import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.OFPort;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
/**
 * The controller's time for one migration at scale, with the real code path: the core's tenant
 * manager, the isolation, tenant-networks and mobility apps, and the reconciler holding the whole
 * site's desired and installed entries, wired as the controller wires them, with in-memory
 * switches that accept everything and answer barriers at once. A port's PORT_STATUS DELETE on
 * one hypervisor and ADD on another go in as a hypervisor's would; the migration's
 * {@link Migration#controller()} time (the ADD's arrival to the flow-mods handed to the switches:
 * location decision, recompilation of that one network by both apps, the reconciler's delta)
 * is what is reported.
 */
final class MigrationBench {

    /** What the bench measured: per migration, the controller's part and flow-mods. */
    record Result(int ports, int switches, long flowsInstalled, double setupSeconds, long[] controllerNanos,
                  double meanFlowMods, long[] inOrder) {
        double median() {
            return controllerNanos[controllerNanos.length / 2] / 1e6;
        }

        double p99() {
            return controllerNanos[Math.min(controllerNanos.length - 1, (int) (controllerNanos.length * 0.99))] / 1e6;
        }

        double max() {
            return controllerNanos[controllerNanos.length - 1] / 1e6;
        }
    }

    /** The apps whose migrations the bench times (and which its warm-up rehearses). */
    static final List<String> APPS = List.of(Isolation.NAME, TenantNetworks.NAME, Mobility.NAME);

    private MigrationBench() {
    }

    /** For {@code weft scale-bench --migrations N}: run and print; the exit status. */
    static int report(ScaleBenchCommand.Site site, int moves, long seed, Duration gap, PrintStream out,
                      PrintStream err) {
        try {
            Result r = run(site, moves, seed, gap, out);
            if (!gap.isZero()) {
                StringBuilder b = new StringBuilder();
                for (long n : r.inOrder()) {
                    b.append(b.isEmpty() ? "" : ", ").append(String.format(java.util.Locale.ROOT, "%.2f", n / 1e6));
                }
                out.printf("each migration after %d ms idle, in order, ms: %s%n", gap.toMillis(), b);
            }
            out.printf(java.util.Locale.ROOT, "one migration, controller time (PORT_STATUS in -> flow-mods out: location,"
                            + " recompilation of its network by isolation and tenant-networks, reconciler delta; %d"
                            + " moves, %.0f flow-mods each on average): median %.3f ms, p99 %.3f ms, max %.3f ms%n",
                    moves, r.meanFlowMods(), r.median(), r.p99(), r.max());
            out.printf(java.util.Locale.ROOT, "RESULT: migration %.3f ms (median controller time at %,d ports)%n",
                    r.median(), r.ports());
            return 0;
        } catch (Exception e) {
            err.println("weft " + ScaleBenchCommand.NAME + ": migration bench failed: " + e);
            return 1;
        }
    }

    static Result run(ScaleBenchCommand.Site site, int moves, long seed, Duration gap, PrintStream progress)
            throws Exception {
        NetworkConfig cfg = site.config();
        DefaultEventLoop switchLoop = new DefaultEventLoop(new DefaultThreadFactory("bench-switches", true));
        // The controller's own assembly, apps found by name as `weft controller` finds them; only
        // the switches are in memory. No audit, no startup hold, no LLDP: none of them is timed.
        ControllerSettings settings = ControllerSettings.builder()
                .apps(APPS)
                .appConfig(Map.of(Mobility.NAME, JsonNodeFactory.instance.objectNode().put("flap-moves", 0)))
                .flowAuditInterval(Duration.ZERO).startupHold(Duration.ZERO)
                .topology(TopologySettings.DEFAULTS.withDiscovery(false)).build();
        try (Controller controller = Controller.builder(settings).withoutListeners().start()) {
            TenantManager tenants = controller.tenants();
            Reconciler reconciler = controller.reconciler();
            MobilityService mobility = controller.service(MobilityService.class)
                    .orElseThrow(() -> new IllegalStateException("the mobility app provides no MobilityService"));

            // The switches: every VM port (numbered from 5000 on its hypervisor) and the tunnels.
            long t0 = System.nanoTime();
            Map<DatapathId, InMemorySwitch> switches = new HashMap<>();
            for (TransportNode n : cfg.transportNodes()) {
                InMemorySwitch sw = new InMemorySwitch(n.dpid(), switchLoop);
                site.tunnels().getOrDefault(n.dpid(), Map.of()).forEach((remote, p) -> sw.add(p, "vx-" + remote));
                switches.put(n.dpid(), sw);
            }
            Map<DatapathId, Integer> nextPort = new HashMap<>();
            for (LogicalPort p : cfg.ports()) {
                PortLocation at = site.locations().get(p.name());
                int no = nextPort.merge(at.dpid(), 1, Integer::sum) + 5000;
                switches.get(at.dpid()).add(OFPort.of(no), iface(p));
            }
            tenants.apply(cfg);
            for (InMemorySwitch sw : switches.values()) {
                controller.attach(sw);
            }
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(30);
            while (tenants.locations().size() < cfg.ports().size() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            settle(reconciler, deadline);
            double setup = (System.nanoTime() - t0) / 1e9;
            long installed = reconciler.stats().values().stream().mapToLong(Reconciler.Stats::installed).sum();
            progress.printf("migration bench: %,d ports located on %,d switches, %,d entries installed, in %.1f s%n",
                    tenants.locations().size(), switches.size(), installed, setup);

            // Moves: a port's interface goes from its hypervisor and appears on another.
            Random r = new Random(seed);
            List<LogicalPort> all = new ArrayList<>(cfg.ports());
            List<TransportNode> nodes = cfg.transportNodes();
            long[] took = new long[moves];
            long mods = 0;
            for (int i = 0; i < moves; i++) {
                LogicalPort p = all.get(r.nextInt(all.size()));
                PortLocation from = tenants.location(p.name()).orElseThrow();
                TransportNode to = nodes.get(r.nextInt(nodes.size()));
                if (to.dpid().equals(from.dpid())) {
                    to = nodes.get((nodes.indexOf(to) + 1) % nodes.size());
                }
                if (!gap.isZero()) {
                    Thread.sleep(gap.toMillis());
                }
                InMemorySwitch a = switches.get(from.dpid());
                InMemorySwitch b = switches.get(to.dpid());
                long before = lastSequence(mobility);
                OFPortDesc gone = a.remove(from.port());
                OFPortDesc added = b.add(OFPort.of(nextPort.merge(to.dpid(), 1, Integer::sum) + 5000), iface(p));
                controller.deliver(new PortStatusChanged(a, OFPortReason.DELETE, gone, Optional.of(gone)));
                controller.deliver(new PortStatusChanged(b, OFPortReason.ADD, added, Optional.empty()));
                Migration m = awaitMigration(mobility, p.name(), before);
                took[i] = m.controller().orElseThrow().toNanos();
                mods += m.totalFlowMods();
            }
            long[] inOrder = took.clone();
            Arrays.sort(took);
            return new Result(cfg.ports().size(), switches.size(), installed, setup, took, mods / (double) moves,
                    inOrder);
        } finally {
            switchLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    private static String iface(LogicalPort p) {
        return ((dev.weft.api.tenant.Binding.Interface) p.binding()).name();
    }

    /** Until the reconciler has sent everything (its flow-mod count stops growing). */
    private static void settle(Reconciler reconciler, long deadline) throws Exception {
        long before = -1;
        while (System.nanoTime() < deadline) {
            reconciler.quiesce().get(30, TimeUnit.MINUTES);
            long sent = reconciler.stats().values().stream().mapToLong(Reconciler.Stats::flowModsSent).sum();
            if (sent == before) {
                return;
            }
            before = sent;
            Thread.sleep(200);
        }
        throw new IllegalStateException("the reconciler did not settle");
    }

    private static long lastSequence(MobilityService m) {
        List<Migration> h = m.history();
        return h.isEmpty() ? 0 : h.get(h.size() - 1).sequence();
    }

    private static Migration awaitMigration(MobilityService m, String port, long after) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            List<Migration> h = m.history();
            for (int i = h.size() - 1; i >= 0 && h.get(i).sequence() > after; i--) {
                if (h.get(i).subject().equals(port)) {
                    return h.get(i);
                }
            }
            Thread.sleep(1);
        }
        throw new IllegalStateException("no migration of " + port + " reported");
    }
}
