package dev.weft.it;

import dev.weft.api.tenant.NetworkConfig;
import dev.weft.cli.SimFabric;
import dev.weft.core.Controller;
import dev.weft.core.ControllerSettings;
import dev.weft.core.config.ConfigLoader;
import dev.weft.core.config.WeftConfig;
import dev.weft.core.flow.Reconciler;
import dev.weft.sim.net.SimHost;
import dev.weft.sim.net.SimNetwork;
import org.projectfloodlight.openflow.protocol.OFVersion;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Weft with the tenant apps and a simulated fabric built from the same YAML, for spec tests. */
public final class TenantFabric implements AutoCloseable {
    final Controller controller;
    final SimNetwork net;
    final NetworkConfig config;

    /** The tenant apps: isolation and L2 networks. */
    static final List<String> L2_APPS = List.of("isolation", "tenant-networks");
    /** ... with routers and DHCP. */
    static final List<String> L3_APPS = List.of("isolation", "tenant-networks", "routers", "dhcp");

    TenantFabric(String yaml, Map<String, String> placement) throws Exception {
        this(ConfigLoader.parse(yaml, "test.yaml"), placement, null, Duration.ZERO, L2_APPS);
    }

    TenantFabric(String yaml, Map<String, String> placement, List<String> apps) throws Exception {
        this(ConfigLoader.parse(yaml, "test.yaml"), placement, null, Duration.ZERO, apps);
    }

    /** With {@code configFile} the controller can reload it; {@code audit} zero = no audit. */
    TenantFabric(WeftConfig cfg, Map<String, String> placement, java.nio.file.Path configFile, Duration audit)
            throws Exception {
        this(cfg, placement, configFile, audit, L2_APPS);
    }

    TenantFabric(WeftConfig cfg, Map<String, String> placement, java.nio.file.Path configFile, Duration audit,
                 List<String> apps) throws Exception {
        this.config = cfg.network();
        controller = startController(cfg, configFile, audit, 0, apps);
        try {
            net = SimNetwork.builder().controller("127.0.0.1", controller.openflowAddresses().get(0).getPort())
                    .topology(SimFabric.topology(config, placement)).versions(OFVersion.OF_13).build();
            net.awaitReady(Duration.ofSeconds(10));
            awaitConverged();
        } catch (Exception | Error e) {
            controller.close();
            throw e;
        }
    }

    static Controller startController(WeftConfig cfg, java.nio.file.Path configFile, Duration audit, int port) {
        return startController(cfg, configFile, audit, port, L2_APPS);
    }

    static Controller startController(WeftConfig cfg, java.nio.file.Path configFile, Duration audit, int port,
                                      List<String> apps) {
        return Controller.start(ControllerSettings.builder().config(cfg).configFile(configFile)
                .listen(List.of(new InetSocketAddress("127.0.0.1", port)))
                .apps(apps).tableMissToController(false)
                .dispatchThreads(2).flowAuditInterval(audit).build());
    }

    SimHost vm(String name) {
        return net.host(name);
    }

    /** Wait until every VM is located and the reconciler has nothing left to send. */
    void awaitConverged() throws Exception {
        // VMs only: the outside routers of external networks are hosts too, but no logical ports.
        awaitConverged(controller, (int) net.hosts().stream().filter(h -> config.port(h.name()).isPresent()).count());
    }

    /** Wait until {@code expected} logical ports are located and the reconciler has nothing left to send. */
    public static void awaitConverged(Controller controller, int expected) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (controller.tenants().locations().size() < expected) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("located " + controller.tenants().locations().keySet() + " of " + expected);
            }
            Thread.sleep(5);
        }
        long before = -1;
        while (true) {
            controller.reconciler().quiesce().get(10, TimeUnit.SECONDS);
            long sent = controller.reconciler().stats().values().stream().mapToLong(Reconciler.Stats::flowModsSent).sum();
            if (sent == before) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("flows did not settle");
            }
            before = sent;
            Thread.sleep(20);
        }
    }

    @Override
    public void close() {
        net.close();
        controller.close();
    }
}
