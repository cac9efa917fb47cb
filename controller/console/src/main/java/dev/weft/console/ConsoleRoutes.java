package dev.weft.console;

import dev.weft.core.Controller;
import dev.weft.rest.ApiException;
import dev.weft.rest.Reply;
import dev.weft.rest.Request;
import dev.weft.rest.Route;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The console's routes: the page ({@code /}, {@code /ui/...}), {@code /metrics}, {@code /health},
 * and under {@code /api/v1}: {@code events} (server-sent events), {@code traffic} and
 * {@code usage}.
 */
final class ConsoleRoutes {
    /** The page's files, in the jar: name, content type. */
    private static final Map<String, String> ASSETS = Map.of(
            "index.html", "text/html; charset=utf-8",
            "app.js", "text/javascript; charset=utf-8",
            "app.css", "text/css; charset=utf-8",
            "weft.svg", "image/svg+xml");

    private final Controller controller;
    private final Metrics metrics;
    private final Health health;
    private final EventHub hub;
    private final TrafficPoller poller;
    private final UsageLedger ledger;
    private final boolean counting;
    private final Map<String, byte[]> assets = new HashMap<>();

    ConsoleRoutes(Controller controller, ConsoleSettings settings, Metrics metrics, Health health, EventHub hub,
                  TrafficPoller poller, UsageLedger ledger, boolean counting) {
        this.controller = controller;
        this.metrics = metrics;
        this.health = health;
        this.hub = hub;
        this.poller = poller;
        this.ledger = ledger;
        this.counting = counting;
        ASSETS.keySet().forEach(name -> assets.put(name, load(name)));
    }

    private static byte[] load(String name) {
        try (InputStream in = ConsoleRoutes.class.getResourceAsStream("ui/" + name)) {
            if (in == null) {
                throw new IllegalStateException("the console's " + name + " is missing from the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the console's " + name + ": " + e.getMessage(), e);
        }
    }

    List<Route> routes() {
        List<Route> r = new ArrayList<>();
        r.add(new Route("GET", "/", "the console (a web page)", q -> asset("index.html")));
        r.add(new Route("GET", "/ui/{file}", "the console's files", q -> asset(q.param("file"))));
        r.add(new Route("GET", "/metrics", "metrics in Prometheus's text format",
                q -> CompletableFuture.completedFuture(Reply.text("text/plain; version=0.0.4", metrics.scrape()))));
        r.add(new Route("GET", "/health", "ready when every hypervisor is in sync (200), else 503",
                q -> health.check()));
        r.add(new Route("GET", "/api/v1/events", "live updates for the console (server-sent events)",
                q -> {
                    if (hub.streams() >= EventHub.MAX_STREAMS) {
                        throw new ApiException(HttpResponseStatus.SERVICE_UNAVAILABLE, "busy",
                                "too many console pages are open (at most " + EventHub.MAX_STREAMS + ")", null);
                    }
                    return CompletableFuture.completedFuture(Reply.events(hub));
                }));
        r.add(new Route("GET", "/api/v1/traffic", "traffic per tenant and logical port (the last read)",
                q -> CompletableFuture.completedFuture(Reply.ok(traffic()))));
        r.add(new Route("GET", "/api/v1/usage", "usage per tenant (and port) over a time range, JSON or CSV",
                this::usage));
        return r;
    }

    private CompletableFuture<Reply> asset(String name) {
        byte[] b = assets.get(name);
        if (b == null) {
            throw ApiException.notFound("no such file: /ui/" + name);
        }
        return CompletableFuture.completedFuture(Reply.bytes(ASSETS.get(name), b,
                Map.of("X-Content-Type-Options", "nosniff", "Content-Security-Policy", "default-src 'self'; "
                        + "img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; "
                        + "frame-ancestors 'none'", "Referrer-Policy", "no-referrer")));
    }

    private com.fasterxml.jackson.databind.node.ObjectNode traffic() {
        if (!counting) {
            throw ApiException.notAvailable("this controller counts no traffic (enable the mobility app)");
        }
        return ConsoleViews.traffic(poller.last());
    }

    private CompletableFuture<Reply> usage(Request q) {
        if (!counting) {
            throw ApiException.notAvailable("this controller counts no usage (enable the mobility app)");
        }
        Instant now = controller.settings().clock().instant();
        Instant to = time(q, "to", now, now);
        Instant from = time(q, "from", now, now.atZone(ZoneOffset.UTC).toLocalDate().withDayOfMonth(1)
                .atStartOfDay(ZoneOffset.UTC).toInstant());
        if (!from.isBefore(to)) {
            throw ApiException.invalid("from (" + from + ") must be before to (" + to + ")", "from");
        }
        String tenant = one(q, "tenant");
        String format = one(q, "format") == null ? "json" : one(q, "format");
        String by = one(q, "by") == null ? "tenant" : one(q, "by");
        if (!by.equals("tenant") && !by.equals("port")) {
            throw ApiException.invalid("by must be tenant or port (was '" + by + "')", "by");
        }
        UsageLedger.Usage u = ledger.usage(from, to, tenant);
        return CompletableFuture.completedFuture(switch (format) {
            case "json" -> Reply.ok(ConsoleViews.usage(u));
            case "csv" -> Reply.bytes("text/csv; charset=utf-8", ConsoleViews.usageCsv(u, by.equals("port"))
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8), Map.of("Content-Disposition",
                    "attachment; filename=\"weft-usage.csv\""));
            default -> throw ApiException.invalid("format must be json or csv (was '" + format + "')", "format");
        });
    }

    private static String one(Request q, String name) {
        List<String> v = q.query().get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    /** An instant (2026-12-01T00:00:00Z), a date (2026-12-01: its start, UTC), or now. */
    static Instant time(Request q, String name, Instant now, Instant dflt) {
        String v = one(q, name);
        if (v == null) {
            return dflt;
        }
        if (v.equals("now")) {
            return now;
        }
        try {
            return v.length() == 10 ? LocalDate.parse(v).atStartOfDay(ZoneOffset.UTC).toInstant()
                    : Instant.parse(v).truncatedTo(ChronoUnit.SECONDS);
        } catch (DateTimeParseException e) {
            throw ApiException.invalid(name + " must be a time such as 2026-12-01T00:00:00Z, a date such as "
                    + "2026-12-01 (UTC) or now (was '" + v + "')", name);
        }
    }
}
