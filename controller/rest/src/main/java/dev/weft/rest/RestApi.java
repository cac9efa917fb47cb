package dev.weft.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.weft.api.tenant.NetworkConfig;
import dev.weft.api.tenant.Tenant;
import dev.weft.core.Controller;
import dev.weft.core.Version;
import dev.weft.core.config.ReloadResult;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
    /** At most this many reloads read the file at once (each on its own thread, gone when idle). */
    static final int MAX_RELOADS = 4;
    private final java.util.concurrent.ThreadPoolExecutor reloads = new java.util.concurrent.ThreadPoolExecutor(0,
            MAX_RELOADS, 10, java.util.concurrent.TimeUnit.SECONDS, new java.util.concurrent.SynchronousQueue<>(),
            new io.netty.util.concurrent.DefaultThreadFactory("weft-rest-reload", true));
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
        // In a cluster, writes go to the shared config (ZooKeeper), which writes this instance's file back.
        this.editor = controller.sharedConfig().map(ConfigEditor::new).or(() -> file.map(f -> new ConfigEditor(f,
                cfg -> inForce(controller.applyNetwork(cfg.network(), cfg))))).orElse(null);
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

    /**
     * A read made from the config and the port locations alone (immutable snapshots): the server
     * encodes it once per version of them and sends all who ask the same bytes.
     */
    CompletableFuture<Reply> snapshot(java.util.function.BiFunction<NetworkConfig,
            java.util.Map<String, dev.weft.api.tenant.PortLocation>, JsonNode> view) {
        NetworkConfig c = config();
        java.util.Map<String, dev.weft.api.tenant.PortLocation> where = controller.tenants().locations();
        return CompletableFuture.completedFuture(Reply.snapshot(List.of(c, where), () -> view.apply(c, where)));
    }

    static CompletableFuture<Reply> now(JsonNode body) {
        return CompletableFuture.completedFuture(Reply.ok(body));
    }

    private void define() {
        TenantRoutes tenants = new TenantRoutes(this, controller, services);
        new SwitchRoutes(this, controller, services).define();
        tenants.defineReads();
        get("/openapi.json", "this API's OpenAPI description", r -> now(openApi()));
        post("/reload", "re-read the config file and put it in force", r -> reading(this::reload));
        tenants.defineWrites();
        RouterRoutes.define(this);
        SecurityGroupRoutes.define(this);
        FabricRoutes.define(this, services, controller.settings().clock());
    }

    // ---- reads -----------------------------------------------------------------------------------

    NetworkConfig config() {
        return controller.tenants().config();
    }

    Tenant tenant(String name) {
        return tenantIn(config(), name);
    }

    static Tenant tenantIn(NetworkConfig c, String name) {
        return c.tenants().stream().filter(t -> t.name().equals(name)).findFirst()
                .orElseThrow(() -> ApiException.notFound("no tenant '" + name + "'"));
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

    /**
     * Run a reload beside the writer thread: its reading of the file may hang (a FIFO nobody
     * writes, a stuck mount) and must hold no write and no later reload (the controller puts
     * readings in force in the order they started, never an older one over a newer change).
     */
    CompletableFuture<Reply> reading(Supplier<Reply> reload) {
        try {
            return CompletableFuture.supplyAsync(reload, reloads);
        } catch (RejectedExecutionException e) {
            throw new ApiException(HttpResponseStatus.SERVICE_UNAVAILABLE, "busy", MAX_RELOADS + " reloads are still "
                    + "reading the config file (is it a FIFO, or on a mount that hangs?); try again later", null);
        }
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
            if (r.message().startsWith(dev.weft.core.config.SharedConfig.UNAVAILABLE)) {
                throw new ApiException(HttpResponseStatus.SERVICE_UNAVAILABLE, "shared-config-unavailable",
                        r.message(), null);
            }
            if (r.message().startsWith(dev.weft.core.config.SharedConfig.STALE)) {
                throw ApiException.conflict(r.message(), null);
            }
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
        if (editor.shared()) {
            c.put("shared", editor.where());
            c.put("version", o.version());
        } else {
            c.put("file", editor.where());
        }
        c.put("comments-kept", o.commentsKept());
        return c;
    }

    static String text(InetSocketAddress a) {
        return RestSettings.text(a);
    }
}
