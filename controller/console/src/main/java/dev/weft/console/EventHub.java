package dev.weft.console;

import dev.weft.rest.EventStream;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.LastHttpContent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The page's live updates: a server-sent event stream ({@code GET /api/v1/events}) per open page.
 * Events say what changed, not what it is now ({@code changed} with topics such as
 * {@code switches} or {@code locations}; the page then reads those API routes again), except
 * traffic, which comes whole ({@code traffic}, after every read of the flow statistics).
 *
 * <p>Whatever notices a change (an observer on a switch's lane or the control lane) only sets a
 * bit ({@link #mark}: one compare-and-set, no lock, no allocation); the console's thread looks
 * at the bits every 100 ms and writes one event for all of them. A page that does not take what
 * is written (its connection stops being writable) is disconnected rather than waited for; it
 * reconnects and reads everything again.
 */
final class EventHub implements EventStream {
    private static final Logger log = LoggerFactory.getLogger(EventHub.class);
    static final int MAX_STREAMS = 64;
    static final long FLUSH_MS = 100;
    static final long HEARTBEAT_S = 15;

    enum Topic {
        SWITCHES, LINKS, NODES, TENANTS, LOCATIONS, MIGRATIONS, FLOWS, ALERTS;

        final int bit = 1 << ordinal();

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final ScheduledExecutorService executor;
    private final String instance;
    private final AtomicInteger dirty = new AtomicInteger();
    private final Set<Channel> streams = ConcurrentHashMap.newKeySet();
    private volatile String lastTraffic;

    /** @param instance identifies this run of the controller (a page that sees it change reloads) */
    EventHub(ScheduledExecutorService executor, String instance) {
        this.executor = executor;
        this.instance = instance;
    }

    void start() {
        executor.scheduleWithFixedDelay(this::flush, FLUSH_MS, FLUSH_MS, TimeUnit.MILLISECONDS);
        executor.scheduleWithFixedDelay(() -> send(": keep-alive\n\n"), HEARTBEAT_S, HEARTBEAT_S, TimeUnit.SECONDS);
    }

    /** Any thread, never waits: {@code t} changed. */
    void mark(Topic t) {
        while (true) {
            int x = dirty.get();
            if ((x & t.bit) != 0 || dirty.compareAndSet(x, x | t.bit)) {
                return;
            }
        }
    }

    /** HTTP thread: a page opened the stream (its answer's head is written). */
    @Override
    public void open(Channel ch) {
        if (streams.size() >= MAX_STREAMS) {
            log.warn("more than {} pages follow the console's events; one from {} is turned away", MAX_STREAMS,
                    ch.remoteAddress());
            ch.writeAndFlush(content(event("busy", "{\"message\":\"too many open console pages\"}")));
            ch.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT).addListener(f -> ch.close());
            return;
        }
        streams.add(ch);
        ch.closeFuture().addListener(f -> streams.remove(ch));
        StringBuilder hello = new StringBuilder("{\"instance\":\"").append(instance).append("\",\"topics\":[");
        for (Topic t : Topic.values()) {
            hello.append(t.ordinal() == 0 ? "" : ",").append('"').append(t.label()).append('"');
        }
        write(ch, event("hello", hello.append("]}").toString()));
        String traffic = lastTraffic;
        if (traffic != null) {
            write(ch, event("traffic", traffic));
        }
    }

    /** Console thread: a traffic read, as JSON. */
    void traffic(String json) {
        lastTraffic = json;
        send(event("traffic", json));
    }

    /** Console thread: one event for everything marked since the last time. */
    void flush() {
        int bits = dirty.getAndSet(0);
        if (bits == 0) {
            return;
        }
        List<String> topics = new ArrayList<>();
        for (Topic t : Topic.values()) {
            if ((bits & t.bit) != 0) {
                topics.add("\"" + t.label() + "\"");
            }
        }
        send(event("changed", "{\"topics\":[" + String.join(",", topics) + "]}"));
    }

    int streams() {
        return streams.size();
    }

    private void send(String text) {
        for (Channel ch : streams) {
            write(ch, text);
        }
    }

    private void write(Channel ch, String text) {
        if (!ch.isActive()) {
            streams.remove(ch);
        } else if (!ch.isWritable()) {
            log.debug("console page at {} does not keep up with its events; disconnected", ch.remoteAddress());
            streams.remove(ch);
            ch.close();
        } else {
            ch.writeAndFlush(content(text), ch.voidPromise());
        }
    }

    static String event(String name, String data) {
        return "event: " + name + "\ndata: " + data + "\n\n";
    }

    private static DefaultHttpContent content(String text) {
        return new DefaultHttpContent(Unpooled.wrappedBuffer(text.getBytes(StandardCharsets.UTF_8)));
    }

    /** End every stream (the controller stops). */
    void close() {
        for (Channel ch : streams) {
            ch.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT).addListener(f -> ch.close());
        }
        streams.clear();
    }
}
