package dev.weft.ovsdb.rpc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.handler.codec.json.JsonObjectDecoder;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.IdleStateHandler;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A connection to one OVSDB server (RFC 7047): {@link #transact}, {@link #monitor} (with its
 * updates), {@link #echo}, {@link #listDbs}, {@link #getSchema}. Requests may be sent from any
 * thread; their futures complete, and monitor updates are delivered in order, on the
 * connection's event loop, so callers must not block there (hop to their own thread).
 *
 * <p>The server's own {@code echo} probes are answered. When the server says nothing for
 * {@link Options#probeInterval()} the client sends an echo; a second silent interval closes the
 * connection (a dead peer is noticed, and its pending requests fail). Input that is not JSON-RPC
 * closes the connection too; replies to unknown ids are ignored.
 */
public final class OvsdbClient implements AutoCloseable {
    static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    /**
     * @param ssl             the client's TLS context, needed for {@code ssl:} addresses
     * @param connectTimeout  how long a connection attempt may take
     * @param requestTimeout  how long a request waits for its reply
     * @param probeInterval   silence after which the server is probed (then dropped)
     * @param maxMessageBytes the largest JSON message accepted (a monitor's first reply holds a whole table)
     */
    public record Options(Optional<SslContext> ssl, Duration connectTimeout, Duration requestTimeout,
            Duration probeInterval, int maxMessageBytes) {
        public Options {
            Objects.requireNonNull(ssl, "ssl");
            Objects.requireNonNull(connectTimeout, "connectTimeout");
            Objects.requireNonNull(requestTimeout, "requestTimeout");
            Objects.requireNonNull(probeInterval, "probeInterval");
        }

        public static Options defaults() {
            return new Options(Optional.empty(), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(5),
                    64 << 20);
        }

        public Options withSsl(SslContext ctx) {
            return new Options(Optional.of(ctx), connectTimeout, requestTimeout, probeInterval, maxMessageBytes);
        }
    }

    private final Channel channel;
    private final OvsdbAddress address;
    private final Options options;
    private final AtomicLong ids = new AtomicLong();
    private final Map<Long, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final Map<String, Consumer<JsonNode>> monitors = new ConcurrentHashMap<>();
    private final CompletableFuture<String> closed = new CompletableFuture<>();

    private OvsdbClient(Channel channel, OvsdbAddress address, Options options) {
        this.channel = channel;
        this.address = address;
        this.options = options;
    }

    /** An event loop group that can reach every kind of address (epoll where Linux has it). */
    public static EventLoopGroup newGroup(int threads, java.util.concurrent.ThreadFactory names) {
        return io.netty.channel.epoll.Epoll.isAvailable() ? new EpollEventLoopGroup(threads, names)
                : new io.netty.channel.nio.NioEventLoopGroup(threads, names);
    }

    /**
     * Connect; the future fails with the reason (refused, no such socket, TLS, timeout) as an
     * {@link OvsdbException} of error {@code connect failed}.
     */
    public static CompletableFuture<OvsdbClient> connect(OvsdbAddress address, Options options, EventLoopGroup group) {
        CompletableFuture<OvsdbClient> result = new CompletableFuture<>();
        boolean epoll = group instanceof EpollEventLoopGroup;
        if (address.kind() == OvsdbAddress.Kind.UNIX && !epoll) {
            result.completeExceptionally(new OvsdbException("connect failed",
                    address + ": unix sockets need the epoll transport (Linux)"));
            return result;
        }
        if (address.kind() == OvsdbAddress.Kind.SSL && options.ssl().isEmpty()) {
            result.completeExceptionally(new OvsdbException("connect failed",
                    address + ": an ssl: address needs a TLS key, certificate and CA"));
            return result;
        }
        OvsdbClient[] made = new OvsdbClient[1];
        Bootstrap b = new Bootstrap().group(group)
                .channel(address.kind() == OvsdbAddress.Kind.UNIX ? EpollDomainSocketChannel.class
                        : epoll ? EpollSocketChannel.class : NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) options.connectTimeout().toMillis())
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        if (address.kind() == OvsdbAddress.Kind.SSL) {
                            ch.pipeline().addLast("tls", options.ssl().get().newHandler(ch.alloc(), address.host(),
                                    address.port()));
                        }
                        made[0] = attach(ch, address, options);
                    }
                });
        ChannelFuture f = b.connect(address.kind() == OvsdbAddress.Kind.UNIX
                ? new DomainSocketAddress(address.path().toFile())
                : InetSocketAddress.createUnresolved(address.host(), address.port()));
        f.addListener(done -> {
            if (!done.isSuccess()) {
                result.completeExceptionally(new OvsdbException("connect failed",
                        address + ": " + rootMessage(done.cause())));
                return;
            }
            OvsdbClient c = made[0];
            if (address.kind() == OvsdbAddress.Kind.SSL) {
                f.channel().pipeline().get(io.netty.handler.ssl.SslHandler.class).handshakeFuture().addListener(h -> {
                    if (h.isSuccess()) {
                        result.complete(c);
                    } else {
                        result.completeExceptionally(new OvsdbException("connect failed",
                                address + ": TLS: " + rootMessage(h.cause())));
                        f.channel().close();
                    }
                });
            } else {
                result.complete(c);
            }
        });
        return result;
    }

    /** The client's handlers on a channel (after TLS, if any); how tests drive it over an embedded channel. */
    static OvsdbClient attach(Channel ch, OvsdbAddress address, Options options) {
        OvsdbClient c = new OvsdbClient(ch, address, options);
        long probe = options.probeInterval().toMillis();
        ch.pipeline().addLast("idle", new IdleStateHandler(probe, 0, 0, TimeUnit.MILLISECONDS))
                .addLast("frames", new JsonObjectDecoder(options.maxMessageBytes()))
                .addLast("json", new JsonCodec.Decoder())
                .addLast("encoder", new JsonCodec.Encoder())
                .addLast("rpc", new RpcHandler(c));
        ch.closeFuture().addListener(x -> c.closedNow());
        return c;
    }

    private static String rootMessage(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
    }

    public OvsdbAddress address() {
        return address;
    }

    /** Completes, with the reason, when the connection has closed (whichever side closed it). */
    public CompletableFuture<String> closed() {
        return closed;
    }

    public boolean isOpen() {
        return channel.isActive();
    }

    /** Send a request; the future completes with its {@code result} or fails with an {@link OvsdbException}. */
    public CompletableFuture<JsonNode> call(String method, ArrayNode params) {
        long id = ids.incrementAndGet();
        CompletableFuture<JsonNode> f = new CompletableFuture<>();
        if (closed.isDone()) {
            f.completeExceptionally(new OvsdbException("connection closed", closed.getNow("")));
            return f;
        }
        pending.put(id, f);
        ObjectNode req = JSON.objectNode().put("method", method).put("id", id);
        req.set("params", params);
        var timeout = channel.eventLoop().schedule(() -> {
            if (pending.remove(id) != null) {
                f.completeExceptionally(new OvsdbException("timeout", method + ": no reply from " + address
                        + " within " + options.requestTimeout().toMillis() + " ms"));
            }
        }, options.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
        f.whenComplete((r, e) -> timeout.cancel(false));
        channel.writeAndFlush(req).addListener(w -> {
            if (!w.isSuccess() && pending.remove(id) != null) {
                f.completeExceptionally(new OvsdbException("connection closed", rootMessage(w.cause())));
            }
        });
        // Closed between the check and put: closedNow() may have swept before we were added.
        if (closed.isDone() && pending.remove(id) != null) {
            f.completeExceptionally(new OvsdbException("connection closed", closed.getNow("")));
        }
        return f;
    }

    public CompletableFuture<JsonNode> echo() {
        return call("echo", JSON.arrayNode().add("weft"));
    }

    public CompletableFuture<List<String>> listDbs() {
        return call("list_dbs", JSON.arrayNode()).thenApply(r -> {
            List<String> dbs = new ArrayList<>();
            r.forEach(n -> dbs.add(n.asText()));
            return List.copyOf(dbs);
        });
    }

    public CompletableFuture<JsonNode> getSchema(String db) {
        return call("get_schema", JSON.arrayNode().add(db));
    }

    /**
     * Run operations as one transaction. Completes with the per-operation results when every
     * operation succeeded and the transaction committed; fails with the first operation's error
     * otherwise (RFC 7047 4.1.3: the transaction then changed nothing).
     */
    public CompletableFuture<ArrayNode> transact(String db, List<ObjectNode> operations) {
        ArrayNode params = JSON.arrayNode().add(db);
        operations.forEach(params::add);
        return call("transact", params).thenApply(r -> {
            if (!r.isArray()) {
                throw new OvsdbException("bad reply", "transact result is not an array: " + r);
            }
            for (int i = 0; i < r.size(); i++) {
                JsonNode res = r.get(i);
                if (res != null && res.hasNonNull("error")) {
                    String where = i < operations.size() ? "operation " + i + " (" + operations.get(i).path("op").asText()
                            + " " + operations.get(i).path("table").asText() + ")" : "commit";
                    throw new OvsdbException(res.get("error").asText(),
                            where + ": " + res.path("details").asText(""));
                }
            }
            return (ArrayNode) r;
        });
    }

    /**
     * Start monitoring: completes with the initial contents ({@code table-updates}); every later
     * change arrives, in order, at {@code onUpdate} as a {@code table-updates} object.
     */
    public CompletableFuture<JsonNode> monitor(String db, String monitorId, ObjectNode requests,
            Consumer<JsonNode> onUpdate) {
        monitors.put(monitorId, onUpdate);
        return call("monitor", JSON.arrayNode().add(db).add(monitorId).add(requests)).whenComplete((r, e) -> {
            if (e != null) {
                monitors.remove(monitorId);
            }
        });
    }

    public CompletableFuture<JsonNode> monitorCancel(String monitorId) {
        return call("monitor_cancel", JSON.arrayNode().add(monitorId)).whenComplete((r, e) -> monitors.remove(monitorId));
    }

    @Override
    public void close() {
        channel.close();
    }

    // --- from the handler, on the event loop ---

    void reply(long id, JsonNode result, JsonNode error) {
        CompletableFuture<JsonNode> f = pending.remove(id);
        if (f == null) {
            return; // late (timed out) or not ours
        }
        if (error != null && !error.isNull()) {
            f.completeExceptionally(new OvsdbException(error.isObject() ? error.path("error").asText(error.toString())
                    : error.asText(error.toString()), error.isObject() ? error.path("details").asText("") : ""));
        } else {
            f.complete(result == null ? JSON.nullNode() : result);
        }
    }

    boolean update(String monitorId, JsonNode tableUpdates) {
        Consumer<JsonNode> m = monitors.get(monitorId);
        if (m == null) {
            return false;
        }
        m.accept(tableUpdates);
        return true;
    }

    void closing(String reason) {
        closed.complete(reason);
    }

    private void closedNow() {
        closed.complete("connection closed");
        String why = closed.getNow("connection closed");
        for (Long id : List.copyOf(pending.keySet())) {
            CompletableFuture<JsonNode> f = pending.remove(id);
            if (f != null) {
                f.completeExceptionally(new OvsdbException("connection closed", address + ": " + why));
            }
        }
        monitors.clear();
    }
}
