package dev.weft.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.weft.api.tenant.Migration;
import dev.weft.api.tenant.PortLocation;
import dev.weft.apps.mobility.api.MobilityService;
import dev.weft.core.Controller;
import dev.weft.core.openflow.SwitchRole;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Where the logical ports are and how they moved, as seen from every instance. Only the master of
 * a switch sees its packet-ins (a move shown by a gratuitous ARP) and programs its moves, so each
 * instance publishes, in its own ZooKeeper node {@code <root>/mobility/<instance>}, the locations
 * of the ports on the switches it is master of and the migrations it handled (the new location's
 * master; at most {@value #MAX_MIGRATIONS}), checked every {@value #PERIOD_MS} ms and written only
 * when they changed. Every instance reads all of them from a cache: locations from the live
 * members, migrations from every instance that ever published (a dead instance's history stays).
 */
final class ClusterMobility {
    private static final Logger log = LoggerFactory.getLogger(ClusterMobility.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String NODE = "/mobility";
    static final int MAX_MIGRATIONS = 100;
    static final long PERIOD_MS = 100;

    private final CuratorFramework client;
    private final Controller controller;
    private final String instance;
    private final BooleanSupplier connected;
    private final Supplier<Set<String>> members;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "weft-cluster-mobility");
        t.setDaemon(true);
        return t;
    });
    private CuratorCache cache;
    // Timer thread only.
    private final Deque<ObjectNode> handled = new ArrayDeque<>();
    private long seen;
    private String published;

    ClusterMobility(CuratorFramework client, Controller controller, String instance, BooleanSupplier connected,
                    Supplier<Set<String>> members) {
        this.client = client;
        this.controller = controller;
        this.instance = instance;
        this.connected = connected;
        this.members = members;
    }

    void start() {
        cache = CuratorCache.build(client, NODE);
        cache.start();
        timer.scheduleWithFixedDelay(this::publishQuietly, 0, PERIOD_MS, TimeUnit.MILLISECONDS);
    }

    private void publishQuietly() {
        try {
            publish();
        } catch (Exception e) {
            log.debug("cluster: publishing locations and migrations: {}", e.toString());
        }
    }

    private void publish() throws Exception {
        MobilityService m = controller.service(MobilityService.class).orElse(null);
        if (m != null) {
            for (Migration x : m.history()) {
                if (x.sequence() > seen) {
                    seen = x.sequence();
                    if (isMaster(x.to())) {
                        handled.addLast(migration(x));
                        while (handled.size() > MAX_MIGRATIONS) {
                            handled.removeFirst();
                        }
                    }
                }
            }
        }
        ObjectNode doc = JSON.createObjectNode();
        ObjectNode where = doc.putObject("locations");
        new TreeMap<>(controller.tenants().locations()).forEach((port, at) -> {
            if (isMaster(at)) {
                where.set(port, location(at));
            }
        });
        ArrayNode ms = doc.putArray("migrations");
        handled.forEach(ms::add);
        String text = doc.toString();
        if (text.equals(published) || !connected.getAsBoolean()) {
            return;
        }
        client.create().orSetData().creatingParentsIfNeeded().forPath(NODE + "/" + instance,
                text.getBytes(StandardCharsets.UTF_8));
        published = text;
    }

    private boolean isMaster(PortLocation at) {
        return controller.roles().role(at.dpid()).orElse(SwitchRole.SLAVE) == SwitchRole.MASTER;
    }

    // ---- what every instance reads ---------------------------------------------------------------

    /** Every logical port's location as the live master of its switch publishes it, by port name. */
    Map<String, ObjectNode> locations() {
        Set<String> live = members.get();
        Map<String, ObjectNode> out = new TreeMap<>();
        docs().forEach((who, doc) -> {
            if (live.contains(who)) {
                doc.path("locations").properties().forEach(e -> {
                    ObjectNode o = ((ObjectNode) e.getValue()).deepCopy();
                    o.put("reported-by", who);
                    out.put(e.getKey(), o);
                });
            }
        });
        return out;
    }

    /** The migrations every instance handled, newest first (by detection time). */
    List<ObjectNode> migrations() {
        List<ObjectNode> all = new ArrayList<>();
        docs().forEach((who, doc) -> doc.path("migrations").forEach(x -> {
            ObjectNode o = ((ObjectNode) x).deepCopy();
            o.put("instance", who);
            all.add(o);
        }));
        all.sort(Comparator.comparing((ObjectNode o) -> o.path("detected-at").asText()).reversed());
        return all;
    }

    private Map<String, JsonNode> docs() {
        Map<String, JsonNode> docs = new TreeMap<>();
        if (cache == null) {
            return docs;
        }
        cache.stream().filter(d -> d.getPath().startsWith(NODE + "/") && d.getData() != null).forEach(d -> {
            try {
                docs.put(d.getPath().substring(NODE.length() + 1), JSON.readTree(d.getData()));
            } catch (IOException e) {
                log.debug("cluster: {} is not JSON", d.getPath());
            }
        });
        return docs;
    }

    private static ObjectNode location(PortLocation at) {
        ObjectNode o = JSON.createObjectNode();
        o.put("dpid", at.dpid().toString());
        o.put("ofport", at.port().getPortNumber());
        return o;
    }

    private static ObjectNode migration(Migration m) {
        ObjectNode o = JSON.createObjectNode();
        o.put("sequence", m.sequence());
        o.put("kind", m.kind() == Migration.Kind.LOGICAL_PORT ? "logical-port" : "host");
        o.put("subject", m.subject());
        o.put("network", m.network().isEmpty() ? null : m.network());
        o.put("mac", m.mac().toString());
        o.set("from", m.from().map(ClusterMobility::location).orElse(null));
        o.set("to", location(m.to()));
        o.put("cause", m.cause());
        o.put("detected-at", m.detectedAt().toString());
        m.convergence().ifPresent(d -> o.put("convergence-ms", d.toNanos() / 1e6));
        o.put("flow-mods", m.totalFlowMods());
        return o;
    }

    void close() {
        timer.shutdownNow();
        if (cache != null) {
            cache.close();
        }
    }
}
