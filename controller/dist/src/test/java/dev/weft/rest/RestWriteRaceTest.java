package dev.weft.rest;

import dev.weft.api.tenant.LogicalNetwork;
import dev.weft.core.config.ConfigLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Two clients add a network with the same segment id at the same moment, over and over: exactly
 * one gets 201 and the other 409, and the file always parses and holds that segment once.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RestWriteRaceTest {
    static final int ROUNDS = 20;

    @Test
    void twoAddsOfTheSameSegmentOneWins(@TempDir Path dir) throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(2);
        try (RestFabric f = new RestFabric(dir, RestFabric.YAML, false)) {
            for (int round = 0; round < ROUNDS; round++) {
                int segment = 8000 + round;
                CountDownLatch go = new CountDownLatch(1);
                List<Future<Http.Resp>> answers = new ArrayList<>();
                for (String tenant : List.of("acme", "globex")) {
                    String body = "{\"name\": \"race" + round + "\", \"segment\": " + segment + "}";
                    answers.add(clients.submit(() -> {
                        go.await();
                        return f.http.post("/api/v1/tenants/" + tenant + "/networks", body);
                    }));
                }
                go.countDown();
                List<Integer> statuses = new ArrayList<>();
                for (Future<Http.Resp> a : answers) {
                    statuses.add(a.get(30, TimeUnit.SECONDS).status());
                }
                statuses.sort(null);
                assertEquals(List.of(201, 409), statuses, "round " + round + ": " + answers.get(0).get() + " / "
                        + answers.get(1).get());
                var onDisk = ConfigLoader.load(f.file).network(); // parses: never half-written
                long withSegment = onDisk.networks().stream().map(LogicalNetwork::segment)
                        .filter(s -> s == segment).count();
                assertEquals(1, withSegment, "round " + round + ":\n" + Files.readString(f.file));
                assertEquals(onDisk, f.controller.tenants().config(), "the winner is in force");
            }
        } finally {
            clients.shutdownNow();
        }
    }
}
