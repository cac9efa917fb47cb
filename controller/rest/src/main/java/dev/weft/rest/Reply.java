package dev.weft.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.util.Map;

/** An answer: a status, a JSON body and extra headers. */
public record Reply(HttpResponseStatus status, JsonNode body, Map<String, String> headers) {
    public Reply {
        headers = Map.copyOf(headers);
    }

    public static Reply ok(JsonNode body) {
        return new Reply(HttpResponseStatus.OK, body, Map.of());
    }

    public static Reply created(JsonNode body, String location) {
        return new Reply(HttpResponseStatus.CREATED, body, Map.of("Location", location));
    }

    public static Reply error(ApiException e) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("error", e.code());
        o.put("message", e.getMessage());
        if (e.field() != null) {
            o.put("field", e.field());
        }
        Map<String, String> h = e.status().equals(HttpResponseStatus.UNAUTHORIZED)
                ? Map.of("WWW-Authenticate", "Bearer realm=\"weft\"") : Map.of();
        return new Reply(e.status(), o, h);
    }
}
