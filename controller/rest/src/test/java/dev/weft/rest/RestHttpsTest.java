package dev.weft.rest;

import dev.weft.core.Controller;
import dev.weft.core.ControllerSettings;
import dev.weft.core.config.RestSection;
import dev.weft.core.tls.PemTls;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The API over HTTPS with PEM keys as ovs-pki makes them: the token never crosses in clear. */
class RestHttpsTest {
    private static final String TOKEN = "tok-https-81c2";

    static Path pem(String name) {
        try {
            return Path.of(RestHttpsTest.class.getResource("/tls/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Controller start(RestSettings rest) {
        return Controller.builder(ControllerSettings.builder().listen(List.of(new InetSocketAddress("127.0.0.1", 0)))
                .apps(List.of()).dispatchThreads(1).build()).extension(new RestEndpoint(rest)).start();
    }

    private static SSLContext trusting(String ca) throws IOException {
        return ((JdkSslContext) SslContextBuilder.forClient().sslProvider(SslProvider.JDK)
                .trustManager(pem(ca).toFile()).build()).context();
    }

    /** The response's status line to a GET sent over {@code s}. */
    private static String get(Socket s, String path) throws IOException {
        s.setSoTimeout(10_000);
        OutputStream out = s.getOutputStream();
        out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + TOKEN
                + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = s.getInputStream();
        String all = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        return all.isEmpty() ? "" : all.lines().findFirst().orElse("");
    }

    @Test
    void httpsWithTheConfiguredKeyAndNothingInClear() throws Exception {
        RestSettings rest = RestSettings.with(Optional.empty(), new RestSection(null, "0.0.0.0:0", null, "WEFT_T",
                true, pem("controller-privkey.pem").toString(), pem("controller-cert.pem").toString()), "weft.yaml",
                Map.of("WEFT_T", TOKEN)).orElseThrow();
        assertTrue(rest.tls().isPresent());
        try (Controller c = start(rest)) {
            int port = c.extension(RestEndpoint.class).orElseThrow().address().getPort();
            try (Socket s = trusting("controllerca.pem").getSocketFactory().createSocket(InetAddress.getLoopbackAddress(),
                    port)) {
                assertEquals("HTTP/1.1 200 OK", get(s, "/api/v1/switches"));
            }
            // Plain HTTP gets no HTTP answer: the server speaks only TLS.
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                assertFalse(get(s, "/api/v1/switches").startsWith("HTTP/"));
            }
            // A client that does not trust the server's CA refuses it.
            assertThrows(SSLException.class, () -> {
                try (Socket s = trusting("switchca.pem").getSocketFactory().createSocket(
                        InetAddress.getLoopbackAddress(), port)) {
                    get(s, "/api/v1/switches");
                }
            });
        }
    }

    @Test
    void halfTheKeysIsAConfigError() {
        var e = assertThrows(dev.weft.core.config.ConfigException.class, () -> RestSettings.with(Optional.empty(),
                new RestSection(null, null, null, null, null, "k.pem", null), "weft.yaml", Map.of()));
        assertTrue(e.getMessage().contains("HTTPS needs both private-key and certificate"), e.getMessage());
    }

    @Test
    void aMissingKeyFileStopsTheServerWithASentence() {
        var rest = new RestSettings(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), Optional.empty(), false,
                Optional.of(new PemTls(Path.of("/nonexistent/k.pem"), pem("controller-cert.pem"), Optional.empty())));
        var e = assertThrows(IllegalStateException.class, () -> start(rest).close());
        assertTrue(e.getMessage().contains("cannot serve HTTPS: private-key: no such file /nonexistent/k.pem"),
                e.getMessage());
    }
}
