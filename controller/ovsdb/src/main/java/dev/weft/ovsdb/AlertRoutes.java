package dev.weft.ovsdb;

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

/** {@code GET /api/v1/alerts}: the alerts in force and those cleared lately, for people and for {@code weft alerts}. */
public final class AlertRoutes implements RouteSource {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final OvsdbExtension ovsdb;

    public AlertRoutes(OvsdbExtension ovsdb) {
        this.ovsdb = ovsdb;
    }

    @Override
    public List<Route> routes(Controller controller) {
        return List.of(new Route("GET", "/api/v1/alerts",
                "configuration alerts of the hypervisors (in force, and cleared lately)",
                q -> CompletableFuture.completedFuture(Reply.ok(body()))));
    }

    ObjectNode body() {
        ObjectNode o = JSON.createObjectNode();
        ArrayNode active = o.putArray("alerts");
        ovsdb.alerts().active().forEach(e -> active.add(entry(e)));
        ArrayNode cleared = o.putArray("cleared");
        ovsdb.alerts().cleared().forEach(e -> cleared.add(entry(e)));
        return o;
    }

    private static ObjectNode entry(AlertBook.Entry e) {
        ObjectNode n = JSON.createObjectNode();
        n.put("node", e.alert().node());
        n.put("kind", e.alert().kind());
        n.put("subject", e.alert().subject());
        n.put("message", e.alert().message());
        n.put("repaired-by-weft", e.alert().repairs());
        n.put("raised-at", e.raised().toString());
        if (e.cleared() != null) {
            n.put("cleared-at", e.cleared().toString());
            n.put("lasted-ms", e.lasted().toMillis());
        }
        return n;
    }

    @Override
    public Optional<JsonNode> openApi() {
        ObjectNode doc = JSON.createObjectNode();
        ObjectNode get = doc.putObject("paths").putObject("/api/v1/alerts").putObject("get");
        get.put("summary", "configuration alerts of the hypervisors (in force, and cleared lately)");
        get.put("operationId", "alerts");
        ObjectNode ok = get.putObject("responses").putObject("200");
        ok.put("description", "the alerts");
        ok.putObject("content").putObject("application/json").putObject("schema").put("$ref",
                "#/components/schemas/Alerts");
        ObjectNode schemas = doc.putObject("components").putObject("schemas");
        ObjectNode alerts = schemas.putObject("Alerts");
        alerts.put("type", "object");
        ObjectNode props = alerts.putObject("properties");
        props.putObject("alerts").put("type", "array").putObject("items").put("$ref", "#/components/schemas/Alert");
        props.putObject("cleared").put("type", "array").putObject("items").put("$ref", "#/components/schemas/Alert");
        ObjectNode alert = schemas.putObject("Alert");
        alert.put("type", "object");
        ObjectNode ap = alert.putObject("properties");
        for (String k : List.of("node", "kind", "subject", "message", "raised-at", "cleared-at")) {
            ap.putObject(k).put("type", "string");
        }
        ap.putObject("repaired-by-weft").put("type", "boolean");
        ap.putObject("lasted-ms").put("type", "integer");
        return Optional.of(doc);
    }
}
