package dev.weft.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * An answer: a status, a JSON body and extra headers; or, when {@code output} is set, something
 * that is not JSON (a page, a metrics text, a CSV file, an event stream) in place of the body.
 */
public record Reply(HttpResponseStatus status, JsonNode body, Map<String, String> headers, Output output) {
    public Reply {
        headers = Map.copyOf(headers);
    }

    public Reply(HttpResponseStatus status, JsonNode body, Map<String, String> headers) {
        this(status, body, headers, null);
    }

    /** What an answer carries instead of JSON. */
    public sealed interface Output permits Bytes, Events, Snapshot {
    }

    /** A whole body of this content type. */
    public record Bytes(String contentType, byte[] bytes) implements Output {
    }

    /**
     * An answer that does not end: the head ({@code text/event-stream}) is written, then the
     * stream is handed the connection to write server-sent events on, for as long as it likes.
     */
    public record Events(EventStream stream) implements Output {
    }

    /**
     * A JSON body that depends on nothing but {@code version}: immutable snapshots, compared by
     * identity. The server encodes it once per path and version and sends every client that asks
     * the same bytes (see {@link AnswerCache}). {@code body} may throw an {@link ApiException}.
     */
    public record Snapshot(List<Object> version, Supplier<JsonNode> body) implements Output {
        public Snapshot {
            version = List.copyOf(version);
        }
    }

    public static Reply ok(JsonNode body) {
        return new Reply(HttpResponseStatus.OK, body, Map.of());
    }

    /** 200 with a body that is not JSON. */
    public static Reply bytes(String contentType, byte[] bytes, Map<String, String> headers) {
        return new Reply(HttpResponseStatus.OK, null, headers, new Bytes(contentType, bytes));
    }

    /** 200 with a text body (UTF-8) of this type. */
    public static Reply text(String contentType, String text) {
        return bytes(contentType + "; charset=utf-8", text.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    /** 200 with the JSON {@code body} makes from {@code version} (see {@link Snapshot}). */
    public static Reply snapshot(List<Object> version, Supplier<JsonNode> body) {
        return new Reply(HttpResponseStatus.OK, null, Map.of(), new Snapshot(version, body));
    }

    /** 200, then server-sent events from {@code stream}. */
    public static Reply events(EventStream stream) {
        return new Reply(HttpResponseStatus.OK, null, Map.of(), new Events(stream));
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
