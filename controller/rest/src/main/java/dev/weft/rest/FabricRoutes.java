package dev.weft.rest;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.weft.api.fabric.FabricStatus;
import dev.weft.api.fabric.GatewayStatus;

import java.time.Clock;
import java.time.Duration;

import static dev.weft.rest.Views.F;

/**
 * The fabric as the {@code fabric} and {@code vlan-gateway} apps see it: per switch the compile
 * target and why, per segment its tag on each cable of its tree, per L2 gateway the MACs learned
 * behind it and how long ago. 501 when the app is not enabled.
 */
final class FabricRoutes {
    private FabricRoutes() {
    }

    static void define(RestApi api, Services services, Clock clock) {
        api.get("/fabric/switches", "fabric switches: the compile target each got and why (version, tables)",
                r -> RestApi.now(switches(fabric(services).snapshot())));
        api.get("/fabric/segments", "segments on the fabric: members, and the tag on each cable of the tree",
                r -> RestApi.now(segments(fabric(services).snapshot())));
        api.get("/fabric/segments/{segment}", "one segment on the fabric", r -> {
            int seg;
            try {
                seg = Integer.parseInt(r.param("segment"));
            } catch (NumberFormatException e) {
                throw ApiException.invalid("segment must be a segment id (a whole number)", "segment");
            }
            return RestApi.now(fabric(services).snapshot().segments().stream().filter(s -> s.segment() == seg)
                    .findFirst().map(FabricRoutes::segment).orElseThrow(() -> ApiException.notFound(
                            "segment " + seg + " has nothing on the fabric (no member located there, no VLAN port)")));
        });
        api.get("/fabric/gateways", "L2 gateways (a network bridged to a VLAN) with the MACs learned behind each",
                r -> RestApi.now(gateways(services.get(GatewayStatus.class).orElseThrow(() -> ApiException.notAvailable(
                        "the vlan-gateway app is not enabled (controller: apps: [..., vlan-gateway])")), clock)));
    }

    private static FabricStatus fabric(Services services) {
        return services.get(FabricStatus.class).orElseThrow(() -> ApiException.notAvailable(
                "the fabric app is not enabled (controller: apps: [..., fabric])"));
    }

    static ObjectNode switches(FabricStatus.Snapshot s) {
        ObjectNode o = pass(s);
        ArrayNode a = o.putArray("switches");
        for (FabricStatus.SwitchTarget t : s.switches()) {
            ObjectNode x = a.addObject();
            x.put("dpid", t.dpid().toString());
            x.put("openflow-version", t.version());
            x.put("tables-reported", t.tablesReported());
            x.put("tables-usable", t.tablesUsable());
            x.put("forced-single-table", t.forcedSingle());
            x.put("target", t.target());
            x.put("reason", t.reason());
        }
        return o;
    }

    static ObjectNode segments(FabricStatus.Snapshot s) {
        ObjectNode o = pass(s);
        ArrayNode a = o.putArray("segments");
        s.segments().forEach(x -> a.add(segment(x)));
        return o;
    }

    private static ObjectNode pass(FabricStatus.Snapshot s) {
        ObjectNode o = F.objectNode();
        o.put("pass", s.pass());
        o.put("computed-at", s.at().toString());
        o.put("took-ms", s.took().toNanos() / 1e6);
        o.put("segments-recomputed", s.recomputed());
        o.put("incremental", s.incremental());
        return o;
    }

    static ObjectNode segment(FabricStatus.Segment s) {
        ObjectNode o = F.objectNode();
        o.put("segment", s.segment());
        o.put("network", s.network());
        ArrayNode members = o.putArray("members");
        s.members().forEach(m -> {
            ObjectNode x = members.addObject();
            x.put("port", m.port());
            x.set("at", Views.switchPort(m.at()));
        });
        ArrayNode links = o.putArray("links");
        s.links().forEach(l -> {
            ObjectNode x = links.addObject();
            x.set("a", Views.switchPort(l.a()));
            x.set("b", Views.switchPort(l.b()));
            if (l.tag().isPresent()) {
                x.put("vlan", l.tag().getAsInt());
            } else {
                x.putNull("vlan");
            }
        });
        s.vlanPort().ifPresentOrElse(v -> {
            ObjectNode x = o.putObject("vlan-port");
            x.set("at", Views.switchPort(v.at()));
            x.put("vlan", v.vlan());
        }, () -> o.putNull("vlan-port"));
        return o;
    }

    static ArrayNode gateways(GatewayStatus g, Clock clock) {
        ArrayNode a = F.arrayNode();
        java.time.Instant now = clock.instant();
        for (GatewayStatus.Gateway x : g.gateways()) {
            ObjectNode o = a.addObject();
            o.put("name", x.name());
            o.put("network", x.network());
            o.put("segment", x.segment());
            o.put("node", x.node());
            o.put("dpid", x.dpid().toString());
            o.put("port", x.port());
            o.put("vlan", x.vlan());
            o.put("max-macs", x.maxMacs());
            o.put("mac-age-seconds", x.macAge().toMillis() / 1000.0);
            o.put("full", x.full());
            o.put("refused", x.refused());
            ArrayNode macs = o.putArray("learned");
            x.learned().forEach(m -> {
                ObjectNode y = macs.addObject();
                y.put("mac", m.mac().toString());
                y.put("learned-at", m.learnedAt().toString());
                y.put("age-seconds", Math.max(0, Duration.between(m.learnedAt(), now).toMillis()) / 1000.0);
                y.put("last-seen", m.lastSeen().toString());
                y.put("idle-seconds", Math.max(0, Duration.between(m.lastSeen(), now).toMillis()) / 1000.0);
            });
        }
        return a;
    }
}
