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
            JsonNode body = api.body(r);
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

    /**
     * The switch's counters of the ACL stages' entries (one per rule, address and port block)
     * and of its meters (packets in, bytes in, packets dropped by the band), read now.
     */
    static java.util.concurrent.CompletableFuture<Reply> counters(dev.weft.api.Switch sw) {
        var f = sw.factory();
        var acl = java.util.stream.Stream.of(1, 4).map(t -> sw.requestStats(f.buildFlowStatsRequest()
                .setTableId(org.projectfloodlight.openflow.types.TableId.of(t)).setMatch(f.buildMatch().build())
                .setOutPort(org.projectfloodlight.openflow.types.OFPort.ANY)
                .setOutGroup(org.projectfloodlight.openflow.types.OFGroup.ANY).build())).toList();
        var meters = sw.requestStats(f.buildMeterStatsRequest().setMeterId(0xffffffffL).build());
        return java.util.concurrent.CompletableFuture.allOf(acl.get(0), acl.get(1), meters).thenApply(v -> {
            ObjectNode o = F.objectNode();
            o.put("dpid", sw.id().toString());
            ArrayNode entries = o.putArray("entries");
            for (var part : acl) {
                for (var reply : part.join()) {
                    for (var e : reply.getEntries()) {
                        ObjectNode x = entries.addObject();
                        x.put("table", e.getTableId().getValue());
                        x.put("priority", e.getPriority());
                        x.put("match", FlowText.match(dev.weft.api.flow.FlowSpec.fieldsOf(e.getMatch())));
                        x.put("packets", e.getPacketCount().getValue());
                        x.put("bytes", e.getByteCount().getValue());
                    }
                }
            }
            ArrayNode ms = o.putArray("meters");
            for (var reply : meters.join()) {
                for (var m : reply.getEntries()) {
                    ObjectNode x = ms.addObject();
                    x.put("meter", m.getMeterId());
                    x.put("packets-in", m.getPacketInCount().getValue());
                    x.put("bytes-in", m.getByteInCount().getValue());
                    x.put("dropped", m.getBandStats().isEmpty() ? 0 : m.getBandStats().get(0).getPacketBandCount().getValue());
                }
            }
            return Reply.ok(o);
        });
    }

    /** A port's counters per rule, stage and meter. */
    static ObjectNode counters(dev.weft.api.tenant.PolicyCounters.Port c) {
        ObjectNode o = F.objectNode();
        o.put("port", c.port());
        o.put("tenant", c.tenant());
        if (c.dpid().isEmpty()) {
            o.putNull("dpid");
        } else {
            o.put("dpid", c.dpid());
        }
        o.put("zone", c.zone());
        ArrayNode rules = o.putArray("rules");
        for (var r : c.rules()) {
            rules.addObject().put("group", r.group()).put("direction", r.direction()).put("rule", r.rule())
                    .put("entries", r.entries()).put("packets", r.packets()).put("bytes", r.bytes());
        }
        ArrayNode stages = o.putArray("stages");
        for (var s : c.stages()) {
            stages.addObject().put("direction", s.direction()).put("what", s.what()).put("packets", s.packets())
                    .put("bytes", s.bytes());
        }
        ArrayNode meters = o.putArray("meters");
        for (var m : c.meters()) {
            meters.addObject().put("kind", m.kind()).put("meter", m.meterId()).put("packets-in", m.packetsIn())
                    .put("bytes-in", m.bytesIn()).put("dropped", m.dropped());
        }
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
