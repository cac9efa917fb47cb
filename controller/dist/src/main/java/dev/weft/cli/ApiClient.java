package dev.weft.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A client of Weft's REST API for the {@code weft} subcommands. The API's address comes from
 * {@code --api URL}, else {@code WEFT_API}, else http://127.0.0.1:8080; the bearer token from
 * {@code --token-file FILE}, else {@code WEFT_API_TOKEN} (there is no default token).
 */
final class ApiClient {
    static final String DEFAULT_API = "http://127.0.0.1:8080";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The API answered with an error, or could not be reached: one line for the user. */
    static final class Failure extends Exception {
        /** The HTTP status of an error answer; 0 when there was none. */
        final int status;

        Failure(String message) {
            this(message, 0);
        }

        Failure(String message, int status) {
            super(message, null, false, false);
            this.status = status;
        }
    }

    private final URI base;
    private final String token;
    /**
     * One HTTP client for every command run in this process, so that commands run one after the
     * other reuse its kept-alive connection. A client per command left each one's connection open
     * (the JDK keeps them 20 minutes); a program or test that ran {@code weft} commands in-process
     * reached the API's 32 connections per client and was refused.
     */
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    ApiClient(String base, String token) {
        String b = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        this.base = URI.create(b);
        if (this.base.getScheme() == null || this.base.getHost() == null) {
            throw new IllegalArgumentException("--api needs a URL such as " + DEFAULT_API + " (was '" + base + "')");
        }
        this.token = token;
    }

    /** From the options (null when not given) and the environment. */
    static ApiClient of(String api, String tokenFile, java.util.Map<String, String> env) {
        String url = api != null ? api : env.getOrDefault("WEFT_API", DEFAULT_API);
        String token = null;
        if (tokenFile != null) {
            try {
                token = Files.readString(Path.of(tokenFile)).trim();
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read the token file " + tokenFile + ": " + e.getMessage());
            }
        } else if (env.get("WEFT_API_TOKEN") != null && !env.get("WEFT_API_TOKEN").isBlank()) {
            token = env.get("WEFT_API_TOKEN").trim();
        }
        return new ApiClient(url, token);
    }

    String base() {
        return base.toString();
    }

    JsonNode get(String path) throws Failure {
        return send(HttpRequest.newBuilder(base.resolve(base.getPath() + path)).GET());
    }

    JsonNode post(String path) throws Failure {
        return send(HttpRequest.newBuilder(base.resolve(base.getPath() + path)).POST(HttpRequest.BodyPublishers.noBody()));
    }

    /** A body that is not JSON (CSV), as text; an error answer is a {@link Failure} as for JSON. */
    String getText(String path) throws Failure {
        HttpResponse<String> r = exchange(HttpRequest.newBuilder(base.resolve(base.getPath() + path)).GET());
        if (r.statusCode() >= 300) {
            check(r, parse(r));
        }
        return r.body();
    }

    private JsonNode send(HttpRequest.Builder b) throws Failure {
        HttpResponse<String> r = exchange(b);
        JsonNode body = parse(r);
        check(r, body);
        return body;
    }

    private HttpResponse<String> exchange(HttpRequest.Builder b) throws Failure {
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> r;
        try {
            r = HTTP.send(b.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException | HttpConnectTimeoutException e) {
            String why = e instanceof HttpConnectTimeoutException ? "no answer in 5 s"
                    : e.getMessage() == null ? "connection refused" : e.getMessage();
            throw new Failure("cannot reach the Weft API at " + base + " (" + why + "); is the controller running? "
                    + "(--api URL)");
        } catch (IOException e) {
            throw new Failure("the Weft API at " + base + " failed: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Failure("interrupted");
        }
        return r;
    }

    private JsonNode parse(HttpResponse<String> r) throws Failure {
        try {
            return r.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(r.body());
        } catch (IOException e) {
            throw new Failure(base + " answered " + r.statusCode() + " with something that is not JSON: is it Weft?");
        }
    }

    private static void check(HttpResponse<String> r, JsonNode body) throws Failure {
        if (r.statusCode() >= 300) {
            String msg = body.path("message").asText("");
            throw new Failure(msg.isEmpty() ? "HTTP " + r.statusCode() : msg
                    + (r.statusCode() == 401 ? " (--token-file FILE or WEFT_API_TOKEN)" : ""), r.statusCode());
        }
    }
}
