package dev.weft.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.weft.core.Controller;
import dev.weft.rest.Reply;
import dev.weft.rest.Route;
import dev.weft.rest.RouteSource;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * {@code GET /api/v1/cluster}: this instance, the cluster's members, and for each switch connected
 * here who claims it, who is master (with the generation id) and this instance's role. Answered
 * from what the cluster extension last saw; nothing waits on ZooKeeper.
 */
public final class ClusterRoutes implements RouteSource {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final ClusterExtension cluster;

    public ClusterRoutes(ClusterExtension cluster) {
        this.cluster = cluster;
    }

    @Override
    public List<Route> routes(Controller controller) {
        return List.of(new Route("GET", "/api/v1/cluster",
                "this instance, the cluster's members, and the master of each switch connected here",
                q -> CompletableFuture.completedFuture(Reply.ok(body()))),
                new Route("GET", "/api/v1/cluster/locations",
                        "every logical port's location, as the master of its switch publishes it",
                        q -> CompletableFuture.completedFuture(Reply.ok(locations()))),
                new Route("GET", "/api/v1/cluster/migrations",
                        "the migrations every instance handled, newest first",
                        q -> CompletableFuture.completedFuture(Reply.ok(migrations(q.intQuery("limit", 100, 1,
                                10_000))))));
    }

    ArrayNode locations() {
        ArrayNode a = JSON.createArrayNode();
        cluster.mobility().ifPresent(m -> m.locations().forEach((port, at) -> {
            ObjectNode o = a.addObject();
            o.put("port", port);
            o.setAll(at);
        }));
        return a;
    }

    ArrayNode migrations(int limit) {
        ArrayNode a = JSON.createArrayNode();
        cluster.mobility().ifPresent(m -> m.migrations().stream().limit(limit).forEach(a::add));
        return a;
    }

    ObjectNode body() {
        ObjectNode o = JSON.createObjectNode();
        o.put("instance", cluster.settings().instance());
        o.put("advertise", cluster.settings().advertise());
        o.put("zookeeper", cluster.zookeeperState());
        cluster.config().ifPresent(st -> {
            ObjectNode cfg = o.putObject("config");
            cfg.put("version", st.applied());
            if (st.rejected() >= 0) {
                cfg.put("rejected-version", st.rejected());
                cfg.put("rejection", st.rejection());
            }
        });
        ArrayNode members = o.putArray("members");
        cluster.members().forEach((id, addr) -> members.addObject().put("instance", id).put("advertise", addr));
        ArrayNode switches = o.putArray("switches");
        for (ClusterExtension.SwitchView v : cluster.switches()) {
            ObjectNode n = switches.addObject();
            n.put("dpid", v.dpid().toString());
            n.put("master", v.master());
            n.put("generation", v.generation());
            ArrayNode c = n.putArray("claimants");
            v.claimants().forEach(c::add);
            cluster.role(v.dpid()).ifPresent(r -> n.put("role", r.name().toLowerCase(java.util.Locale.ROOT)));
        }
        return o;
    }

    @Override
    public Optional<JsonNode> openApi() {
        ObjectNode doc = JSON.createObjectNode();
        ObjectNode get = doc.putObject("paths").putObject("/api/v1/cluster").putObject("get");
        get.put("summary", "this instance, the cluster's members, and the master of each switch connected here");
        get.put("operationId", "cluster");
        ObjectNode ok = get.putObject("responses").putObject("200");
        ok.put("description", "the cluster as this instance sees it");
        ok.putObject("content").putObject("application/json").putObject("schema").put("$ref",
                "#/components/schemas/Cluster");
        ObjectNode paths = (ObjectNode) doc.get("paths");
        ObjectNode loc = paths.putObject("/api/v1/cluster/locations").putObject("get");
        loc.put("summary", "every logical port's location, as the master of its switch publishes it");
        loc.put("operationId", "clusterLocations");
        loc.putObject("responses").putObject("200").put("description", "[{port, dpid, ofport, reported-by}]");
        ObjectNode mig = paths.putObject("/api/v1/cluster/migrations").putObject("get");
        mig.put("summary", "the migrations every instance handled, newest first");
        mig.put("operationId", "clusterMigrations");
        ObjectNode limit = mig.putArray("parameters").addObject();
        limit.put("name", "limit").put("in", "query").putObject("schema").put("type", "integer");
        mig.putObject("responses").putObject("200").put("description",
                "[{instance, sequence, subject, network, mac, from, to, cause, detected-at, convergence-ms, flow-mods}]");
        ObjectNode schemas = doc.putObject("components").putObject("schemas");
        ObjectNode cl = schemas.putObject("Cluster");
        cl.put("type", "object");
        ObjectNode props = cl.putObject("properties");
        for (String k : List.of("instance", "advertise", "zookeeper")) {
            props.putObject(k).put("type", "string");
        }
        ObjectNode cfgProps = props.putObject("config").put("type", "object").putObject("properties");
        cfgProps.putObject("version").put("type", "integer");
        cfgProps.putObject("rejected-version").put("type", "integer");
        cfgProps.putObject("rejection").put("type", "string");
        ObjectNode member = props.putObject("members").put("type", "array").putObject("items");
        member.put("type", "object");
        member.putObject("properties").putObject("instance").put("type", "string");
        ((ObjectNode) member.get("properties")).putObject("advertise").put("type", "string");
        ObjectNode sw = props.putObject("switches").put("type", "array").putObject("items");
        sw.put("type", "object");
        ObjectNode sp = sw.putObject("properties");
        for (String k : List.of("dpid", "master", "role")) {
            sp.putObject(k).put("type", "string");
        }
        sp.putObject("generation").put("type", "integer");
        sp.putObject("claimants").put("type", "array").putObject("items").put("type", "string");
        return Optional.of(doc);
    }
}
