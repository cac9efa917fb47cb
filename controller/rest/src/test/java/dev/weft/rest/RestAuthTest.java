package dev.weft.rest;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.weft.core.Controller;
import dev.weft.core.ControllerSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The token rule over real HTTP, and a controller that refuses to start an open API. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RestAuthTest {
    private static final String TOKEN = "tok-3f9a7c1e5b";
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static Controller start(RestSettings rest) {
        return Controller.builder(ControllerSettings.builder().listen(List.of(new InetSocketAddress("127.0.0.1", 0)))
                .apps(List.of()).dispatchThreads(1).build()).extension(new RestEndpoint(rest)).start();
    }

    /** Status and body of a GET to 127.0.0.1 at the API's port, with this Authorization header (or none). */
    private static HttpResponse<String> get(Controller c, String path, String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + c.extension(RestEndpoint.class).orElseThrow()
                .address().getPort() + path)).timeout(Duration.ofSeconds(10));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void offLoopbackEveryRequestNeedsTheToken() throws Exception {
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        Logger weft = (Logger) LoggerFactory.getLogger("dev.weft");
        Level was = weft.getLevel();
        weft.setLevel(Level.DEBUG);
        logs.start();
        weft.addAppender(logs);
        // The wildcard address is not loopback: the token is required (we connect over 127.0.0.1).
        try (Controller c = start(new RestSettings(new InetSocketAddress("0.0.0.0", 0), Optional.of(ApiToken.of(TOKEN)),
                false))) {
            for (String path : List.of("/api/v1/controller", "/api/v1/tenants", "/api/v1/openapi.json",
                    "/api/v1/nothing")) {
                HttpResponse<String> none = get(c, path, null);
                assertEquals(401, none.statusCode(), path);
                assertTrue(none.body().contains("\"error\" : \"unauthorized\""), none.body());
                assertEquals("Bearer realm=\"weft\"", none.headers().firstValue("WWW-Authenticate").orElse(""));
                HttpResponse<String> wrong = get(c, path, "Bearer " + TOKEN + "x");
                assertEquals(401, wrong.statusCode());
                assertTrue(wrong.body().contains("wrong token"), wrong.body());
                assertEquals(401, get(c, path, "Basic " + TOKEN).statusCode());
                assertEquals(401, get(c, path, "Bearer ").statusCode());
            }
            assertEquals(200, get(c, "/api/v1/controller", "Bearer " + TOKEN).statusCode());
            assertEquals(200, get(c, "/api/v1/controller", "bearer " + TOKEN).statusCode());
            assertEquals(404, get(c, "/api/v1/nothing", "Bearer " + TOKEN).statusCode());
        } finally {
            weft.detachAppender(logs);
            weft.setLevel(was);
        }
        assertFalse(logs.list.isEmpty());
        for (ILoggingEvent e : logs.list) {
            assertFalse(e.getFormattedMessage().contains(TOKEN), "the token was logged: " + e.getFormattedMessage());
        }
    }

    @Test
    void requireTokenAsksForItOnLoopbackToo() throws Exception {
        try (Controller c = start(new RestSettings(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                Optional.of(ApiToken.of(TOKEN)), true))) {
            assertEquals(401, get(c, "/api/v1/controller", null).statusCode());
            assertEquals(200, get(c, "/api/v1/controller", "Bearer " + TOKEN).statusCode());
        }
        try (Controller c = start(new RestSettings(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                Optional.empty(), false))) {
            assertEquals(200, get(c, "/api/v1/controller", null).statusCode(), "loopback, no token: open");
        }
    }
}
