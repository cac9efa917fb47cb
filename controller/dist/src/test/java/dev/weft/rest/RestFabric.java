package dev.weft.rest;

import dev.weft.api.tenant.Binding;
import dev.weft.api.tenant.LogicalPort;
import dev.weft.api.tenant.NetworkConfig;
import dev.weft.api.tenant.TransportNode;
import dev.weft.core.Controller;
import dev.weft.core.ControllerSettings;
import dev.weft.core.config.ConfigLoader;
import dev.weft.core.config.WeftConfig;
import dev.weft.sim.net.SimNetwork;
import dev.weft.sim.net.TopologyBuilder;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
/**
 * Weft with the tenant apps and its REST API on an ephemeral loopback port, a config file in a
 * temporary directory, and a simulated fabric of two hypervisors. The fabric also has a VM that
 * the config does not know yet ({@code acme-web3} on hv1, interface {@code vm-acme-web3}): a test
 * can add its logical port through the API and see it located and reachable.
 */
public final class RestFabric implements AutoCloseable {
    public static final String YAML = """
            controller:
              apps: [isolation, tenant-networks]
              table-miss-to-controller: false
            # Two hypervisors.
            transport-nodes:
              - name: hv1
                datapath-id: "00:00:00:00:00:00:00:a1"
                tunnel-ip: 10.77.0.1
              - name: hv2
                datapath-id: "00:00:00:00:00:00:00:a2"
                tunnel-ip: 10.77.0.2
            tenants:
              - name: acme           # the first tenant
                networks:
                  - name: web
                    segment: 5001    # the VXLAN VNI
                    subnet: 10.0.1.0/24
                    ports:
                      - name: acme-web1
                        mac: "02:00:0a:00:01:0b"
                        ips: [10.0.1.11]
                        binding: { interface: vm-acme-web1 }
                      - name: acme-web2
                        mac: "02:00:0a:00:01:0c"
                        ips: [10.0.1.12]
                        binding: { interface: vm-acme-web2 }
              - name: globex
                networks:
                  - name: web
                    segment: 6001
                    ports:
                      - name: globex-web1
                        mac: "02:00:0a:00:01:0b"   # the same MAC and IP as acme-web1
                        ips: [10.0.1.11]
                        binding: { interface: vm-globex-web1 }
            """;
    static final Map<String, String> PLACEMENT = Map.of("acme-web1", "hv1", "acme-web2", "hv2",
            "globex-web1", "hv2");
    static final String SPARE = "acme-web3";
    static final String SPARE_PORT_JSON = """
            {"name": "acme-web3", "mac": "02:00:0a:00:01:0d", "ips": ["10.0.1.13"],
             "binding": {"interface": "vm-acme-web3"}}""";

    public final Path file;
    public final Controller controller;
    public final SimNetwork net;
    final Http http;

    public RestFabric(Path dir) throws Exception {
        this(dir, YAML, true);
    }

    public RestFabric(Path dir, String yaml, boolean simulate) throws Exception {
        this(dir, yaml, simulate ? PLACEMENT : null);
    }

    /** {@code placement}: which hypervisor each VM of {@code yaml} is on (null: no simulated fabric). */
    public RestFabric(Path dir, String yaml, Map<String, String> placement) throws Exception {
        boolean simulate = placement != null;
        file = Files.writeString(dir.resolve("weft.yaml"), yaml);
        WeftConfig cfg = ConfigLoader.load(file);
        controller = Http.startWithApi(ControllerSettings.builder().config(cfg).configFile(file)
                .listen(List.of(new InetSocketAddress("127.0.0.1", 0)))
                .dispatchThreads(2).flowAuditInterval(Duration.ZERO).startupHold(Duration.ofSeconds(2)).build());
        http = new Http(Http.apiOf(controller));
        if (!simulate) {
            net = null;
            return;
        }
        try {
            NetworkConfig c = cfg.network();
            TopologyBuilder b = new TopologyBuilder();
            for (TransportNode n : c.transportNodes()) {
                b.addSwitch(n.name(), n.dpid(), Set.of(OFVersion.OF_13), 0, n.tunnelIp());
            }
            b.addFullTunnelMesh();
            for (LogicalPort p : c.ports()) {
                b.addHost(p.name(), p.mac(), p.ips().get(0), placement.get(p.name()), null,
                        ((Binding.Interface) p.binding()).name());
            }
            if (placement == PLACEMENT) {
                b.addHost(SPARE, MacAddress.of("02:00:0a:00:01:0d"), IPv4Address.of("10.0.1.13"), "hv1", null,
                        "vm-acme-web3");
            }
            net = SimNetwork.builder().controller("127.0.0.1", controller.openflowAddresses().get(0).getPort())
                    .topology(b.build()).versions(OFVersion.OF_13).build();
            net.awaitReady(Duration.ofSeconds(10));
            awaitConverged(c.ports().size());
        } catch (Exception | Error e) {
            controller.close();
            throw e;
        }
    }

    /** Wait until {@code located} logical ports are located and the reconciler has nothing left to send. */
    public void awaitConverged(int located) throws Exception {
        dev.weft.it.TenantFabric.awaitConverged(controller, located);
    }

    @Override
    public void close() {
        if (net != null) {
            net.close();
        }
        controller.close();
    }
}
