package dev.weft.rest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Over real HTTP: a {@code POST /reload} whose file does not come (the config path is a FIFO
 * nobody writes yet: a hung mount looks the same) holds neither the API's writes nor a later
 * reload once the file is fixed; its late reading, older than them, is not applied over them.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RestSlowReloadTest {

    @Test
    void aReloadStuckOnItsFileHoldsNoWriteAndNoOtherReload(@TempDir Path dir) throws Exception {
        try (RestFabric f = new RestFabric(dir, RestFabric.YAML, false)) {
            String good = Files.readString(f.file);
            Files.delete(f.file);
            Process mk = new ProcessBuilder("mkfifo", f.file.toString()).inheritIO().start();
            assertEquals(0, mk.waitFor());
            CompletableFuture<Http.Resp> stuck = CompletableFuture.supplyAsync(() -> {
                try {
                    return f.http.post("/api/v1/reload", "");
                } catch (Exception e) {
                    throw new CompletionException(e);
                }
            });
            // Opening the FIFO's writing end returns once the reload has opened it to read: it
            // now waits for the text.
            try (OutputStream fifo = Files.newOutputStream(f.file)) {
                // The operator fixes the file (an editor's rename over it).
                Path fixed = Files.writeString(dir.resolve(".weft.yaml.new"), good);
                Files.move(fixed, f.file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);

                Http.Resp added = f.http.post("/api/v1/tenants/acme/networks", "{\"name\": \"db\", \"segment\": 5002}");
                assertEquals(201, added.status(), added.toString());
                Http.Resp again = f.http.post("/api/v1/reload", "");
                assertEquals(200, again.status(), again.toString());
                assertEquals("unchanged", again.body().path("outcome").asText(), again.toString());
                assertFalse(stuck.isDone(), "the first reload still waits for its file");

                fifo.write(good.getBytes(StandardCharsets.UTF_8)); // the old text, without db
            }
            Http.Resp late = stuck.get(60, TimeUnit.SECONDS);
            assertEquals(200, late.status(), late.toString());
            assertEquals("unchanged", late.body().path("outcome").asText());
            assertEquals("a newer reading of the file is in force", late.body().path("message").asText());
            assertTrue(f.controller.tenants().config().network(5002).isPresent(), "the API's write stays in force");
        }
    }
}
