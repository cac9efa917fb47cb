package dev.weft.rest;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.weft.core.Controller;
import dev.weft.core.ControllerSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The HTTP server's limits over real sockets: slow clients are cut off at their deadline with a
 * 408, floods of connections are held to max-connections (per client and in all) while another
 * client is still answered, malformed targets and bodies get a JSON 4xx (never a dropped
 * connection, a 500 or an empty body), the token is checked before any body is read.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RestLimitsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN = "tok-7d1c0e55aa";

    private static Controller start(RestLimits limits) {
        return start(new RestSettings(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), Optional.empty(),
                false).withLimits(limits));
    }

    private static Controller start(RestSettings rest) {
        return Controller.builder(ControllerSettings.builder().listen(List.of(new InetSocketAddress("127.0.0.1", 0)))
                .apps(List.of()).dispatchThreads(1).build()).extension(new RestEndpoint(rest)).start();
    }

    private static InetSocketAddress api(Controller c) {
        return c.extension(RestEndpoint.class).orElseThrow().address();
    }

    private static RestLimits limits(int max, int perClient, Duration header, Duration request, Duration idle,
                                     int body, int entries) {
        return new RestLimits(max, perClient, header, request, idle, body, entries);
    }

    private static final RestLimits SHORT = limits(64, 16, Duration.ofSeconds(1), Duration.ofSeconds(2),
            Duration.ofSeconds(1), 4096, 20);

    private static JsonNode json(RawHttp.Answer a) throws Exception {
        assertTrue(a.headers().getOrDefault("content-type", "").startsWith("application/json"), a.toString());
        return JSON.readTree(a.body());
    }

    @Test
    void aClientTricklingItsHeadersIsCutOffWith408() throws Exception {
        try (Controller c = start(SHORT); RawHttp h = new RawHttp(api(c))) {
            h.send("GET /api/v1/controller HTTP/1.1\r\nHost: x\r\n");
            // One header line at a time, as long as the server takes them: it must end this.
            int lines = 0;
            while (h.socket.getInputStream().available() == 0 && h.trySend("X-Slow-" + lines++ + ": 1\r\n")) {
                Thread.sleep(100); // the pace of the trickle, not a wait for the server
            }
            RawHttp.Answer a = h.read();
            assertEquals(408, a.status(), a.toString());
            assertEquals("timeout", json(a).path("error").asText());
            assertTrue(json(a).path("message").asText().contains("header-timeout"), a.body());
            assertEquals("close", a.headers().get("connection"));
            assertTrue(h.closedByServer());
        }
    }

    @Test
    void aConnectionThatSaysNothingIsClosedAtTheHeaderDeadline() throws Exception {
        try (Controller c = start(SHORT); RawHttp h = new RawHttp(api(c))) {
            RawHttp.Answer a = h.read(); // blocks until the server acts
            assertEquals(408, a.status(), a.toString());
            assertTrue(h.closedByServer());
        }
    }

    @Test
    void aBodyTrickledPastTheRequestDeadlineIsCutOff() throws Exception {
        try (Controller c = start(SHORT); RawHttp h = new RawHttp(api(c))) {
            h.send("POST /api/v1/tenants HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 4000\r\n\r\n{");
            while (h.socket.getInputStream().available() == 0 && h.trySend(" ")) {
                Thread.sleep(100);
            }
            RawHttp.Answer a = h.read();
            assertEquals(408, a.status(), a.toString());
            assertTrue(json(a).path("message").asText().contains("request-timeout"), a.body());
            assertTrue(h.closedByServer());
        }
    }

    @Test
    void anIdleKeepAliveConnectionIsClosedAfterIdleTimeout() throws Exception {
        try (Controller c = start(SHORT); RawHttp h = new RawHttp(api(c))) {
            RawHttp.Answer a = h.send("GET /api/v1/controller HTTP/1.1\r\nHost: x\r\n\r\n").read();
            assertEquals(200, a.status());
            assertEquals("keep-alive", a.headers().get("connection"));
            assertEquals(200, h.send("GET /api/v1/tenants HTTP/1.1\r\nHost: x\r\n\r\n").read().status(),
                    "the connection serves another request");
            assertTrue(h.closedByServer(), "closed once idle");
        }
    }

    /**
     * 100 connections from one address that send nothing, then 10 addresses more: the server
     * holds max-connections-per-client from each and max-connections in all; the others are
     * refused at once with a JSON 429 / 503 and closed; the process's file descriptors grow by
     * no more than the limit; a client on another address is answered throughout.
     */
    @Test
    void aFloodOfConnectionsIsHeldToTheLimitsAndAnotherClientIsStillAnswered() throws Exception {
        int max = 40;
        int perClient = 10;
        RestLimits l = limits(max, perClient, Duration.ofMinutes(1), Duration.ofMinutes(2), Duration.ofMinutes(1),
                4096, 20);
        ExecutorService readers = Executors.newFixedThreadPool(64);
        List<RawHttp> attack = new ArrayList<>();
        try (Controller c = start(l)) {
            RestServer server = c.extension(RestEndpoint.class).orElseThrow().server();
            long fdsBefore = openFds();
            InetAddress attacker = InetAddress.getByName("127.0.0.2");
            List<Future<RawHttp.Answer>> answers = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                RawHttp h = new RawHttp(api(c), attacker);
                attack.add(h);
                answers.add(readers.submit(h::read));
            }
            // The refused are answered at once; the admitted wait (header-timeout is a minute).
            awaitTrue(() -> answers.stream().filter(Future::isDone).count() == 90);
            int refused = 0;
            for (int i = 0; i < answers.size(); i++) {
                if (answers.get(i).isDone()) {
                    RawHttp.Answer a = answers.get(i).get();
                    assertEquals(429, a.status(), a.toString());
                    assertEquals("too-many-connections", json(a).path("error").asText());
                    assertTrue(attack.get(i).closedByServer(), "a refused connection is closed");
                    refused++;
                }
            }
            assertEquals(90, refused);
            // A refused connection counts until the server's close of it completes, which can come a
            // moment after the client read its answer and the end of the stream (41 of 40 seen once).
            awaitTrue(() -> server.openConnections() == perClient);
            assertEquals(perClient, server.openConnections(), "one address holds max-connections-per-client");
            long serverFds = openFds() - fdsBefore - attack.size();
            assertTrue(serverFds <= perClient + 8, "the server holds " + serverFds + " more descriptors");

            // Another client is answered while the flood holds its connections.
            try (RawHttp me = new RawHttp(api(c))) {
                assertEquals(200, me.send("GET /api/v1/controller HTTP/1.1\r\nHost: x\r\n\r\n").read().status());
            }
            awaitTrue(() -> server.openConnections() == perClient); // its close seen before the next flood counts

            // Ten addresses more: the total is held to max-connections; a newcomer is told the server is busy.
            List<Future<RawHttp.Answer>> more = new ArrayList<>();
            for (int a = 3; a < 13; a++) {
                InetAddress from = InetAddress.getByName("127.0.0." + a);
                for (int i = 0; i < perClient; i++) {
                    RawHttp h = new RawHttp(api(c), from);
                    attack.add(h);
                    more.add(readers.submit(h::read));
                }
            }
            int admitted = max - perClient;
            awaitTrue(() -> more.stream().filter(Future::isDone).count() == more.size() - admitted);
            for (int i = 0; i < more.size(); i++) {
                if (more.get(i).isDone()) {
                    assertEquals(503, more.get(i).get().status());
                    assertTrue(attack.get(answers.size() + i).closedByServer());
                }
            }
            awaitTrue(() -> server.openConnections() == max); // the refused ones' closes done, as above
            assertEquals(max, server.openConnections());
            try (RawHttp me = new RawHttp(api(c))) {
                RawHttp.Answer busy = me.read();
                assertEquals(503, busy.status(), busy.toString());
                assertEquals("busy", json(busy).path("error").asText());
            }
            serverFds = openFds() - fdsBefore - attack.size();
            assertTrue(serverFds <= max + 8, "the server holds " + serverFds + " more descriptors (max " + max + ")");

            // The flood goes away: the server takes clients again.
            for (RawHttp h : attack) {
                h.close();
            }
            awaitTrue(() -> server.openConnections() == 0);
            try (RawHttp me = new RawHttp(api(c))) {
                assertEquals(200, me.send("GET /api/v1/controller HTTP/1.1\r\nHost: x\r\n\r\n").read().status());
            }
        } finally {
            for (RawHttp h : attack) {
                h.close();
            }
            readers.shutdownNow();
        }
    }

    @Test
    void malformedPathsAndQueriesAre400sAndTheConnectionStaysUsable() throws Exception {
        ListAppender<ILoggingEvent> logs = capture();
        try (Controller c = start(SHORT); RawHttp h = new RawHttp(api(c))) {
            for (String target : List.of("/api/v1/tenants/%zz", "/api/v1/tenants/%", "/api/v1/switches/%2",
                    "/api/v1/tenants?x=%zz", "/api/v1/switches/a1/flows?state=%g0", "/%zz/..")) {
                RawHttp.Answer a = h.send("GET " + target + " HTTP/1.1\r\nHost: x\r\n\r\n").read();
                assertEquals(400, a.status(), target + " -> " + a);
                assertEquals("bad-request", json(a).path("error").asText(), a.body());
                assertTrue(json(a).path("message").asText().startsWith("malformed "), a.body());
            }
            // An escaped percent sign is decoded once: a tenant named "%zz" (there is none), never a 500.
            RawHttp.Answer once = h.send("GET /api/v1/tenants/%25zz HTTP/1.1\r\nHost: x\r\n\r\n").read();
            assertEquals(404, once.status(), once.toString());
            assertEquals("no tenant '%zz'", json(once).path("message").asText());
            assertEquals(200, h.send("GET /api/v1/controller HTTP/1.1\r\nHost: x\r\n\r\n").read().status(),
                    "the same connection still serves");
        } finally {
            release(logs);
        }
        assertTrue(logs.list.stream().noneMatch(e -> e.getLevel().isGreaterOrEqual(Level.WARN)),
                () -> "logged: " + logs.list);
    }

    @Test
    void bodiesOverTheLimitAreRefusedWithJson413() throws Exception {
        try (Controller c = start(SHORT)) {
            try (RawHttp h = new RawHttp(api(c))) {
                // Declared too large: refused on the headers, the body is never sent.
                RawHttp.Answer a = h.send("POST /api/v1/tenants HTTP/1.1\r\nHost: x\r\nContent-Type: application/json"
                        + "\r\nContent-Length: 10485760\r\n\r\n").read();
                assertEquals(413, a.status(), a.toString());
                assertEquals("too-large", json(a).path("error").asText());
                assertTrue(json(a).path("message").asText().contains("4096 bytes"), a.body());
                assertTrue(h.closedByServer());
            }
            try (RawHttp h = new RawHttp(api(c))) {
                // Chunked: found too large as it arrives.
                h.send("POST /api/v1/tenants HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n");
                String chunk = Integer.toHexString(1000) + "\r\n" + " ".repeat(1000) + "\r\n";
                while (h.socket.getInputStream().available() == 0 && h.trySend(chunk)) {
                    Thread.onSpinWait();
                }
                RawHttp.Answer a = h.read();
                assertEquals(413, a.status(), a.toString());
                assertEquals("too-large", json(a).path("error").asText());
            }
            try (RawHttp h = new RawHttp(api(c))) {
                RawHttp.Answer a = h.send("GET /api/v1/controller HTTP/1.1\r\nHost: x\r\nX-Big: "
                        + "a".repeat(RestServer.MAX_HEADER_BYTES + 10) + "\r\n\r\n").read();
                assertEquals(431, a.status(), a.toString());
                assertEquals("bad-request", json(a).path("error").asText());
            }
            try (RawHttp h = new RawHttp(api(c))) {
                RawHttp.Answer a = h.send("GET /api/v1/" + "a".repeat(RestServer.MAX_INITIAL_LINE + 10)
                        + " HTTP/1.1\r\nHost: x\r\n\r\n").read();
                assertEquals(414, a.status(), a.toString());
            }
        }
    }

    /**
     * A client that sends a 10 MB body whole, without waiting for an answer (as curl
     * --data-binary does): refused on its headers, it still reads the JSON 413 (the server drains
     * what keeps coming for a moment rather than resetting the connection under the answer).
     */
    @Test
    void aTenMegabyteBodySentWholeStillGetsItsJson413() throws Exception {
        try (Controller c = start(SHORT); RawHttp h = new RawHttp(api(c))) {
            byte[] body = new byte[10 << 20];
            java.util.Arrays.fill(body, (byte) ' ');
            body[0] = '{';
            body[body.length - 1] = '}';
            Thread sender = new Thread(() -> {
                if (h.trySend("POST /api/v1/tenants HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                        + "Content-Length: " + body.length + "\r\n\r\n")) {
                    try {
                        h.send(body);
                    } catch (java.io.IOException e) {
                        // the server closed after its answer: the rest of the body is not wanted
                    }
                }
            }, "test-sender");
            sender.start();
            RawHttp.Answer a = h.read();
            assertEquals(413, a.status(), a.toString());
            assertEquals("too-large", json(a).path("error").asText());
            assertEquals("the request body is larger than 4096 bytes (rest: limits: max-body-bytes)",
                    json(a).path("message").asText());
            sender.join();
        }
    }

    @Test
    void theTokenIsCheckedBeforeAnyBodyIsRead() throws Exception {
        RestSettings rest = new RestSettings(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                Optional.of(ApiToken.of(TOKEN)), true).withLimits(SHORT);
        try (Controller c = start(rest); RawHttp h = new RawHttp(api(c))) {
            // Headers only, a body announced and never sent: the answer does not wait for it.
            RawHttp.Answer a = h.send("POST /api/v1/tenants HTTP/1.1\r\nHost: x\r\nContent-Length: 4000\r\n\r\n")
                    .read();
            assertEquals(401, a.status(), a.toString());
            assertEquals("unauthorized", json(a).path("error").asText());
            assertEquals("Bearer realm=\"weft\"", a.headers().get("www-authenticate"));
            assertTrue(h.closedByServer());
        }
    }

    @Test
    void duplicateKeysAndTrailingDataAreRefused() throws Exception {
        try (Controller c = start(SHORT); RawHttp h = new RawHttp(api(c))) {
            for (String body : List.of("{\"name\": \"acme\", \"name\": \"globex\"}",
                    "{\"name\": \"acme\", \"networks\": [{\"name\": \"web\", \"segment\": 1, \"segment\": 2}]}",
                    "{\"name\": \"acme\"} {\"name\": \"globex\"}")) {
                RawHttp.Answer a = post(h, "/api/v1/tenants", body);
                assertEquals(400, a.status(), body + " -> " + a);
                assertTrue(json(a).path("message").asText().startsWith("the body is not valid JSON"), a.body());
            }
            RawHttp.Answer dup = post(h, "/api/v1/tenants", "{\"name\": \"acme\", \"name\": \"globex\"}");
            assertTrue(json(dup).path("message").asText().contains("Duplicate field 'name'"), dup.body());
        }
    }

    @Test
    void oneRequestAddsAtMostMaxEntries() throws Exception {
        try (Controller c = start(SHORT); RawHttp h = new RawHttp(api(c))) {
            RawHttp.Answer many = post(h, "/api/v1/tenants", tenantWith(SHORT.maxEntriesPerRequest()));
            assertEquals(413, many.status(), many.toString());
            assertEquals("too-many-entries", json(many).path("error").asText());
            assertTrue(json(many).path("message").asText().contains("at most 20 entries"), many.body());
            // One fewer is within the bound: it goes on to the config file (this controller has none: 409).
            RawHttp.Answer fits = post(h, "/api/v1/tenants", tenantWith(SHORT.maxEntriesPerRequest() - 1));
            assertEquals(409, fits.status(), fits.toString());
        }
    }

    /** A tenant whose networks (each an entry) make {@code 1 + networks} entries. */
    private static String tenantWith(int networks) {
        StringBuilder b = new StringBuilder("{\"name\": \"bulk\", \"networks\": [");
        for (int i = 0; i < networks; i++) {
            b.append(i == 0 ? "" : ",").append("{\"name\": \"n").append(i).append("\", \"segment\": ")
                    .append(7000 + i).append(", \"ports\": []}");
        }
        return b.append("]}").toString();
    }

    private static RawHttp.Answer post(RawHttp h, String path, String body) throws Exception {
        byte[] b = body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return h.send("POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "
                + b.length + "\r\n\r\n" + body).read();
    }

    @Test
    void limitsAreValidated() {
        assertThrows(IllegalArgumentException.class, () -> limits(10, 11, Duration.ofSeconds(1), Duration.ofSeconds(1),
                Duration.ofSeconds(1), 1, 1));
        assertThrows(IllegalArgumentException.class, () -> limits(10, 1, Duration.ofSeconds(2), Duration.ofSeconds(1),
                Duration.ofSeconds(1), 1, 1));
        assertThrows(IllegalArgumentException.class, () -> limits(10, 1, Duration.ZERO, Duration.ofSeconds(1),
                Duration.ofSeconds(1), 1, 1));
    }

    // ---- helpers ---------------------------------------------------------------------------------

    private static long openFds() {
        String[] fds = new File("/proc/self/fd").list();
        return Objects.requireNonNull(fds, "this test reads /proc/self/fd (Linux)").length;
    }

    private static void awaitTrue(java.util.function.BooleanSupplier condition) throws InterruptedException {
        while (!condition.getAsBoolean()) {
            Thread.sleep(10); // polling a condition; the class timeout bounds it
        }
    }

    private static ListAppender<ILoggingEvent> capture() {
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        ((Logger) LoggerFactory.getLogger("dev.weft")).addAppender(logs);
        return logs;
    }

    private static void release(ListAppender<ILoggingEvent> logs) {
        ((Logger) LoggerFactory.getLogger("dev.weft")).detachAppender(logs);
    }
}
