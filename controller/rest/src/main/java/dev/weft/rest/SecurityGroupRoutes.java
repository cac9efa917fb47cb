package dev.weft.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.weft.api.tenant.LogicalPort;
import dev.weft.api.tenant.NetworkConfig;
import dev.weft.api.tenant.PortPolicy;
import dev.weft.api.tenant.RateLimit;
import dev.weft.api.tenant.SecurityGroup;
import dev.weft.api.tenant.SecurityRule;

import java.util.List;

import static dev.weft.rest.Views.F;

/**
 * A tenant's security groups: read (rules as the config resolved them, and the member ports),
 * add and remove, written to the config file like networks and ports (validated by the same
 * loader, so the same errors). A port's groups and rate limit are part of the port (its own
 * routes).
 */
final class SecurityGroupRoutes {
    private SecurityGroupRoutes() {
    }

    static void define(RestApi api) {
        api.get("/tenants/{tenant}/security-groups", "a tenant's security groups with their rules and members",
                r -> RestApi.now(groups(api.config(), r.param("tenant"))));
        api.get("/tenants/{tenant}/security-groups/{group}", "one security group",
                r -> RestApi.now(group(api.config(), group(api.config(), r.param("tenant"), r.param("group")))));
        api.post("/tenants/{tenant}/security-groups", "add a security group to a tenant", r -> {
            JsonNode body = r.jsonObject(RestApi.JSON);
            String t = r.param("tenant");
            String name = RestApi.name(body);
            return api.write(() -> api.added("security group", ConfigEditor.Edit.add(List.of(RestApi.tenantStep(t)),
                            "security-groups", "security group", body), o -> group(o, group(o, t, name)),
                    () -> RestApi.BASE + "/tenants/" + t + "/security-groups/" + name));
        });
        api.delete("/tenants/{tenant}/security-groups/{group}", "remove a security group (no port may list it)", r -> {
            String t = r.param("tenant");
            String name = r.param("group");
            return api.write(() -> api.removed(ConfigEditor.Edit.remove(List.of(RestApi.tenantStep(t)),
                    "security-groups", "security group", name), t + "/" + name));
        });
    }

    static SecurityGroup group(NetworkConfig c, String tenant, String name) {
        RestApi.tenantIn(c, tenant);
        return c.securityGroup(tenant, name).orElseThrow(
                () -> ApiException.notFound("tenant '" + tenant + "' has no security group '" + name + "'"));
    }

    static ArrayNode groups(NetworkConfig c, String tenant) {
        ArrayNode a = F.arrayNode();
        RestApi.tenantIn(c, tenant).securityGroups().forEach(g -> a.add(group(c, g)));
        return a;
    }

    static ObjectNode group(NetworkConfig c, SecurityGroup g) {
        ObjectNode o = F.objectNode();
        o.put("tenant", g.tenant());
        o.put("name", g.name());
        ArrayNode rules = o.putArray("rules");
        g.rules().forEach(r -> rules.add(rule(r)));
        ArrayNode members = o.putArray("members");
        c.members(g.tenant(), g.name()).forEach(p -> members.add(p.name()));
        ArrayNode referrers = o.putArray("named-as-remote-by");
        c.referrers(g.tenant(), g.name()).forEach(r -> referrers.add(r.name()));
        return o;
    }

    static ObjectNode rule(SecurityRule r) {
        ObjectNode o = F.objectNode();
        o.put("direction", r.direction().name().toLowerCase());
        o.put("protocol", r.protocol().name().toLowerCase());
        if (r.hasPorts()) {
            o.put("ports", r.portMin() == r.portMax() ? String.valueOf(r.portMin()) : r.portMin() + "-" + r.portMax());
        }
        if (r.icmpType() >= 0) {
            o.put("icmp-type", r.icmpType());
        }
        r.remoteCidr().ifPresent(x -> o.put("remote-cidr", x.toString()));
        r.remoteGroup().ifPresent(x -> o.put("remote-group", x));
        o.put("text", r.toString());
        return o;
    }

    /** A port's policy fields (only what it has), for the port's own view. */
    static void policy(LogicalPort p, ObjectNode o) {
        PortPolicy pol = p.policy();
        if (pol.filtered()) {
            ArrayNode g = o.putArray("security-groups");
            pol.securityGroups().forEach(g::add);
        }
        RateLimit r = pol.rateLimit();
        if (!r.isNone()) {
            ObjectNode l = o.putObject("rate-limit");
            if (r.kbps() > 0) {
                l.put("kbps", r.kbps());
                l.put("burst-kb", r.burstKb());
            }
            if (r.broadcastPps() > 0) {
                l.put("broadcast-pps", r.broadcastPps());
            }
        }
    }
}
