package dev.weft.rest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.weft.api.tenant.ExternalNetwork;
import dev.weft.api.tenant.LogicalRouter;
import dev.weft.api.tenant.NetworkConfig;
import dev.weft.api.tenant.Tenant;

import java.util.List;

/**
 * The routes of logical routers and external networks: read, add and remove, written to the
 * config file like tenants and networks (validated by the same loader, so the same errors).
 */
final class RouterRoutes {
    private RouterRoutes() {
    }

    static void define(RestApi api) {
        api.get("/tenants/{tenant}/routers", "a tenant's logical routers",
                r -> RestApi.now(RouterViews.routers(api.tenant(r.param("tenant")))));
        api.get("/tenants/{tenant}/routers/{router}", "one logical router",
                r -> RestApi.now(RouterViews.router(router(api.config(), r.param("tenant"), r.param("router")))));
        api.post("/tenants/{tenant}/routers", "add a logical router to a tenant", r -> {
            JsonNode body = api.body(r);
            String t = r.param("tenant");
            String name = RestApi.name(body);
            return api.write(() -> api.added("router", ConfigEditor.Edit.add(List.of(RestApi.tenantStep(t)), "routers",
                            "router", body), o -> RouterViews.router(router(o, t, name)),
                    () -> RestApi.BASE + "/tenants/" + t + "/routers/" + name));
        });
        api.delete("/tenants/{tenant}/routers/{router}", "remove a logical router", r -> {
            String t = r.param("tenant");
            String name = r.param("router");
            return api.write(() -> api.removed(ConfigEditor.Edit.remove(List.of(RestApi.tenantStep(t)), "routers",
                    "router", name), t + "/" + name));
        });
        api.get("/external-networks", "external networks: gateway node, uplink, subnet, outside router",
                r -> RestApi.now(RouterViews.externals(api.config())));
        api.post("/external-networks", "add an external network", r -> {
            JsonNode body = api.body(r);
            String name = RestApi.name(body);
            return api.write(() -> api.added("external-network", ConfigEditor.Edit.add(List.of(), "external-networks",
                            "external network", body), o -> RouterViews.external(external(o, name)),
                    () -> RestApi.BASE + "/external-networks"));
        });
        api.delete("/external-networks/{name}", "remove an external network (no router may lead to it)", r -> {
            String name = r.param("name");
            return api.write(() -> api.removed(ConfigEditor.Edit.remove(List.of(), "external-networks",
                    "external network", name), name));
        });
    }

    static LogicalRouter router(NetworkConfig c, String tenant, String name) {
        Tenant t = RestApi.tenantIn(c, tenant);
        return t.routers().stream().filter(r -> r.name().equals(name)).findFirst()
                .orElseThrow(() -> ApiException.notFound("tenant '" + tenant + "' has no router '" + name + "'"));
    }

    static ExternalNetwork external(NetworkConfig c, String name) {
        return c.externalNetwork(name).orElseThrow(() -> ApiException.notFound("no external network '" + name + "'"));
    }
}
