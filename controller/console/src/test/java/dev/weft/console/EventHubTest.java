package dev.weft.console;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpContent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EventHubTest {
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
    private final EventHub hub = new EventHub(executor, "run-1");

    @AfterEach
    void stop() {
        executor.shutdownNow();
    }

    private static List<String> written(EmbeddedChannel ch) {
        List<String> out = new ArrayList<>();
        for (Object m; (m = ch.readOutbound()) != null; ) {
            ByteBuf b = ((HttpContent) m).content();
            out.add(b.toString(StandardCharsets.UTF_8));
            b.release();
        }
        return out;
    }

    @Test
    void aPageGetsHelloThenOneEventForWhateverChangedMeanwhile() {
        EmbeddedChannel page = new EmbeddedChannel();
        hub.open(page);
        assertEquals(List.of("event: hello\ndata: {\"instance\":\"run-1\",\"topics\":[\"switches\",\"links\",\"nodes\","
                + "\"tenants\",\"locations\",\"migrations\",\"flows\",\"alerts\"]}\n\n"), written(page));
        hub.mark(EventHub.Topic.LOCATIONS);
        hub.mark(EventHub.Topic.MIGRATIONS);
        hub.mark(EventHub.Topic.LOCATIONS);
        hub.flush();
        hub.flush(); // nothing new
        assertEquals(List.of("event: changed\ndata: {\"topics\":[\"locations\",\"migrations\"]}\n\n"), written(page));
        hub.traffic("{\"at\":\"x\"}");
        assertEquals(List.of("event: traffic\ndata: {\"at\":\"x\"}\n\n"), written(page));
        EmbeddedChannel late = new EmbeddedChannel();
        hub.open(late);
        List<String> l = written(late);
        assertEquals(2, l.size(), "a page that opens later gets the last traffic at once");
        assertTrue(l.get(1).startsWith("event: traffic"));
    }

    @Test
    void aPageThatDoesNotTakeWhatIsWrittenIsDisconnectedNotWaitedFor() {
        EmbeddedChannel slow = new EmbeddedChannel();
        EmbeddedChannel fine = new EmbeddedChannel();
        hub.open(slow);
        hub.open(fine);
        written(slow);
        written(fine);
        slow.unsafe().outboundBuffer().setUserDefinedWritability(1, false);
        assertFalse(slow.isWritable());
        hub.mark(EventHub.Topic.SWITCHES);
        hub.flush();
        assertFalse(slow.isOpen(), "closed");
        assertEquals(1, hub.streams());
        assertEquals(1, written(fine).size(), "the others still get it");
    }

    @Test
    void markingIsABitNeverAWait() {
        // From many threads at once, every topic marked ends up in one event.
        List<Thread> ts = new ArrayList<>();
        for (EventHub.Topic t : EventHub.Topic.values()) {
            Thread th = new Thread(() -> {
                for (int i = 0; i < 10_000; i++) {
                    hub.mark(t);
                }
            });
            ts.add(th);
            th.start();
        }
        ts.forEach(t -> {
            try {
                t.join();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        });
        EmbeddedChannel page = new EmbeddedChannel();
        hub.open(page);
        written(page);
        hub.flush();
        String e = written(page).get(0);
        for (EventHub.Topic t : EventHub.Topic.values()) {
            assertTrue(e.contains("\"" + t.label() + "\""), e);
        }
    }
}
