package dev.weft.rest;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.weft.api.Switch;
import dev.weft.api.host.Host;
import dev.weft.api.host.HostService;
import dev.weft.api.tenant.NetworkConfig;
import dev.weft.api.tenant.TransportNode;
import dev.weft.api.topology.TopologyService;
import dev.weft.core.Controller;
import dev.weft.core.Version;
import dev.weft.core.app.AppCookies;
import dev.weft.core.dispatch.AppHandle;
import dev.weft.core.flow.Reconciler;
import dev.weft.core.openflow.SwitchTotals;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.projectfloodlight.openflow.types.DatapathId;

/**
 * The routes about the controller and the physical network: the controller itself, connected
 * switches (with their flow entries desired vs installed, and policy counters), discovered links,
 * tracked hosts and transport nodes. All reads, from snapshots or the reconciler's view.
 */
final class SwitchRoutes {
    private final RestApi api;
    private final Controller controller;
    private final Services services;

    SwitchRoutes(RestApi api, Controller controller, Services services) {
        this.api = api;
        this.controller = controller;
        this.services = services;
    }

    void define() {
        api.get("/controller", "version, uptime, apps in chain order, listeners", r -> RestApi.now(controllerView()));
        api.get("/switches", "connected switches", r -> RestApi.now(switches()));
        api.get("/switches/{dpid}", "one connected switch", r -> RestApi.now(oneSwitch(dpid(r.param("dpid")))));
        api.get("/switches/{dpid}/flows", "flow entries desired vs installed, with the owning app", this::flows);
        api.get("/switches/{dpid}/policy-counters", "packets and bytes of each security-group entry (ACL tables 1 "
                + "and 4) and of each meter, as the switch counts them now",
                r -> SecurityGroupRoutes.counters(controller.switches().get(switchId(r.param("dpid"))).orElseThrow(
                        () -> ApiException.notFound("switch " + r.param("dpid") + " is not connected"))));
        api.get("/links", "discovered links (one per direction)", r -> RestApi.now(links()));
        api.get("/hosts", "hosts seen by host tracking", r -> RestApi.now(hosts()));
        api.get("/transport-nodes", "hypervisors: connected, tunnel ports", r -> RestApi.now(transportNodes()));
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
        NetworkConfig c = api.config();
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
        return api.config().node(text).map(TransportNode::dpid).orElseGet(() -> dpid(text));
    }

    private ArrayNode switches() {
        Map<DatapathId, Reconciler.Stats> stats = controller.reconciler().stats();
        Map<DatapathId, SwitchTotals> totals = totals();
        NetworkConfig c = api.config();
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
        return Views.switchView(sw, api.config(), Optional.ofNullable(controller.reconciler().stats().get(id)),
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
        NetworkConfig c = api.config();
        ArrayNode a = Views.F.arrayNode();
        for (TransportNode n : c.transportNodes()) {
            a.add(Views.transportNode(n, controller.switches().get(n.dpid()).isPresent(),
                    controller.tenants().tunnelPorts(n.dpid())));
        }
        return a;
    }
}
