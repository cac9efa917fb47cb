package dev.weft.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.weft.api.Switch;
import dev.weft.api.host.Host;
import dev.weft.api.host.HostService;
import dev.weft.api.tenant.Migration;
import dev.weft.apps.mobility.api.MobilityService;
import dev.weft.apps.mobility.api.PortCounters;
import dev.weft.api.tenant.LogicalNetwork;
import dev.weft.api.tenant.LogicalPort;
import dev.weft.api.tenant.NetworkConfig;
import dev.weft.api.tenant.PortLocation;
import dev.weft.api.tenant.Tenant;
import dev.weft.api.tenant.TransportNode;
import dev.weft.api.topology.TopologyService;
import dev.weft.core.Controller;
import dev.weft.core.Version;
import dev.weft.core.app.AppCookies;
import dev.weft.core.config.ReloadResult;
import dev.weft.core.dispatch.AppHandle;
import dev.weft.core.flow.Reconciler;
import dev.weft.core.openflow.SwitchTotals;
import io.netty.handler.codec.http.HttpResponseStatus;
import org.projectfloodlight.openflow.types.DatapathId;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;

/**
 * The routes of {@code /api/v1}. Reads answer from the controller's immutable snapshots (config,
 * locations, topology, hosts) on the HTTP thread, or from a future (the reconciler's view on the
 * control lane, counters read from switches). Writes (reload, add/remove tenant, network, logical
 * port) run one at a time on the writer thread; see {@link ConfigEditor} for the write path.
 */
public final class RestApi {
    public static final String BASE = "/api/v1";
    static final ObjectMapper JSON = RestServer.mapper();

    private final Controller controller;
    private final Services services;
    private final ExecutorService writer;
    private final ConfigEditor editor;
    private final int maxEntries;
    private final List<Route> routes = new ArrayList<>();
    /** Descriptions of routes other modules serve on the same server ({@link RouteSource#openApi}). */
    private final List<JsonNode> documents = new java.util.concurrent.CopyOnWriteArrayList<>();

    public RestApi(Controller controller, Services services, ExecutorService writer) {
        this(controller, services, writer, RestLimits.DEFAULTS.maxEntriesPerRequest());
    }

    /** {@code maxEntries}: how many entries (the one added and those inside it) one request may add. */
    public RestApi(Controller controller, Services services, ExecutorService writer, int maxEntries) {
        this.maxEntries = maxEntries;
        this.controller = controller;
        this.services = services;
        this.writer = writer;
        Optional<Path> file = controller.settings().configFile();
        this.editor = file.map(f -> new ConfigEditor(f, cfg -> inForce(controller.applyNetwork(cfg.network(), cfg))))
                .orElse(null);
        define();
    }

    public List<Route> routes() {
        return List.copyOf(routes);
    }

    /** Merge this description ({@code paths}, {@code components}) into the document served. */
    void document(JsonNode more) {
        documents.add(more);
    }

    void get(String path, String summary, Route.Handler h) {
        routes.add(new Route("GET", BASE + path, summary, h));
    }

    void post(String path, String summary, Route.Handler h) {
        routes.add(new Route("POST", BASE + path, summary, h));
    }

    void delete(String path, String summary, Route.Handler h) {
        routes.add(new Route("DELETE", BASE + path, summary, h));
    }

    static CompletableFuture<Reply> now(JsonNode body) {
        return CompletableFuture.completedFuture(Reply.ok(body));
    }

    private void define() {
        get("/controller", "version, uptime, apps in chain order, listeners", r -> now(controllerView()));
        get("/switches", "connected switches", r -> now(switches()));
        get("/switches/{dpid}", "one connected switch", r -> now(oneSwitch(dpid(r.param("dpid")))));
        get("/switches/{dpid}/flows", "flow entries desired vs installed, with the owning app", this::flows);
        get("/switches/{dpid}/policy-counters", "packets and bytes of each security-group entry (ACL tables 1 "
                + "and 4) and of each meter, as the switch counts them now",
                r -> SecurityGroupRoutes.counters(controller.switches().get(switchId(r.param("dpid"))).orElseThrow(
                        () -> ApiException.notFound("switch " + r.param("dpid") + " is not connected"))));
        get("/links", "discovered links (one per direction)", r -> now(links()));
        get("/hosts", "hosts seen by host tracking", r -> now(hosts()));
        get("/transport-nodes", "hypervisors: connected, tunnel ports", r -> now(transportNodes()));
        get("/tenants", "tenants, networks and logical ports with their current location", r -> now(tenants()));
        get("/tenants/{tenant}", "one tenant", r -> now(Views.tenant(tenant(r.param("tenant")),
                controller.tenants().locations(), config())));
        get("/tenants/{tenant}/networks/{network}", "one logical network",
                r -> now(Views.network(network(r.param("tenant"), r.param("network")),
                        controller.tenants().locations(), config(), true)));
        get("/tenants/{tenant}/counters", "traffic counters of each logical port of a tenant, and their sum",
                this::tenantCounters);
        get("/logical-ports", "every logical port with its current location", r -> now(logicalPorts()));
        get("/logical-ports/{port}", "one logical port", r -> now(Views.port(port(r.param("port")),
                controller.tenants().locations(), config(), true)));
        get("/logical-ports/{port}/counters", "a logical port's traffic counters (across its migrations)",
                this::portCounters);
        get("/migrations", "recent migrations, newest first", this::migrations);
        get("/openapi.json", "this API's OpenAPI description", r -> now(openApi()));

        post("/reload", "re-read the config file and put it in force", r -> write(this::reload));
        post("/tenants", "add a tenant (validated like the file, written to it, applied)", r -> {
            JsonNode body = body(r);
            return write(() -> added("tenant", ConfigEditor.Edit.add(List.of(), "tenants", "tenant", body),
                    o -> Views.tenant(tenantIn(o, name(body)), controller.tenants().locations(), o),
                    () -> BASE + "/tenants/" + name(body)));
        });
        delete("/tenants/{tenant}", "remove a tenant and its networks", r -> write(() -> removed(
                ConfigEditor.Edit.remove(List.of(), "tenants", "tenant", r.param("tenant")), r.param("tenant"))));
        post("/tenants/{tenant}/networks", "add a logical network to a tenant", r -> {
            JsonNode body = body(r);
            String t = r.param("tenant");
            return write(() -> added("network", ConfigEditor.Edit.add(List.of(tenantStep(t)), "networks", "network",
                            body), o -> Views.network(networkIn(o, t, name(body)), controller.tenants().locations(), o,
                            true), () -> BASE + "/tenants/" + t + "/networks/" + name(body)));
        });
        delete("/tenants/{tenant}/networks/{network}", "remove a logical network", r -> {
            String t = r.param("tenant");
            String n = r.param("network");
            return write(() -> removed(ConfigEditor.Edit.remove(List.of(tenantStep(t)), "networks", "network", n),
                    t + "/" + n));
        });
        post("/tenants/{tenant}/networks/{network}/ports", "add a logical port to a network", r -> {
            JsonNode body = body(r);
            String t = r.param("tenant");
            String n = r.param("network");
            return write(() -> added("port", ConfigEditor.Edit.add(List.of(tenantStep(t), networkStep(n)), "ports",
                            "port", body), o -> Views.port(o.port(name(body)).orElseThrow(),
                            controller.tenants().locations(), o, true), () -> BASE + "/logical-ports/" + name(body)));
        });
        delete("/tenants/{tenant}/networks/{network}/ports/{port}", "remove a logical port", r -> {
            String t = r.param("tenant");
            String n = r.param("network");
            String p = r.param("port");
            return write(() -> removed(ConfigEditor.Edit.remove(List.of(tenantStep(t), networkStep(n)), "ports",
                    "port", p), p));
        });
        RouterRoutes.define(this);
        SecurityGroupRoutes.define(this);
    }

    // ---- reads -----------------------------------------------------------------------------------

    NetworkConfig config() {
        return controller.tenants().config();
    }

    private ObjectNode controllerView() {
        ObjectNode o = Views.F.objectNode();
        o.put("version", Version.get());
        o.put("started-at", controller.startedAt().toString());
        Duration up = Duration.between(controller.startedAt(), controller.settings().clock().instant());
        o.put("uptime-seconds", Math.max(0, up.toMillis()) / 1000.0);
        ArrayNode apps = o.putArray("apps");
        for (AppHandle h : controller.apps()) {
            ObjectNode a = apps.addObject();
            a.put("name", h.name());
            a.put("order", h.order());
            a.put("handled", h.handled());
            a.put("failures", h.failures());
        }
        ArrayNode of = o.putArray("openflow-listen");
        controller.openflowAddresses().forEach(a -> of.add(RestSettings.text(a)));
        o.put("rest-listen", controller.extension(RestEndpoint.class).map(r -> RestSettings.text(r.address())).orElse(null));
        o.put("config-file", controller.settings().configFile().map(Path::toString).orElse(null));
        o.put("dispatch-threads", controller.settings().dispatchThreads());
        o.put("switches", controller.switches().all().size());
        NetworkConfig c = config();
        o.put("tenants", c.tenants().size());
        o.put("networks", c.networks().size());
        o.put("logical-ports", c.ports().size());
        o.put("located-ports", controller.tenants().locations().size());
        return o;
    }

    private static DatapathId dpid(String text) {
        try {
            if (text.contains(":")) {
                return DatapathId.of(text);
            }
            return DatapathId.of(Long.parseUnsignedLong(text.startsWith("0x") ? text.substring(2) : text, 16));
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid("'" + text + "' is not a datapath id (e.g. 00:00:00:00:00:00:00:a1 or 0xa1)",
                    "dpid");
        }
    }

    /** A datapath id, or a transport node's name. */
    private DatapathId switchId(String text) {
        return config().node(text).map(TransportNode::dpid).orElseGet(() -> dpid(text));
    }

    private ArrayNode switches() {
        Map<DatapathId, Reconciler.Stats> stats = controller.reconciler().stats();
        Map<DatapathId, SwitchTotals> totals = totals();
        NetworkConfig c = config();
        List<Switch> all = new ArrayList<>(controller.switches().all());
        all.sort(Comparator.comparing(Switch::id));
        ArrayNode a = Views.F.arrayNode();
        all.forEach(sw -> a.add(Views.switchView(sw, c, Optional.ofNullable(stats.get(sw.id())),
                Optional.ofNullable(totals.get(sw.id())))));
        return a;
    }

    private ObjectNode oneSwitch(DatapathId id) {
        Switch sw = controller.switches().get(id)
                .orElseThrow(() -> ApiException.notFound("no switch " + id + " is connected"));
        return Views.switchView(sw, config(), Optional.ofNullable(controller.reconciler().stats().get(id)),
                Optional.ofNullable(totals().get(id)));
    }

    private Map<DatapathId, SwitchTotals> totals() {
        Map<DatapathId, SwitchTotals> m = new HashMap<>();
        controller.switchTotals().forEach(t -> m.put(t.dpid(), t));
        return m;
    }

    private CompletableFuture<Reply> flows(Request r) {
        String key = r.param("dpid");
        DatapathId id = switchId(key);
        String state = r.query().containsKey("state") ? r.query().get("state").get(0) : null;
        String app = r.query().containsKey("app") ? r.query().get("app").get(0) : null;
        if (state != null && !List.of("in-place", "missing", "different", "unwanted").contains(state)) {
            throw ApiException.invalid("state must be in-place, missing, different or unwanted (was '" + state + "')",
                    "state");
        }
        Map<Integer, String> names = new HashMap<>();
        controller.settings().apps().forEach(n -> names.put(AppCookies.idFor(n), n));
        return controller.reconciler().flowTable(id).thenApply(v -> Reply.ok(Views.flowTable(v.orElseThrow(
                () -> ApiException.notFound("no flow entries are managed on " + id + (controller.switches().get(id)
                        .isPresent() ? " (no app declares entries for it)" : " (no such switch has connected)"))),
                names, state, app)));
    }

    private ArrayNode links() {
        TopologyService t = services.get(TopologyService.class)
                .orElseThrow(() -> ApiException.notAvailable("this controller has no topology service"));
        ArrayNode a = Views.F.arrayNode();
        t.current().links().stream().sorted().forEach(l -> a.add(Views.link(l)));
        return a;
    }

    private ArrayNode hosts() {
        HostService h = services.get(HostService.class).orElseThrow(() -> ApiException.notAvailable(
                "host tracking is off (topology: hosts: tracking: false)"));
        List<Host> all = new ArrayList<>(h.all());
        all.sort(Comparator.comparing((Host x) -> x.location()).thenComparing(x -> x.mac().getLong()));
        ArrayNode a = Views.F.arrayNode();
        all.forEach(x -> a.add(Views.host(x)));
        return a;
    }

    private ArrayNode transportNodes() {
        NetworkConfig c = config();
        ArrayNode a = Views.F.arrayNode();
        for (TransportNode n : c.transportNodes()) {
            a.add(Views.transportNode(n, controller.switches().get(n.dpid()).isPresent(),
                    controller.tenants().tunnelPorts(n.dpid())));
        }
        return a;
    }

    private ArrayNode tenants() {
        NetworkConfig c = config();
        Map<String, PortLocation> where = controller.tenants().locations();
        ArrayNode a = Views.F.arrayNode();
        c.tenants().forEach(t -> a.add(Views.tenant(t, where, c)));
        return a;
    }

    private ArrayNode logicalPorts() {
        NetworkConfig c = config();
        Map<String, PortLocation> where = controller.tenants().locations();
        ArrayNode a = Views.F.arrayNode();
        c.ports().forEach(p -> a.add(Views.port(p, where, c, true)));
        return a;
    }

    Tenant tenant(String name) {
        return tenantIn(config(), name);
    }

    static Tenant tenantIn(NetworkConfig c, String name) {
        return c.tenants().stream().filter(t -> t.name().equals(name)).findFirst()
                .orElseThrow(() -> ApiException.notFound("no tenant '" + name + "'"));
    }

    private LogicalNetwork network(String tenant, String name) {
        return networkIn(config(), tenant, name);
    }

    private static LogicalNetwork networkIn(NetworkConfig c, String tenant, String name) {
        return tenantIn(c, tenant).networks().stream().filter(n -> n.name().equals(name)).findFirst()
                .orElseThrow(() -> ApiException.notFound("tenant '" + tenant + "' has no network '" + name + "'"));
    }

    private LogicalPort port(String name) {
        return config().port(name).orElseThrow(() -> ApiException.notFound("no logical port '" + name + "'"));
    }

    private MobilityService mobility(String what) {
        return services.get(MobilityService.class).orElseThrow(() -> ApiException.notAvailable(
                "this controller has no " + what + " (enable the mobility app)"));
    }

    private CompletableFuture<Reply> migrations(Request r) {
        MobilityService m = mobility("migration history");
        int limit = r.intQuery("limit", 100, 1, 100_000);
        String subject = r.query().containsKey("port") ? r.query().get("port").get(0) : null;
        List<Migration> h = new ArrayList<>(m.history());
        java.util.Collections.reverse(h);
        NetworkConfig c = config();
        ArrayNode a = Views.F.arrayNode();
        h.stream().filter(x -> subject == null || x.subject().equals(subject)).limit(limit)
                .forEach(x -> a.add(Views.migration(x, c)));
        return now(a);
    }

    private CompletableFuture<Reply> portCounters(Request r) {
        LogicalPort p = port(r.param("port"));
        MobilityService m = mobility("per-port counters");
        return m.counters(p.name()).thenApply(c -> {
            ObjectNode o = Views.F.objectNode();
            o.put("port", p.name());
            o.put("tenant", p.tenant());
            o.put("network", p.network());
            o.setAll(Views.counters(c));
            return Reply.ok(o);
        });
    }

    private CompletableFuture<Reply> tenantCounters(Request r) {
        Tenant t = tenant(r.param("tenant"));
        MobilityService m = mobility("per-port counters");
        Map<String, CompletableFuture<PortCounters>> each = new LinkedHashMap<>();
        t.networks().forEach(n -> n.ports().forEach(p -> each.put(p.name(), m.counters(p.name()))));
        return CompletableFuture.allOf(each.values().toArray(CompletableFuture[]::new)).thenApply(v -> {
            PortCounters sum = PortCounters.ZERO;
            ObjectNode o = Views.F.objectNode();
            o.put("tenant", t.name());
            ObjectNode ports = Views.F.objectNode();
            for (var e : each.entrySet()) {
                PortCounters c = e.getValue().join();
                sum = sum.plus(c);
                ports.set(e.getKey(), Views.counters(c));
            }
            o.set("total", Views.counters(sum));
            o.set("ports", ports);
            return Reply.ok(o);
        });
    }

    private ObjectNode openApi() {
        try (InputStream in = RestApi.class.getResourceAsStream("openapi.yaml")) {
            if (in == null) {
                throw new IllegalStateException("openapi.yaml is missing from the jar");
            }
            ObjectNode doc = (ObjectNode) new ObjectMapper(new YAMLFactory()).readTree(in);
            ((ObjectNode) doc.path("info")).put("version", Version.get());
            for (JsonNode more : documents) {
                merge(doc, more);
            }
            return doc;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read openapi.yaml: " + e.getMessage(), e);
        }
    }

    /** {@code more}'s paths and components added to {@code doc}'s (objects merged one level down). */
    static void merge(ObjectNode doc, JsonNode more) {
        for (String section : List.of("paths", "components")) {
            more.path(section).properties().forEach(e -> {
                ObjectNode into = doc.path(section).isObject() ? (ObjectNode) doc.get(section) : doc.putObject(section);
                if (section.equals("components") && into.path(e.getKey()).isObject() && e.getValue().isObject()) {
                    ((ObjectNode) into.get(e.getKey())).setAll((ObjectNode) e.getValue());
                } else {
                    into.set(e.getKey(), e.getValue());
                }
            });
        }
    }

    /** The OpenAPI document as served (for tests). */
    public static JsonNode openApiDocument() {
        try (InputStream in = RestApi.class.getResourceAsStream("openapi.yaml")) {
            return new ObjectMapper(new YAMLFactory()).readTree(in);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- writes ----------------------------------------------------------------------------------

    /**
     * A write's body: a JSON object (strict: no key twice) that adds at most {@code maxEntries}
     * entries, counting it and every object inside it (a tenant with 20,000 networks is refused
     * whole, before anything is written).
     */
    JsonNode body(Request r) {
        JsonNode body = r.jsonObject(JSON);
        int n = entries(body, maxEntries + 1);
        if (n > maxEntries) {
            throw new ApiException(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "too-many-entries",
                    "one request may add at most " + maxEntries + " entries (the one added and the networks, ports, "
                    + "routers... inside it); this one has more: send them in several requests "
                    + "(rest: limits: max-entries-per-request)", null);
        }
        return body;
    }

    /** The entries in {@code n}: itself and every object that is an element of a list in it, counted up to {@code stop}. */
    static int entries(JsonNode n, int stop) {
        int count = 1;
        java.util.ArrayDeque<JsonNode> todo = new java.util.ArrayDeque<>();
        todo.push(n);
        while (!todo.isEmpty() && count < stop) {
            JsonNode x = todo.pop();
            for (JsonNode child : x) {
                if (x.isArray() && child.isObject()) {
                    count++;
                }
                if (child.isContainerNode()) {
                    todo.push(child);
                }
            }
        }
        return count;
    }

    /** Run a write on the writer thread: one at a time, in arrival order. */
    CompletableFuture<Reply> write(Supplier<Reply> w) {
        try {
            return CompletableFuture.supplyAsync(w, writer);
        } catch (RejectedExecutionException e) {
            throw new ApiException(HttpResponseStatus.SERVICE_UNAVAILABLE, "stopping", "the controller is stopping",
                    null);
        }
    }

    private ConfigEditor editor() {
        if (editor == null) {
            throw ApiException.conflict("this controller was started without a config file (--config FILE), so a "
                    + "change could not be kept across a restart; nothing was changed", null);
        }
        return editor;
    }

    /** Wait (on the writer thread) until an applied configuration is in force, so that a 2xx means it is. */
    private ReloadResult inForce(ReloadResult r) {
        try {
            controller.controlLaneDone().get(10, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            // Written and handed over; the control lane is busy. The answer says what was applied.
        }
        return r;
    }

    private Reply reload() {
        ReloadResult r = inForce(controller.reload());
        if (r.outcome() == ReloadResult.Outcome.REJECTED) {
            if (controller.settings().configFile().isEmpty()) {
                throw ApiException.conflict(r.message(), null);
            }
            throw ApiException.invalid(r.message(), ConfigEditor.fieldOf(r.message()));
        }
        return Reply.ok(Views.reload(r));
    }

    static String name(JsonNode body) {
        JsonNode n = body.get("name");
        if (n == null || !n.isTextual() || n.asText().isBlank()) {
            throw ApiException.invalid("name is required (text)", "name");
        }
        return n.asText().trim();
    }

    static ConfigEditor.Step tenantStep(String t) {
        return new ConfigEditor.Step("tenants", t, "tenant");
    }

    private static ConfigEditor.Step networkStep(String n) {
        return new ConfigEditor.Step("networks", n, "network");
    }

    Reply added(String kind, ConfigEditor.Edit edit, java.util.function.Function<NetworkConfig, JsonNode> view,
                        Supplier<String> location) {
        ConfigEditor.Outcome o = editor().apply(edit);
        ObjectNode body = Views.F.objectNode();
        body.set(kind, view.apply(o.config().network()));
        body.set("config", outcome(o));
        return Reply.created(body, location.get());
    }

    Reply removed(ConfigEditor.Edit edit, String what) {
        ConfigEditor.Outcome o = editor().apply(edit);
        ObjectNode body = Views.F.objectNode();
        body.put("removed", edit.kind() + " " + what);
        body.set("config", outcome(o));
        return Reply.ok(body);
    }

    private ObjectNode outcome(ConfigEditor.Outcome o) {
        ObjectNode c = Views.reload(o.applied());
        c.put("file", editor.file().toString());
        c.put("comments-kept", o.commentsKept());
        return c;
    }

    static String text(InetSocketAddress a) {
        return RestSettings.text(a);
    }
}
