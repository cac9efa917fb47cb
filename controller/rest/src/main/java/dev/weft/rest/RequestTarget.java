package dev.weft.rest;

import io.netty.handler.codec.http.QueryStringDecoder;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A request's target (path and query) read strictly: each path segment is percent-decoded once
 * (so {@code %252F} is the text {@code %2F}, never a slash), and a malformed escape ({@code %zz},
 * a lone {@code %}) anywhere is a 400 that says where, never a dropped connection or a 500.
 */
record RequestTarget(String path, List<String> segments, Map<String, List<String>> query) {
    /** Query parameters one request may carry; more is a 400 (each is a map entry). */
    static final int MAX_PARAMS = 64;

    static RequestTarget parse(String uri) {
        int q = uri.indexOf('?');
        int hash = uri.indexOf('#');
        int end = hash < 0 ? uri.length() : hash;
        String rawPath = uri.substring(0, q < 0 ? end : Math.min(q, end));
        String rawQuery = q < 0 || q > end ? "" : uri.substring(q + 1, end);
        String p = rawPath.startsWith("/") ? rawPath.substring(1) : rawPath;
        if (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        List<String> segments = new ArrayList<>();
        for (String s : p.split("/", -1)) {
            segments.add(decode(s, "path"));
        }
        Map<String, List<String>> query = new LinkedHashMap<>();
        if (!rawQuery.isEmpty()) {
            int n = 0;
            for (String pair : rawQuery.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                if (++n > MAX_PARAMS) {
                    throw ApiException.badRequest("too many query parameters (at most " + MAX_PARAMS + ")");
                }
                int eq = pair.indexOf('=');
                String k = decode(eq < 0 ? pair : pair.substring(0, eq), "query");
                String v = eq < 0 ? "" : decode(pair.substring(eq + 1), "query");
                query.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
            }
        }
        String path = "/" + String.join("/", segments) + (rawPath.length() > 1 && rawPath.endsWith("/") ? "/" : "");
        return new RequestTarget(path, List.copyOf(segments), query);
    }

    private static String decode(String s, String where) {
        if (s.indexOf('%') < 0 && (!where.equals("query") || s.indexOf('+') < 0)) {
            return s;
        }
        try {
            return where.equals("query") ? QueryStringDecoder.decodeComponent(s)
                    : QueryStringDecoder.decodeComponent(s.replace("+", "%2B"));
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("malformed " + where + ": '" + shorten(s)
                    + "' has a percent sign not followed by two hex digits (write a literal % as %25)");
        }
    }

    private static String shorten(String s) {
        return s.length() <= 80 ? s : s.substring(0, 80) + "...";
    }

    /** The decoded path for deciding whether it is open (no token needed); the raw path when it cannot be decoded. */
    static String lenientPath(String uri) {
        try {
            return parse(uri).path();
        } catch (ApiException e) {
            int q = uri.indexOf('?');
            return q < 0 ? uri : uri.substring(0, q);
        }
    }
}
