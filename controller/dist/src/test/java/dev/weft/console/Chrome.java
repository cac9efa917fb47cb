package dev.weft.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * Headless Chromium driven through chromedriver's W3C WebDriver protocol (plain HTTP and JSON,
 * no client library): open a page, read what it shows ({@code innerText}: only what is rendered),
 * click, take screenshots. A fresh profile, no network services of its own (background
 * networking, component updates and sync off).
 */
final class Chrome implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ELEMENT = "element-6066-11e4-a52e-4f735466cecf";
    static final List<String> FLAGS = List.of("--headless", "--no-sandbox", "--disable-gpu",
            "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
            "--disable-dev-shm-usage", "--window-size=1366,768");

    private final Process driver;
    private final String url;
    private final String session;
    private final HttpClient http = HttpClient.newHttpClient();

    private Chrome(Process driver, String url, String session) {
        this.driver = driver;
        this.url = url;
        this.session = session;
    }

    /** chromedriver on a free loopback port, and a browser session with a profile in {@code dir}. */
    static Chrome start(Path dir) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Files.createDirectories(dir);
        Process p = new ProcessBuilder(ToolsEnvironment.which("chromedriver").orElseThrow().toString(),
                "--port=" + port, "--allowed-ips=127.0.0.1").redirectErrorStream(true)
                .redirectOutput(dir.resolve("chromedriver.log").toFile()).start();
        String url = "http://127.0.0.1:" + port;
        HttpClient http = HttpClient.newHttpClient();
        try {
            ConsoleSite.await("chromedriver up", Duration.ofSeconds(20), () -> {
                try {
                    return http.send(HttpRequest.newBuilder(URI.create(url + "/status")).build(),
                            HttpResponse.BodyHandlers.ofString()).body().contains("\"ready\":true");
                } catch (IOException e) {
                    return false;
                }
            });
            ObjectNode caps = JSON.createObjectNode();
            ObjectNode always = caps.putObject("capabilities").putObject("alwaysMatch");
            always.put("browserName", "chrome");
            ObjectNode opts = always.putObject("goog:chromeOptions");
            Path binary = Path.of("/usr/lib/chromium/chromium");
            opts.put("binary", Files.isExecutable(binary) ? binary.toString()
                    : ToolsEnvironment.which("chromium").orElseThrow().toString());
            ArrayNode args = opts.putArray("args");
            FLAGS.forEach(args::add);
            args.add("--user-data-dir=" + dir.resolve("profile"));
            always.putObject("goog:loggingPrefs").put("browser", "ALL");
            JsonNode r = send(http, "POST", url + "/session", caps);
            return new Chrome(p, url, r.path("value").path("sessionId").asText());
        } catch (Exception | Error e) {
            p.destroyForcibly();
            throw e;
        }
    }

    private static JsonNode send(HttpClient http, String method, String url, JsonNode body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json");
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode n = JSON.readTree(r.body());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("WebDriver " + method + " " + url + ": " + r.statusCode() + " "
                    + n.path("value").path("message").asText(r.body()));
        }
        return n;
    }

    private JsonNode command(String method, String path, JsonNode body) throws Exception {
        return send(http, method, url + "/session/" + session + path, body).path("value");
    }

    void open(String address) throws Exception {
        ObjectNode b = JSON.createObjectNode();
        b.put("url", address);
        command("POST", "/url", b);
    }

    /** Run JavaScript in the page ({@code arguments[i]} are {@code args}); its return value. */
    JsonNode script(String js, Object... args) throws Exception {
        ObjectNode b = JSON.createObjectNode();
        b.put("script", js);
        ArrayNode a = b.putArray("args");
        for (Object o : args) {
            a.add(JSON.valueToTree(o));
        }
        return command("POST", "/execute/sync", b);
    }

    /** The text a person sees in the first element matching {@code css} (null when there is none). */
    String text(String css) throws Exception {
        JsonNode v = script("const e = document.querySelector(arguments[0]); return e ? e.innerText : null;", css);
        return v.isNull() ? null : v.asText();
    }

    /** Whether an element matching {@code css} is shown (rendered, with a size). */
    boolean shown(String css) throws Exception {
        return script("const e = document.querySelector(arguments[0]);"
                + " return !!e && e.getClientRects().length > 0 && e.checkVisibility({visibilityProperty: true});",
                css).asBoolean();
    }

    void click(String css) throws Exception {
        ObjectNode b = JSON.createObjectNode();
        b.put("using", "css selector");
        b.put("value", css);
        String id = command("POST", "/element", b).path(ELEMENT).asText();
        command("POST", "/element/" + id + "/click", JSON.createObjectNode());
    }

    /** Type into a field, as a person would. */
    void type(String css, String text) throws Exception {
        ObjectNode b = JSON.createObjectNode();
        b.put("using", "css selector");
        b.put("value", css);
        String id = command("POST", "/element", b).path(ELEMENT).asText();
        ObjectNode t = JSON.createObjectNode();
        t.put("text", text);
        command("POST", "/element/" + id + "/value", t);
    }

    /** Wait until {@code condition} holds (polled), or fail with {@code what} and the page's text. */
    void await(String what, Callable<Boolean> condition) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.call()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the page did not show " + what + "; it shows:\n" + text("body"));
            }
            Thread.sleep(20);
        }
    }

    /** A PNG of the window. */
    byte[] screenshot() throws Exception {
        return Base64.getDecoder().decode(command("GET", "/screenshot", null).asText());
    }

    /** What the page wrote to its console (errors included), as chromedriver kept it. */
    JsonNode consoleLog() throws Exception {
        ObjectNode b = JSON.createObjectNode();
        b.put("type", "browser");
        return command("POST", "/se/log", b);
    }

    @Override
    public void close() {
        try {
            send(http, "DELETE", url + "/session/" + session, null);
        } catch (Exception e) {
            // the driver goes anyway
        }
        driver.destroy();
        try {
            if (!driver.waitFor(10, TimeUnit.SECONDS)) {
                driver.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            driver.destroyForcibly();
        }
    }
}
