package dev.weft.rest;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * One operation of the API: a method and a path template such as
 * {@code /api/v1/tenants/{tenant}} (a {@code {name}} matches one path segment).
 */
public record Route(String method, String path, String summary, Handler handler) {

    /** Serves a request; may answer later (a reply from a switch), never blocks the HTTP thread. */
    @FunctionalInterface
    public interface Handler {
        CompletableFuture<Reply> handle(Request request);
    }

    public List<String> segments() {
        return List.of(path.substring(1).split("/"));
    }

    /** The path parameters when {@code pathSegments} (already percent-decoded) fit this route's template. */
    public Optional<Map<String, String>> match(List<String> pathSegments) {
        List<String> t = segments();
        if (t.size() != pathSegments.size()) {
            return Optional.empty();
        }
        Map<String, String> params = new java.util.LinkedHashMap<>();
        for (int i = 0; i < t.size(); i++) {
            String ts = t.get(i);
            String ps = pathSegments.get(i);
            if (ts.startsWith("{") && ts.endsWith("}")) {
                if (ps.isEmpty()) {
                    return Optional.empty();
                }
                params.put(ts.substring(1, ts.length() - 1), ps);
            } else if (!ts.equals(ps)) {
                return Optional.empty();
            }
        }
        return Optional.of(params);
    }
}
