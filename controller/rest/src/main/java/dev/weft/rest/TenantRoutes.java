package dev.weft.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.weft.api.tenant.LogicalNetwork;
import dev.weft.api.tenant.LogicalPort;
import dev.weft.api.tenant.Migration;
import dev.weft.api.tenant.NetworkConfig;
import dev.weft.api.tenant.PortLocation;
import dev.weft.api.tenant.Tenant;
import dev.weft.apps.mobility.api.MobilityService;
import dev.weft.apps.mobility.api.PortCounters;
import dev.weft.core.Controller;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The routes of tenants, logical networks and logical ports: read them with their current
 * locations, their traffic counters and recent migrations (from the mobility app), and add or
 * remove them (written to the config file through {@link ConfigEditor}, then applied).
 */
final class TenantRoutes {
    private final RestApi api;
    private final Controller controller;
    private final Services services;

    TenantRoutes(RestApi api, Controller controller, Services services) {
        this.api = api;
        this.controller = controller;
        this.services = services;
    }

    void defineReads() {
        // Answers made from the config and locations only: encoded once per version, shared.
        api.get("/tenants", "tenants, networks and logical ports with their current location",
                r -> api.snapshot(TenantRoutes::tenants));
        api.get("/tenants/{tenant}", "one tenant", r -> api.snapshot((c, where) -> Views.tenant(
                RestApi.tenantIn(c, r.param("tenant")), where, c)));
        api.get("/tenants/{tenant}/networks/{network}", "one logical network",
                r -> api.snapshot((c, where) -> Views.network(networkIn(c, r.param("tenant"), r.param("network")),
                        where, c, true)));
        api.get("/tenants/{tenant}/counters", "traffic counters of each logical port of a tenant, and their sum",
                this::tenantCounters);
        api.get("/logical-ports", "every logical port with its current location",
                r -> api.snapshot(TenantRoutes::logicalPorts));
        api.get("/logical-ports/{port}", "one logical port", r -> api.snapshot((c, where) -> Views.port(
                c.port(r.param("port")).orElseThrow(() -> ApiException.notFound("no logical port '" + r.param("port")
                        + "'")), where, c, true)));
        api.get("/logical-ports/{port}/counters", "a logical port's traffic counters (across its migrations)",
                this::portCounters);
        api.get("/logical-ports/{port}/policy-counters", "packets and bytes of each security-group rule and "
                + "rate-limit meter of a logical port, read from its switch now", this::policyCounters);
        api.get("/migrations", "recent migrations, newest first", this::migrations);
    }

    private CompletableFuture<Reply> policyCounters(Request r) {
        LogicalPort p = port(r.param("port"));
        dev.weft.api.tenant.PolicyCounters c = services.get(dev.weft.api.tenant.PolicyCounters.class)
                .orElseThrow(() -> ApiException.notAvailable("this controller has no security groups' counters "
                        + "(enable the security-groups app)"));
        return c.port(p.name()).thenApply(x -> Reply.ok(SecurityGroupRoutes.counters(x)));
    }

    void defineWrites() {
        api.post("/tenants", "add a tenant (validated like the file, written to it, applied)", r -> {
            JsonNode body = api.body(r);
            return api.write(() -> api.added("tenant", ConfigEditor.Edit.add(List.of(), "tenants", "tenant", body),
                    o -> Views.tenant(RestApi.tenantIn(o, RestApi.name(body)), controller.tenants().locations(), o),
                    () -> RestApi.BASE + "/tenants/" + RestApi.name(body)));
        });
        api.delete("/tenants/{tenant}", "remove a tenant and its networks", r -> api.write(() -> api.removed(
                ConfigEditor.Edit.remove(List.of(), "tenants", "tenant", r.param("tenant")), r.param("tenant"))));
        api.post("/tenants/{tenant}/networks", "add a logical network to a tenant", r -> {
            JsonNode body = api.body(r);
            String t = r.param("tenant");
            return api.write(() -> api.added("network", ConfigEditor.Edit.add(List.of(RestApi.tenantStep(t)),
                            "networks", "network", body), o -> Views.network(networkIn(o, t, RestApi.name(body)),
                            controller.tenants().locations(), o, true),
                    () -> RestApi.BASE + "/tenants/" + t + "/networks/" + RestApi.name(body)));
        });
        api.delete("/tenants/{tenant}/networks/{network}", "remove a logical network", r -> {
            String t = r.param("tenant");
            String n = r.param("network");
            return api.write(() -> api.removed(ConfigEditor.Edit.remove(List.of(RestApi.tenantStep(t)), "networks",
                    "network", n), t + "/" + n));
        });
        api.post("/tenants/{tenant}/networks/{network}/ports", "add a logical port to a network", r -> {
            JsonNode body = api.body(r);
            String t = r.param("tenant");
            String n = r.param("network");
            return api.write(() -> api.added("port", ConfigEditor.Edit.add(List.of(RestApi.tenantStep(t),
                            networkStep(n)), "ports", "port", body), o -> Views.port(o.port(RestApi.name(body))
                            .orElseThrow(), controller.tenants().locations(), o, true),
                    () -> RestApi.BASE + "/logical-ports/" + RestApi.name(body)));
        });
        api.delete("/tenants/{tenant}/networks/{network}/ports/{port}", "remove a logical port", r -> {
            String t = r.param("tenant");
            String n = r.param("network");
            String p = r.param("port");
            return api.write(() -> api.removed(ConfigEditor.Edit.remove(List.of(RestApi.tenantStep(t),
                    networkStep(n)), "ports", "port", p), p));
        });
    }

    private static ConfigEditor.Step networkStep(String n) {
        return new ConfigEditor.Step("networks", n, "network");
    }

    private static ArrayNode tenants(NetworkConfig c, Map<String, PortLocation> where) {
        ArrayNode a = Views.F.arrayNode();
        c.tenants().forEach(t -> a.add(Views.tenant(t, where, c)));
        return a;
    }

    private static ArrayNode logicalPorts(NetworkConfig c, Map<String, PortLocation> where) {
        ArrayNode a = Views.F.arrayNode();
        c.ports().forEach(p -> a.add(Views.port(p, where, c, true)));
        return a;
    }

    private static LogicalNetwork networkIn(NetworkConfig c, String tenant, String name) {
        return RestApi.tenantIn(c, tenant).networks().stream().filter(n -> n.name().equals(name)).findFirst()
                .orElseThrow(() -> ApiException.notFound("tenant '" + tenant + "' has no network '" + name + "'"));
    }

    private LogicalPort port(String name) {
        return api.config().port(name).orElseThrow(() -> ApiException.notFound("no logical port '" + name + "'"));
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
        NetworkConfig c = api.config();
        ArrayNode a = Views.F.arrayNode();
        h.stream().filter(x -> subject == null || x.subject().equals(subject)).limit(limit)
                .forEach(x -> a.add(Views.migration(x, c)));
        return RestApi.now(a);
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
        Tenant t = api.tenant(r.param("tenant"));
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
}
