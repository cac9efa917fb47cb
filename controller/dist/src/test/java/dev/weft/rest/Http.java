package dev.weft.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A small client of the REST API over real HTTP (the JDK's client). */
public final class Http {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    final String base;
    private final String token;

    Http(InetSocketAddress address, String token) {
        this.base = "http://" + address.getAddress().getHostAddress() + ":" + address.getPort();
        this.token = token;
    }

    Http(InetSocketAddress address) {
        this(address, null);
    }

    /** A controller with the REST API on 127.0.0.1 (a free port, no token). */
    static dev.weft.core.Controller startWithApi(dev.weft.core.ControllerSettings settings) {
        return dev.weft.core.Controller.builder(settings).extension(new RestEndpoint(new RestSettings(
                new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), java.util.Optional.empty(),
                false))).start();
    }

    /** Where a controller's REST API listens. */
    public static InetSocketAddress apiOf(dev.weft.core.Controller c) {
        return c.extension(RestEndpoint.class).orElseThrow().address();
    }

    Http withToken(String t) {
        return new Http(new InetSocketAddress(URI.create(base).getHost(), URI.create(base).getPort()), t);
    }

    record Resp(int status, JsonNode body, HttpResponse<String> raw) {
        String error() {
            return body.path("error").asText();
        }

        String message() {
            return body.path("message").asText();
        }

        String field() {
            return body.path("field").asText(null);
        }

        @Override
        public String toString() {
            return status + " " + raw.body();
        }
    }

    Resp get(String path) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
    }

    Resp post(String path, String json) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    Resp delete(String path) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(base + path)).DELETE());
    }

    Resp send(String method, String path, String body) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(base + path)).method(method, body == null
                ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)));
    }

    private Resp send(HttpRequest.Builder b) throws Exception {
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> r = CLIENT.send(b.timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode body = r.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(r.body());
        return new Resp(r.statusCode(), body, r);
    }
}
