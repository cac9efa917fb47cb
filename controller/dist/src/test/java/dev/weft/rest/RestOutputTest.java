package dev.weft.rest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.weft.core.Controller;
import dev.weft.core.ControllerSettings;
import dev.weft.core.config.ConfigLoader;
import dev.weft.core.config.WeftConfig;
import dev.weft.sim.net.SimNetwork;
import dev.weft.sim.net.TopologyBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.IPv4Address;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The output side of the REST API under load, over real HTTP, with 20,000 networks in the config
 * file (the case: after one request made them, 200 concurrent {@code GET /tenants} took
 * the controller to 1.38 GB): the answer is encoded once and shared, sent as each client can
 * take it, and every answer held for sending counts against {@code max-output-bytes}; beyond it
 * a client gets a JSON 503 with Retry-After, never the controller an out-of-memory.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class RestOutputTest {
    private static final int NETWORKS = 20_000;
    private static final int CLIENTS = 200;
    private static final int SLOW = 50;
    private static final int ADDRESSES = 7; // 7 x 32 (max-connections-per-client) >= 200
    /** The cap of the second test: between one and two /tenants answers of this config. */
    private static final int CAP = 4 << 20;

    private final List<SimNetwork> nets = new ArrayList<>();
    private final List<Socket> sockets = new ArrayList<>();
    private Controller controller;

    @AfterEach
    void close() throws IOException {
        for (Socket s : sockets) {
            s.close();
        }
        nets.forEach(SimNetwork::close);
        if (controller != null) {
            controller.close();
        }
    }

    /**
     * 200 concurrent {@code GET /tenants}, 50 of them from clients that never read: every reader
     * gets the whole answer, byte for byte the same; the server holds that answer once (the bytes
     * held for sending stay at one answer), the slow clients' queued output stays under the
     * channels' high water mark each, and the heap plus direct memory after a GC grows by at most
     * two answers and the queues, not by one answer per client. A switch connects and another
     * client is answered while the slow clients hold their connections.
     */
    @Test
    void twoHundredConcurrentReadsOfALargeAnswerHoldItOnce(@TempDir Path dir) throws Exception {
        controller = start(dir, "");
        RestServer server = controller.extension(RestEndpoint.class).orElseThrow().server();
        InetSocketAddress api = Http.apiOf(controller);
        Http http = new Http(api);

        byte[] answer = get(api, null, "/api/v1/tenants").body();
        assertEquals(NETWORKS, Http.JSON.readTree(answer).get(0).path("networks").size());
        long size = answer.length;

        timeHandshake("sw9", "00:00:00:00:00:00:00:b9"); // warms up
        long quietGet = timeGet(http);
        long quietHandshake = timeHandshake("sw8", "00:00:00:00:00:00:00:b8");
        long before = heldAfterGc();

        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        List<Future<Boolean>> reads = new ArrayList<>();
        List<Socket> slow = new ArrayList<>();
        try {
            for (int i = 0; i < CLIENTS; i++) {
                InetAddress from = InetAddress.getByName("127.0.0." + (2 + i % ADDRESSES));
                Socket s = connect(api, from, i < SLOW);
                if (i < SLOW) {
                    slow.add(s);
                    send(s, "/api/v1/tenants");
                } else {
                    reads.add(pool.submit(() -> {
                        send(s, "/api/v1/tenants");
                        Answer a = read(s.getInputStream());
                        return a.status() == 200 && Arrays.equals(answer, a.body()); // not kept: memory is measured
                    }));
                }
            }
            for (Future<Boolean> r : reads) {
                assertTrue(r.get(), "every client gets the same answer, whole");
            }
        } finally {
            pool.shutdownNow();
        }

        // The slow clients hold their connections, their answers unread.
        long queued = server.queuedBytes();
        long held = server.outputBytes();
        long peak = server.outputPeak();
        long during = heldAfterGc();
        long perConnection = RestServer.HIGH_WATER + BodyInput.CHUNK;
        assertTrue(queued <= SLOW * perConnection, "queued for the slow clients: " + queued + " bytes, at most "
                + SLOW + " x " + perConnection);
        assertTrue(held <= size + (1 << 20), "held for sending: " + held + " bytes (the answer is " + size + ")");
        assertTrue(peak <= size + (1 << 20), "at most " + peak + " bytes held for sending at once (answer " + size
                + ")");
        long grown = during - before;
        long bound = 2 * size + SLOW * perConnection + (32 << 20);
        assertTrue(grown <= bound, "heap + direct memory after GC grew by " + mib(grown) + " MiB with " + SLOW
                + " slow clients holding a " + mib(size) + " MiB answer (bound " + mib(bound) + " MiB)");

        // During: a switch connects, another client is answered.
        long busyHandshake = timeHandshake("sw7", "00:00:00:00:00:00:00:b7");
        long busyGet = timeGet(http);
        assertEquals(200, http.get("/api/v1/switches").status());

        // The slow clients still get their whole answer when they read.
        for (Socket s : slow) {
            assertArrayEquals(answer, read(s.getInputStream()).body());
        }
        System.out.printf(Locale.ROOT, "REST output: %d concurrent GET /tenants of %.2f MiB (%d networks), %d never "
                        + "reading until the end: held for sending %.2f MiB (peak %.2f), queued for the slow %.2f MiB, "
                        + "heap+direct after GC +%.1f MiB; during it GET x%.1f, switch handshake x%.1f of quiet%n",
                CLIENTS, size / 1048576.0, NETWORKS, SLOW, held / 1048576.0, peak / 1048576.0, queued / 1048576.0,
                grown / 1048576.0, (double) busyGet / quietGet, (double) busyHandshake / quietHandshake);
    }

    /**
     * With {@code max-output-bytes} between one and two answers: while a slow client holds the
     * answer of {@code /tenants}, another client asking for {@code /tenants/bulk} (another answer
     * as large, which would be a second one held) gets a JSON 503 with Retry-After, and a small
     * answer still fits; once the slow client is gone, the retry gets its answer. The bytes held
     * never exceed the cap.
     */
    @Test
    void answersOverMaxOutputBytesAre503WithRetryAfter(@TempDir Path dir) throws Exception {
        controller = start(dir, """
                  limits:
                    max-output-bytes: %d
                """.formatted(CAP));
        RestServer server = controller.extension(RestEndpoint.class).orElseThrow().server();
        InetSocketAddress api = Http.apiOf(controller);
        assertEquals(CAP, server.outputLimit(), "rest: limits: max-output-bytes");
        long size = get(api, null, "/api/v1/tenants").body().length;
        assertTrue(size > CAP / 2 && size <= CAP, "this test needs one answer under the cap and two over it: "
                + size + " bytes, cap " + CAP);

        Socket slow = connect(api, null, true);
        send(slow, "/api/v1/tenants");
        awaitTrue(() -> server.queuedBytes() > 0); // its answer is being sent

        Answer busy = get(api, null, "/api/v1/tenants/bulk");
        assertEquals(503, busy.status(), busy.toString());
        assertEquals("1", busy.headers().get("retry-after"));
        JsonNode error = Http.JSON.readTree(busy.body());
        assertEquals("busy", error.path("error").asText());
        assertEquals("the server holds as many answers for sending as it may (rest: limits: max-output-bytes "
                + CAP + " bytes); try again shortly", error.path("message").asText());
        assertEquals(200, get(api, null, "/api/v1/controller").status(), "a small answer still fits");
        assertEquals(200, get(api, null, "/api/v1/tenants").status(), "the answer being sent is shared, not doubled");

        slow.close(); // the slow client goes: its answer is let go of, a retry is served
        Answer again = busy;
        while (again.status() == 503) {
            Thread.sleep(1000); // Retry-After: 1
            again = get(api, null, "/api/v1/tenants/bulk");
        }
        assertEquals(200, again.status(), again.toString());
        assertEquals("bulk", Http.JSON.readTree(again.body()).path("name").asText());
        assertTrue(server.outputPeak() <= CAP, "held at most " + server.outputPeak() + " bytes (cap " + CAP + ")");
    }

    /**
     * A client that does not read its answer is disconnected at {@code send-timeout}, having
     * received part of it.
     */
    @Test
    void aClientThatDoesNotReadIsCutOffAtSendTimeout(@TempDir Path dir) throws Exception {
        controller = start(dir, """
                  limits:
                    send-timeout: 1s
                """);
        RestServer server = controller.extension(RestEndpoint.class).orElseThrow().server();
        InetSocketAddress api = Http.apiOf(controller);
        Socket slow = connect(api, null, true);
        send(slow, "/api/v1/tenants");
        awaitTrue(() -> server.openConnections() == 1 && server.queuedBytes() > 0);
        awaitTrue(() -> server.openConnections() == 0); // cut off by the server, not read meanwhile
        long got = 0;
        InputStream in = slow.getInputStream();
        byte[] buf = new byte[65536];
        try {
            for (int n; (n = in.read(buf)) >= 0; ) {
                got += n;
            }
        } catch (SocketException e) {
            // reset: what was queued for it is gone with the connection
        }
        long whole = get(api, null, "/api/v1/tenants").body().length;
        assertTrue(got < whole, "the slow client got " + got + " of " + whole + " bytes before it was cut off");
    }

    /**
     * Versions churning under load: each round an API write changes the config (a new version of
     * every shared answer) while 100 clients ask for two large answers and a small one, 20 of them
     * reading nothing until they close; every answer comes whole or is a 503 busy, the bytes held
     * never exceed {@code max-output-bytes}, and once everyone is gone nothing is held but the
     * cached answers (no answer leaked), the heap and direct memory after a GC within the cap.
     * One round in a normal build; {@code -Psoak} (CI) runs {@code weft.soak.rounds} of them.
     */
    @Test
    void versionsChurningUnderLoadLeakNothing(@TempDir Path dir) throws Exception {
        int rounds = Integer.getInteger("weft.soak.rounds", 1);
        int cap = 2 * CAP;
        controller = start(dir, """
                  limits:
                    max-output-bytes: %d
                """.formatted(cap));
        RestServer server = controller.extension(RestEndpoint.class).orElseThrow().server();
        InetSocketAddress api = Http.apiOf(controller);
        Path file = controller.settings().configFile().orElseThrow();
        List<String> paths = List.of("/api/v1/tenants", "/api/v1/tenants/bulk", "/api/v1/tenants/bulk/networks/n7");
        long before = heldAfterGc();
        int ok = 0;
        int busy = 0;
        ExecutorService pool = Executors.newFixedThreadPool(80);
        try {
            for (int round = 0; round < rounds; round++) {
                // A new version: one more network saved in the file and reloaded (an API write on
                // 20,000 networks takes seconds of its own validation; a reload is the shorter way).
                Files.writeString(file, "      - {name: round-" + round + ", segment: " + (1 + round) + "}\n",
                        java.nio.file.StandardOpenOption.APPEND);
                controller.reload();
                controller.controlLaneDone().get(60, TimeUnit.SECONDS);
                int thisRound = round;
                assertTrue(controller.tenants().config().tenants().get(0).networks().stream()
                        .anyMatch(n -> n.name().equals("round-" + thisRound)), "round " + round + " is in force");
                List<Socket> slow = new ArrayList<>();
                List<Future<Integer>> reads = new ArrayList<>();
                for (int i = 0; i < 100; i++) {
                    String path = paths.get(i % paths.size());
                    Socket s = connect(api, InetAddress.getByName("127.0.0." + (2 + i % ADDRESSES)), i < 20);
                    if (i < 20) {
                        slow.add(s);
                        send(s, path);
                    } else {
                        reads.add(pool.submit(() -> {
                            send(s, path);
                            Answer a = read(s.getInputStream());
                            s.close();
                            boolean whole = a.body().length > 0 && a.body()[a.body().length - 1] == '\n';
                            return a.status() == 503 && "1".equals(a.headers().get("retry-after")) ? 503
                                    : a.status() == 200 && whole ? 200 : -a.status();
                        }));
                    }
                }
                for (Future<Integer> r : reads) {
                    int status = r.get();
                    assertTrue(status == 200 || status == 503, "answered " + status);
                    ok += status == 200 ? 1 : 0;
                    busy += status == 503 ? 1 : 0;
                }
                for (Socket s : slow) {
                    s.close();
                }
                assertTrue(server.outputPeak() <= cap, "held " + server.outputPeak() + " bytes (cap " + cap + ")");
            }
        } finally {
            pool.shutdownNow();
        }
        // Everyone gone: what is held is what the cache keeps, nothing more.
        awaitTrue(() -> server.outputBytes() == server.cachedBytes());
        long grown = heldAfterGc() - before;
        assertTrue(grown <= cap + (32 << 20), "heap + direct after GC grew by " + mib(grown) + " MiB over " + rounds
                + " rounds (cap " + mib(cap) + " MiB)");
        System.out.printf(Locale.ROOT, "REST output churn: %d rounds of a config change and 100 clients (20 not "
                        + "reading): %d answers whole, %d busy (503); peak held %.2f MiB of %d; heap+direct after GC "
                        + "%+.1f MiB%n", rounds, ok, busy, server.outputPeak() / 1048576.0, mib(cap),
                grown / 1048576.0);
    }

    // ---- the controller -----------------------------------------------------------------------------

    private static Controller start(Path dir, String limits) throws Exception {
        StringBuilder y = new StringBuilder("""
                controller:
                  apps: []
                rest:
                  listen: 127.0.0.1:0
                """).append(limits).append("""
                tenants:
                  - name: bulk
                    networks:
                """);
        for (int i = 0; i < NETWORKS; i++) {
            y.append("      - {name: n").append(i).append(", segment: ").append(10_000 + i).append("}\n");
        }
        Path file = Files.writeString(dir.resolve("weft.yaml"), y);
        WeftConfig cfg = ConfigLoader.load(file);
        RestSettings rest = RestSettings.with(java.util.Optional.empty(), cfg.rest(), cfg.source(), Map.of())
                .orElseThrow();
        Controller c = Controller.builder(ControllerSettings.builder().config(cfg).configFile(file)
                        .listen(List.of(new InetSocketAddress("127.0.0.1", 0))).dispatchThreads(2)
                        .flowAuditInterval(Duration.ZERO).build())
                .extension(new RestEndpoint(rest)).start();
        c.controlLaneDone().get(60, TimeUnit.SECONDS); // the tenants are in force
        assertEquals(NETWORKS, c.tenants().config().tenants().get(0).networks().size());
        return c;
    }

    private long timeHandshake(String name, String dpid) throws Exception {
        TopologyBuilder b = new TopologyBuilder().addSwitch(name, DatapathId.of(dpid), Set.of(OFVersion.OF_13), 0,
                IPv4Address.of("10.78.0." + name.charAt(2)));
        long t0 = System.nanoTime();
        SimNetwork net = SimNetwork.builder().controller("127.0.0.1", controller.openflowAddresses().get(0).getPort())
                .topology(b.build()).versions(OFVersion.OF_13).build();
        nets.add(net);
        net.awaitReady(Duration.ofSeconds(60));
        long t = System.nanoTime() - t0;
        awaitTrue(() -> controller.switches().get(DatapathId.of(dpid)).isPresent());
        return t;
    }

    private static long timeGet(Http http) throws Exception {
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            long t0 = System.nanoTime();
            assertEquals(200, http.get("/api/v1/controller").status());
            best = Math.min(best, System.nanoTime() - t0);
        }
        return best;
    }

    // ---- memory ---------------------------------------------------------------------------------------

    /** Heap in use after a full GC, plus direct buffers (the JDK's and Netty's own count). */
    private static long heldAfterGc() {
        System.gc();
        System.gc();
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        long direct = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                .filter(b -> b.getName().equals("direct")).mapToLong(BufferPoolMXBean::getMemoryUsed).sum();
        return heap + direct + Math.max(0, io.netty.util.internal.PlatformDependent.usedDirectMemory());
    }

    private static long mib(long bytes) {
        return bytes >> 20;
    }

    // ---- a client made of a socket --------------------------------------------------------------------

    record Answer(int status, Map<String, String> headers, byte[] body) {
        @Override
        public String toString() {
            return status + " " + new String(body, StandardCharsets.UTF_8);
        }
    }

    /** A connection from {@code from} (null: 127.0.0.1); a slow one has a small receive window and is never read. */
    private Socket connect(InetSocketAddress api, InetAddress from, boolean slow) throws IOException {
        Socket s = new Socket();
        sockets.add(s);
        if (slow) {
            s.setReceiveBufferSize(4096);
        }
        if (from != null) {
            s.bind(new InetSocketAddress(from, 0));
        }
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), api.getPort()), 5_000);
        s.setSoTimeout(60_000);
        return s;
    }

    private static void send(Socket s, String path) throws IOException {
        s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
    }

    private Answer get(InetSocketAddress api, InetAddress from, String path) throws IOException {
        try (Socket s = connect(api, from, false)) {
            send(s, path);
            return read(s.getInputStream());
        }
    }

    private static Answer read(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (true) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("closed without an answer after '" + head + "'");
            }
            head.write(c);
            byte[] h = head.toByteArray();
            if (h.length >= 4 && h[h.length - 4] == '\r' && h[h.length - 3] == '\n' && h[h.length - 2] == '\r'
                    && h[h.length - 1] == '\n') {
                break;
            }
        }
        String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
        Map<String, String> headers = new LinkedHashMap<>();
        Arrays.stream(lines).skip(1).forEach(l -> headers.put(l.substring(0, l.indexOf(':')).trim()
                .toLowerCase(Locale.ROOT), l.substring(l.indexOf(':') + 1).trim()));
        byte[] body = in.readNBytes(Integer.parseInt(headers.getOrDefault("content-length", "0")));
        return new Answer(Integer.parseInt(lines[0].split(" ")[1]), headers, body);
    }

    private static void awaitTrue(java.util.function.BooleanSupplier c) throws InterruptedException {
        while (!c.getAsBoolean()) {
            Thread.sleep(10); // polling a condition; the class timeout bounds it
        }
    }
}
