package dev.weft.it;

import dev.weft.api.tenant.Migration;
import dev.weft.apps.mobility.api.MobilityService;
import dev.weft.api.tenant.Binding;
import dev.weft.api.tenant.LogicalPort;
import dev.weft.api.tenant.NetworkConfig;
import dev.weft.api.tenant.PortLocation;
import dev.weft.api.tenant.TransportNode;
import dev.weft.core.Controller;
import dev.weft.core.ControllerSettings;
import dev.weft.core.config.ConfigLoader;
import dev.weft.core.config.WeftConfig;
import dev.weft.sim.net.SimNetwork;
import dev.weft.sim.net.TopologyBuilder;
import org.projectfloodlight.openflow.protocol.OFFlowModCommand;
import org.projectfloodlight.openflow.protocol.OFVersion;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Weft with isolation, tenant-networks and mobility, and a simulated fabric of hypervisors built
 * from the same YAML: a VM per logical port where {@code placement} says (interface-bound ports
 * plugged in under their interface name; MAC-bound ones under {@code eth-<port>}). Traces settle
 * fast (2 ms), so a stream of frames is a stream.
 */
final class MobilityFabric implements AutoCloseable {
    final Controller controller;
    final SimNetwork net;
    final NetworkConfig config;
    final MobilityService mobility;

    MobilityFabric(String yaml, Map<String, String> placement) throws Exception {
        WeftConfig cfg = ConfigLoader.parse(yaml, "mobility-test.yaml");
        this.config = cfg.network();
        controller = Controller.start(ControllerSettings.builder().config(cfg)
                .listen(List.of(new InetSocketAddress("127.0.0.1", 0)))
                .dispatchThreads(2).flowAuditInterval(Duration.ZERO).build());
        try {
            mobility = controller.service(MobilityService.class).orElseThrow();
            net = SimNetwork.builder().controller("127.0.0.1", controller.openflowAddresses().get(0).getPort())
                    .topology(topology(config, placement)).versions(OFVersion.OF_13)
                    .settle(Duration.ofMillis(2)).unansweredGrace(Duration.ofMillis(100)).build();
            net.awaitReady(Duration.ofSeconds(10));
            long bound = placement.keySet().stream()
                    .filter(p -> config.port(p).orElseThrow().binding() instanceof Binding.Interface).count();
            TenantFabric.awaitConverged(controller, (int) bound);
        } catch (Exception | Error e) {
            controller.close();
            throw e;
        }
    }

    static dev.weft.sim.net.Topology topology(NetworkConfig cfg, Map<String, String> placement) {
        TopologyBuilder b = new TopologyBuilder();
        for (TransportNode n : cfg.transportNodes()) {
            b.addSwitch(n.name(), n.dpid(), Set.of(OFVersion.OF_13), 0, n.tunnelIp());
        }
        b.addFullTunnelMesh();
        for (var e : placement.entrySet()) {
            LogicalPort p = cfg.port(e.getKey()).orElseThrow();
            String iface = p.binding() instanceof Binding.Interface i ? i.name() : "eth-" + p.name();
            b.addHost(p.name(), p.mac(), p.ips().isEmpty() ? null : p.ips().get(0), e.getValue(), null, iface);
        }
        return b.build();
    }

    TransportNode node(String name) {
        return config.node(name).orElseThrow();
    }

    Optional<PortLocation> location(String port) {
        return controller.tenants().location(port);
    }

    /** The next migration of {@code port} after {@code afterSequence}, once reported (barriers confirmed). */
    Migration awaitMigration(String port, long afterSequence) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            Optional<Migration> m = mobility.history().stream()
                    .filter(x -> x.subject().equals(port) && x.sequence() > afterSequence).findFirst();
            if (m.isPresent()) {
                return m.get();
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no migration of " + port + " reported; history " + mobility.history()
                        + ", located at " + location(port));
            }
            Thread.sleep(1);
        }
    }

    long lastSequence() {
        List<Migration> h = mobility.history();
        return h.isEmpty() ? 0 : h.get(h.size() - 1).sequence();
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(2);
        }
    }

    /** Flow-mods each switch has received so far. */
    Map<String, Long> flowMods() {
        Map<String, Long> m = new HashMap<>();
        for (TransportNode n : config.transportNodes()) {
            m.put(n.name(), net.flowModCount(n.name()));
        }
        return m;
    }

    Map<OFFlowModCommand, Long> flowModCounts(String sw) {
        return net.flowModCounts(sw);
    }

    @Override
    public void close() {
        net.close();
        controller.close();
    }
}
