package dev.weft.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.weft.api.tenant.Tenant;
import dev.weft.core.Controller;
import dev.weft.core.ControllerSettings;
import dev.weft.core.config.ConfigLoader;
import dev.weft.core.config.WeftConfig;
import dev.weft.rest.RestEndpoint;
import dev.weft.rest.RestSettings;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The tenant config shared through ZooKeeper: three instances, each with its own config file and
 * REST API, an embedded ensemble of three. Says: a REST write on one instance is in force on the
 * others within 1 s and written into their files (their own sections kept); of two racing writes
 * of the same tenant on two instances exactly one wins and the other gets the 409 a single instance
 * gives; two racing writes of different tenants both land; an instance cut off from ZooKeeper
 * refuses writes and reloads with a 503 and changes nothing, and catches up on rejoin; after the
 * ZooKeeper leader is killed, writes work again once the ensemble has a leader; an invalid version
 * put into ZooKeeper by hand is applied nowhere.
 */
@Tag("cluster")
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class SharedConfigOnZkTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final String SEED = """
            # the tenants every instance serves
            tenants:
              - name: acme
                networks:
                  - name: web
                    segment: 5001   # shared by the cluster
            """;
    private static TestingCluster zk;

    @TempDir
    Path dir;

    @BeforeAll
    static void ensemble() throws Exception {
        List<InstanceSpec> specs = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            File d = Files.createTempDirectory("weft-zk").toFile();
            specs.add(new InstanceSpec(d, InstanceSpec.getRandomPort(), InstanceSpec.getRandomPort(),
                    InstanceSpec.getRandomPort(), true, i, 200, 100));
        }
        zk = new TestingCluster(specs);
        zk.start();
    }

    @AfterAll
    static void stopEnsemble() throws Exception {
        if (zk != null) {
            zk.close();
        }
    }

    /** One Weft instance: its file, its controller with the cluster and the REST API. */
    private record Instance(String id, Path file, Controller controller, ClusterExtension cluster, RestEndpoint rest,
                            ZkProxy proxy) implements AutoCloseable {
        URI uri(String path) {
            InetSocketAddress a = rest.address();
            return URI.create("http://127.0.0.1:" + a.getPort() + "/api/v1" + path);
        }

        List<String> tenants() {
            return controller.tenants().config().tenants().stream().map(Tenant::name).toList();
        }

        long version() {
            return cluster.config().orElseThrow().applied();
        }

        @Override
        public void close() throws java.io.IOException {
            controller.close();
            if (proxy != null) {
                proxy.close();
            }
        }
    }

    private Instance start(String id, String root, boolean proxied) throws Exception {
        ZkProxy proxy = null;
        String connect = zk.getConnectString();
        if (proxied) {
            proxy = new ZkProxy(new InetSocketAddress("127.0.0.1", zk.getInstances().iterator().next().getPort()));
            connect = proxy.connectString();
        }
        Path file = dir.resolve(id + ".yaml");
        Files.writeString(file, "cluster:\n  zookeeper: \"" + connect + "\"\n  instance: " + id + "\n  root: " + root
                + "\n  session-timeout: 1500ms\n" + SEED);
        WeftConfig cfg = ConfigLoader.load(file);
        ClusterExtension ext = new ClusterExtension(ClusterSettings.of(cfg.cluster(), file.toString()).orElseThrow());
        RestEndpoint rest = new RestEndpoint(new RestSettings(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                Optional.empty(), false), List.of(new ClusterRoutes(ext)));
        Controller c = Controller.builder(ControllerSettings.builder().config(cfg).configFile(file).apps(List.of())
                        .listen(List.of(new InetSocketAddress("127.0.0.1", 0))).dispatchThreads(1).build())
                .switchesStartAsSlaves().extension(ext).extension(rest).start();
        return new Instance(id, file, c, ext, rest, proxy);
    }

    @Test
    void aWriteOnOneInstanceIsInForceOnTheOthersWithinOneSecond() throws Exception {
        try (Instance a = start("weft-1", "/visible", false); Instance b = start("weft-2", "/visible", false);
             Instance c = start("weft-3", "/visible", false)) {
            assertEquals(List.of("acme"), b.tenants());
            long v0 = a.version();
            assertEquals(v0, b.version());

            HttpResponse<String> r = post(a, "/tenants", "{\"name\":\"globex\",\"networks\":[{\"name\":\"db\","
                    + "\"segment\":6001}]}");
            long written = System.nanoTime();
            assertEquals(201, r.statusCode(), r.body());
            JsonNode cfg = JSON.readTree(r.body()).get("config");
            assertEquals("zookeeper:/visible/config", cfg.get("shared").asText(), r.body());
            assertEquals(v0 + 1, cfg.get("version").asLong());
            assertTrue(a.tenants().contains("globex"), "in force on the instance written to when it answers");
            for (Instance other : List.of(b, c)) {
                await(() -> other.tenants().contains("globex"), Duration.ofSeconds(10), () -> other.id() + " "
                        + other.tenants());
                long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - written);
                System.out.printf("[cluster] a REST write on weft-1 in force on %s after %d ms%n", other.id(), ms);
                assertTrue(ms <= 1000, other.id() + ": " + ms + " ms");
            }
            // Every instance: the same version, GET says so, and its own file shows it (its cluster: section kept).
            for (Instance i : List.of(a, b, c)) {
                await(() -> i.version() == v0 + 1, Duration.ofSeconds(10), () -> i.id() + " at " + i.version());
                JsonNode tenants = JSON.readTree(get(i, "/tenants").body());
                assertTrue(tenants.toString().contains("globex"), tenants.toString());
                assertEquals(v0 + 1, JSON.readTree(get(i, "/cluster").body()).path("config").path("version").asLong());
                await(() -> read(i.file()).contains("globex"), Duration.ofSeconds(10), () -> read(i.file()));
                WeftConfig fromFile = ConfigLoader.load(i.file());
                assertEquals(i.id(), fromFile.cluster().instance(), read(i.file()));
                assertEquals(List.of("acme", "globex"), fromFile.network().tenants().stream().map(Tenant::name).toList());
                assertTrue(read(i.file()).contains("# shared by the cluster"), "comments kept: " + read(i.file()));
            }

            // A reload of an edited file on weft-3 publishes it: everyone applies it, weft-1's file shows it.
            String edited = read(c.file()).replace("name: globex", "name: globex2");
            Files.writeString(c.file(), edited);
            HttpResponse<String> reload = post(c, "/reload", "");
            assertEquals(200, reload.statusCode(), reload.body());
            for (Instance i : List.of(a, b, c)) {
                await(() -> i.tenants().equals(List.of("acme", "globex2")), Duration.ofSeconds(10),
                        () -> i.id() + " " + i.tenants());
                await(() -> read(i.file()).contains("globex2"), Duration.ofSeconds(10), () -> read(i.file()));
                assertEquals(v0 + 2, i.version());
            }
        }
    }

    @Test
    void ofTwoRacingWritesOfOneTenantExactlyOneWinsAndDifferentTenantsBothLand() throws Exception {
        try (Instance a = start("weft-1", "/race", false); Instance b = start("weft-2", "/race", false)) {
            // What one instance answers to the second add of the same tenant: the answer to the loser.
            assertEquals(201, post(a, "/tenants", "{\"name\":\"solo\"}").statusCode());
            HttpResponse<String> single = post(a, "/tenants", "{\"name\":\"solo\"}");
            assertEquals(409, single.statusCode(), single.body());
            JsonNode singleBody = JSON.readTree(single.body());
            for (int round = 0; round < 5; round++) {
                String name = "initech" + round;
                List<HttpResponse<String>> both = race(post(a, name, 7000 + round), post(b, name, 7100 + round));
                List<Integer> codes = both.stream().map(HttpResponse::statusCode).sorted().toList();
                assertEquals(List.of(201, 409), codes, both.stream().map(HttpResponse::body).toList().toString());
                JsonNode loser = JSON.readTree(both.stream().filter(x -> x.statusCode() == 409).findFirst()
                        .orElseThrow().body());
                assertEquals(singleBody.get("error"), loser.get("error"));
                assertEquals(singleBody.get("field"), loser.get("field"));
                assertTrue(loser.get("message").asText().contains("tenant '" + name + "' is defined twice"),
                        loser.toString());
            }
            for (int round = 0; round < 5; round++) {
                List<HttpResponse<String>> both = race(post(a, "left" + round, 8000 + round),
                        post(b, "right" + round, 8100 + round));
                assertEquals(List.of(201, 201), both.stream().map(HttpResponse::statusCode).toList(),
                        both.stream().map(HttpResponse::body).toList().toString());
            }
            await(() -> a.version() == b.version() && a.tenants().equals(b.tenants()), Duration.ofSeconds(10),
                    () -> a.version() + " " + a.tenants() + " / " + b.version() + " " + b.tenants());
            assertEquals(17, a.tenants().size(), a.tenants().toString()); // acme, solo, 5 initech, 5 left, 5 right
            assertEquals(ConfigLoader.load(a.file()).network().tenants(), ConfigLoader.load(b.file()).network().tenants());
        }
    }

    @Test
    void aCutOffInstanceRefusesWritesAndCatchesUpOnRejoin() throws Exception {
        try (Instance a = start("weft-1", "/cut", false); Instance c = start("weft-3", "/cut", true)) {
            long v0 = c.version();
            String fileBefore = read(c.file());
            c.proxy().cut();
            await(() -> !"CONNECTED".equals(c.cluster().zookeeperState())
                    && !"RECONNECTED".equals(c.cluster().zookeeperState()), Duration.ofSeconds(30),
                    () -> c.cluster().zookeeperState());
            HttpResponse<String> refused = post(c, "/tenants", "{\"name\":\"local-only\"}");
            assertEquals(503, refused.statusCode(), refused.body());
            assertEquals("shared-config-unavailable", JSON.readTree(refused.body()).get("error").asText());
            assertTrue(refused.body().contains("nothing was changed"), refused.body());
            // A reload of an edited file is refused too, and puts nothing in force.
            Files.writeString(c.file(), fileBefore.replace("name: acme", "name: acme-edited"));
            HttpResponse<String> reload = post(c, "/reload", "");
            assertEquals(503, reload.statusCode(), reload.body());
            assertEquals(List.of("acme"), c.tenants());
            Files.writeString(c.file(), fileBefore);
            assertFalse(a.tenants().contains("local-only"));

            // Meanwhile weft-1 writes; weft-3 catches up with it once it can reach ZooKeeper again.
            assertEquals(201, post(a, "/tenants", "{\"name\":\"while-cut\"}").statusCode());
            assertEquals(List.of("acme"), c.tenants());
            c.proxy().heal();
            await(() -> c.tenants().equals(List.of("acme", "while-cut")) && c.version() == v0 + 1,
                    Duration.ofSeconds(60), () -> c.version() + " " + c.tenants());
            await(() -> read(c.file()).contains("while-cut"), Duration.ofSeconds(10), () -> read(c.file()));
            await(() -> post(c, "/tenants", "{\"name\":\"after\"}").statusCode() == 201, Duration.ofSeconds(30),
                    () -> "weft-3 still refuses writes");
            await(() -> a.tenants().contains("after"), Duration.ofSeconds(10), () -> a.tenants().toString());
        }
    }

    @Test
    void writesWorkAgainAfterTheZooKeeperLeaderIsKilled() throws Exception {
        try (Instance a = start("weft-1", "/leader", false); Instance b = start("weft-2", "/leader", false)) {
            assertEquals(201, post(a, "/tenants", "{\"name\":\"before\"}").statusCode());
            InstanceSpec leader = zk.getInstances().stream().filter(SharedConfigOnZkTest::isLeader).findFirst()
                    .orElseThrow();
            long t0 = System.nanoTime();
            assertTrue(zk.killServer(leader));
            try {
                await(() -> zk.getInstances().stream().filter(i -> !i.equals(leader))
                        .anyMatch(SharedConfigOnZkTest::isLeader), Duration.ofSeconds(60), () -> "no new leader");
                // Writes refused (503) while the instances have no session, accepted again once they do.
                long[] refusals = {0};
                await(() -> {
                    int code = post(b, "/tenants", "{\"name\":\"after\"}").statusCode();
                    refusals[0] += code == 503 ? 1 : 0;
                    return code == 201;
                }, Duration.ofSeconds(60), () -> "writes still refused");
                System.out.printf("[cluster] ZooKeeper leader %d killed: a write landed again after %d ms (%d refused "
                        + "with 503 meanwhile)%n", leader.getServerId(),
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0), refusals[0]);
                await(() -> a.tenants().equals(List.of("acme", "before", "after")) && a.version() == b.version(),
                        Duration.ofSeconds(30), () -> a.tenants() + " " + a.version() + "/" + b.version());
            } finally {
                zk.restartServer(leader);
            }
        }
    }

    /**
     * The file watch reloads after every write-back; a reload that read the file just before a
     * newer version was written into it must not publish that older text over the newer version.
     */
    @Test
    void aReloadThatReadTheFileBeforeANewerVersionLandedUndoesNothing() throws Exception {
        try (Instance a = start("weft-1", "/stale-reload", false); Instance b = start("weft-2", "/stale-reload", false)) {
            String before = read(a.file());
            WeftConfig parsed = ConfigLoader.parse(before, a.file().toString());
            assertEquals(201, post(b, "/tenants", "{\"name\":\"newer\"}").statusCode());
            await(() -> read(a.file()).contains("newer") && a.version() == b.version(), Duration.ofSeconds(10),
                    () -> read(a.file()));
            long v = a.version();
            // What the watch's reload does with the text it read before the write-back.
            var r = a.controller().sharedConfig().orElseThrow().publish(before, parsed);
            assertEquals(dev.weft.core.config.ReloadResult.Outcome.UNCHANGED, r.outcome(), r.message());
            assertEquals(v, a.version());
            assertEquals(List.of("acme", "newer"), a.tenants());
            assertEquals(List.of("acme", "newer"), b.tenants());
            assertEquals(v, a.controller().sharedConfig().orElseThrow().read().version(), "nothing published");
        }
    }

    @Test
    void anInvalidVersionPutIntoZooKeeperIsAppliedNowhere() throws Exception {
        try (Instance a = start("weft-1", "/invalid", false); Instance b = start("weft-2", "/invalid", false);
             CuratorFramework raw = CuratorFrameworkFactory.newClient(zk.getConnectString(), new RetryOneTime(100))) {
            raw.start();
            long v0 = a.version();
            // Two networks with one segment id: what the API and a reload would refuse, written by hand.
            raw.setData().forPath("/invalid/config", (SEED + "  - name: evil\n    networks:\n      - name: x\n"
                    + "        segment: 5001\n").getBytes(StandardCharsets.UTF_8));
            for (Instance i : List.of(a, b)) {
                await(() -> i.cluster().config().orElseThrow().rejected() == v0 + 1, Duration.ofSeconds(10),
                        () -> i.id() + " " + i.cluster().config());
                assertEquals(v0, i.version());
                assertEquals(List.of("acme"), i.tenants());
                assertFalse(read(i.file()).contains("evil"));
                JsonNode cl = JSON.readTree(get(i, "/cluster").body()).get("config");
                assertEquals(v0 + 1, cl.get("rejected-version").asLong());
                assertTrue(cl.get("rejection").asText().contains("5001"), cl.toString());
            }
            // A write on top of it: the API refuses to build on an invalid document; a valid version is applied.
            assertEquals(409, post(a, "/tenants", "{\"name\":\"next\"}").statusCode());
            raw.setData().forPath("/invalid/config", (SEED + "  - name: good\n").getBytes(StandardCharsets.UTF_8));
            for (Instance i : List.of(a, b)) {
                await(() -> i.tenants().equals(List.of("acme", "good")), Duration.ofSeconds(10), () -> i.tenants().toString());
                assertEquals(v0 + 2, i.version());
            }
        }
    }

    // ---- helpers -----------------------------------------------------------------------------------

    private static Supplier<HttpResponse<String>> post(Instance i, String tenant, int segment) {
        return () -> post(i, "/tenants", "{\"name\":\"" + tenant + "\",\"networks\":[{\"name\":\"n\",\"segment\":"
                + segment + "}]}");
    }

    /** Both requests sent at the same moment from two threads. */
    private static List<HttpResponse<String>> race(Supplier<HttpResponse<String>> x, Supplier<HttpResponse<String>> y) {
        CountDownLatch go = new CountDownLatch(1);
        CompletableFuture<HttpResponse<String>> fx = CompletableFuture.supplyAsync(() -> at(go, x));
        CompletableFuture<HttpResponse<String>> fy = CompletableFuture.supplyAsync(() -> at(go, y));
        go.countDown();
        return List.of(fx.join(), fy.join());
    }

    private static HttpResponse<String> at(CountDownLatch go, Supplier<HttpResponse<String>> s) {
        try {
            go.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return s.get();
    }

    private static HttpResponse<String> post(Instance i, String path, String body) {
        return send(HttpRequest.newBuilder(i.uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).timeout(Duration.ofSeconds(60)).build());
    }

    private static HttpResponse<String> get(Instance i, String path) {
        return send(HttpRequest.newBuilder(i.uri(path)).timeout(Duration.ofSeconds(30)).build());
    }

    private static HttpResponse<String> send(HttpRequest r) {
        try {
            return HTTP.send(r, HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(r.uri() + ": " + e, e);
        }
    }

    private static String read(Path f) {
        try {
            return Files.readString(f);
        } catch (Exception e) {
            return "";
        }
    }

    private static boolean isLeader(InstanceSpec spec) {
        try (Socket s = new Socket("127.0.0.1", spec.getPort())) {
            s.setSoTimeout(2000);
            OutputStream out = s.getOutputStream();
            out.write("srvr".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII).contains("Mode: leader");
        } catch (Exception e) {
            return false;
        }
    }

    private static void await(BooleanSupplier condition, Duration max, Supplier<String> what) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + max.toSeconds() + " s: " + what.get());
            }
            Thread.sleep(5);
        }
    }
}
