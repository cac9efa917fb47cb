package dev.weft.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.weft.api.tenant.Binding;
import dev.weft.api.tenant.LogicalPort;
import dev.weft.api.tenant.NetworkConfig;
import dev.weft.api.tenant.TransportNode;
import dev.weft.core.Controller;
import dev.weft.core.ControllerSettings;
import dev.weft.core.config.ConfigLoader;
import dev.weft.core.config.WeftConfig;
import dev.weft.rest.ApiToken;
import dev.weft.rest.RestEndpoint;
import dev.weft.rest.RestSettings;
import dev.weft.sim.net.SimHost;
import dev.weft.sim.net.SimNetwork;
import dev.weft.sim.net.TopologyBuilder;
import dev.weft.sim.packet.Frames;
import org.projectfloodlight.openflow.protocol.OFVersion;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
/**
 * A site for the console's tests: Weft with the tenant apps and mobility, its console and REST
 * API on a free loopback port (with a token when asked), and a simulated fabric of three
 * hypervisors with VMs of two tenants (acme-web1 and globex-web1 have the same MAC and IP).
 * The console reads the flow statistics every second and keeps usage in one-second records.
 */
public final class ConsoleSite implements AutoCloseable {
    static final String YAML = """
            controller:
              apps: [isolation, tenant-networks, mobility]
              table-miss-to-controller: false
            console:
              stats-interval: 1s
              usage-resolution: 1s
            transport-nodes:
              - { name: hv1, datapath-id: "00:00:00:00:00:00:00:a1", tunnel-ip: 10.77.0.1 }
              - { name: hv2, datapath-id: "00:00:00:00:00:00:00:a2", tunnel-ip: 10.77.0.2 }
              - { name: hv3, datapath-id: "00:00:00:00:00:00:00:a3", tunnel-ip: 10.77.0.3 }
            tenants:
              - name: acme
                networks:
                  - name: web
                    segment: 5001
                    subnet: 10.0.1.0/24
                    ports:
                      - { name: acme-web1, mac: "02:00:0a:00:01:0b", ips: [10.0.1.11], binding: { interface: vm-acme-web1 } }
                      - { name: acme-web2, mac: "02:00:0a:00:01:0c", ips: [10.0.1.12], binding: { interface: vm-acme-web2 } }
              - name: globex
                networks:
                  - name: web
                    segment: 6001
                    ports:
                      - { name: globex-web1, mac: "02:00:0a:00:01:0b", ips: [10.0.1.11], binding: { interface: vm-globex-web1 } }
                      - { name: globex-web2, mac: "02:00:0a:00:01:0c", ips: [10.0.1.12], binding: { interface: vm-globex-web2 } }
            """;
    static final Map<String, String> PLACEMENT = Map.of("acme-web1", "hv1", "acme-web2", "hv2",
            "globex-web1", "hv2", "globex-web2", "hv3");
    public static final String TOKEN = "console-test-token-5b1f0c2e";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    final NetworkConfig config;
    final Controller controller;
    final Console console;
    public final String base;
    final boolean tokenRequired;
    SimNetwork net;

    /** Weft alone; {@link #simulate()} brings the hypervisors. */
    ConsoleSite(boolean tokenRequired) {
        this.tokenRequired = tokenRequired;
        WeftConfig cfg = ConfigLoader.parse(YAML, "console-site.yaml");
        config = cfg.network();
        console = new Console(ConsoleSettings.of(cfg.console(), cfg.source()).orElseThrow());
        RestEndpoint rest = new RestEndpoint(new RestSettings(new InetSocketAddress("127.0.0.1", 0),
                tokenRequired ? Optional.of(ApiToken.of(TOKEN)) : Optional.empty(), tokenRequired), List.of(console));
        controller = Controller.builder(ControllerSettings.builder().config(cfg)
                        .listen(List.of(new InetSocketAddress("127.0.0.1", 0))).dispatchThreads(2)
                        .flowAuditInterval(Duration.ZERO).startupHold(Duration.ofSeconds(2)).build())
                .extension(console).extension(rest).start();
        base = "http://127.0.0.1:" + rest.address().getPort();
    }

    /** Weft and its hypervisors, every VM located and every flow entry in place. */
    public static ConsoleSite started(boolean tokenRequired) throws Exception {
        ConsoleSite s = new ConsoleSite(tokenRequired);
        try {
            s.simulate();
            return s;
        } catch (Exception | Error e) {
            s.close();
            throw e;
        }
    }

    void simulate() throws Exception {
        net = hypervisors(config, controller.openflowAddresses().get(0).getPort());
        net.awaitReady(Duration.ofSeconds(10));
        dev.weft.it.TenantFabric.awaitConverged(controller, config.ports().size());
        await("every hypervisor in sync (GET /health 200)", () -> get("/health").statusCode() == 200);
        // Usage starts from the first read that counts a port (no state directory here: what a
        // port counted before that is not known to be new).
        await("every VM's counters read", () -> console.traffic().ports().values().stream()
                .allMatch(Traffic.Port::fresh) && console.traffic().ports().size() == config.ports().size());
    }

    /** The site's hypervisors and VMs, simulated, connecting to a controller on {@code port}. */
    static SimNetwork hypervisors(NetworkConfig config, int port) {
        TopologyBuilder b = new TopologyBuilder();
        for (TransportNode n : config.transportNodes()) {
            b.addSwitch(n.name(), n.dpid(), Set.of(OFVersion.OF_13), 0, n.tunnelIp());
        }
        b.addFullTunnelMesh();
        for (LogicalPort p : config.ports()) {
            b.addHost(p.name(), p.mac(), p.ips().get(0), PLACEMENT.get(p.name()), null,
                    ((Binding.Interface) p.binding()).name());
        }
        return SimNetwork.builder().controller("127.0.0.1", port).topology(b.build()).versions(OFVersion.OF_13)
                .build();
    }

    /** {@code n} UDP frames of 100 bytes of payload from one VM to another; all must arrive. */
    public void send(String from, String to, int n) {
        send(net, from, to, n);
    }

    static void send(SimNetwork net, String from, String to, int n) {
        SimHost a = net.host(from);
        SimHost b = net.host(to);
        for (int i = 0; i < n; i++) {
            byte[] f = Frames.from(a.mac(), a.ip()).to(b.mac(), b.ip()).udp(4000, 5000, new byte[100]);
            dev.weft.sim.net.Delivery d = net.trace(from, f);
            if (!d.reachedExactly(to)) {
                throw new AssertionError(from + " -> " + to + " frame " + i + " did not arrive: " + d);
            }
        }
    }

    HttpResponse<String> get(String path) throws Exception {
        return get(path, tokenRequired ? TOKEN : null);
    }

    HttpResponse<String> get(String path, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(20));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    JsonNode json(String path) throws Exception {
        HttpResponse<String> r = get(path);
        if (r.statusCode() != 200) {
            throw new AssertionError(path + " answered " + r.statusCode() + ": " + r.body());
        }
        return JSON.readTree(r.body());
    }

    /** The value of one Prometheus sample ({@code name{labels}}) in {@code /metrics}, or -1. */
    double metric(String series) throws Exception {
        for (String line : get("/metrics").body().split("\n")) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(line.substring(series.length() + 1).trim());
            }
        }
        return -1;
    }

    static void await(String what, Callable<Boolean> condition) throws Exception {
        await(what, Duration.ofSeconds(30), condition);
    }

    static void await(String what, Duration within, Callable<Boolean> condition) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        while (!condition.call()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    @Override
    public void close() {
        if (net != null) {
            net.close();
        }
        controller.close();
    }
}
