package dev.weft.rest;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.stream.ChunkedWriteHandler;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The northbound HTTP server: Netty's HTTP codec on its own single event loop ({@code weft-http})
 * and JSON bodies, no servlet container. Requests are answered from snapshots on that thread, or
 * later from a future (a switch's reply, the control lane); writes to the config file run one at
 * a time on {@code weft-rest-write}. Nothing here ever runs on, or blocks, a dispatch lane.
 */
public final class RestServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RestServer.class);
    /** The longest request line and the most header bytes a request may have (414, 431 beyond). */
    static final int MAX_INITIAL_LINE = 8192;
    static final int MAX_HEADER_BYTES = 16384;
    /** A connection's queued output: writable again below the low mark, not above the high one. */
    static final int LOW_WATER = 32 * 1024;
    static final int HIGH_WATER = 64 * 1024;
    /** The socket send buffer of a connection (enough for 2.5 MB/s at 100 ms round trip). */
    static final int SEND_BUFFER = 256 * 1024;

    private final EventLoopGroup group;
    private final ExecutorService writer;
    private final Channel channel;
    private final InetSocketAddress address;
    private final List<Route> routes;
    private final ConnectionLimiter limiter;
    private final OutputBudget budget;
    private final AnswerCache answers = new AnswerCache();
    private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);

    /**
     * Bind and serve {@code routes} (see {@link RestApi}). Throws {@link IllegalStateException}
     * with a sentence when the address cannot be bound.
     */
    public RestServer(RestSettings settings, List<Route> routes, ExecutorService writer) {
        this(settings, routes, writer, RequestObserver.NONE);
    }

    /** The same, telling {@code observer} of every answer. */
    public RestServer(RestSettings settings, List<Route> routes, ExecutorService writer, RequestObserver observer) {
        this.routes = List.copyOf(routes);
        this.writer = writer;
        this.group = new NioEventLoopGroup(1, new DefaultThreadFactory("weft-http", true));
        ObjectMapper json = mapper();
        Refusals refusals = new Refusals(json);
        RestLimits limits = settings.limits();
        io.netty.handler.ssl.SslContext tls;
        try {
            tls = settings.tls().map(dev.weft.core.tls.PemTls::serverContext).orElse(null);
        } catch (IllegalArgumentException e) {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            writer.shutdownNow();
            throw new IllegalStateException("the REST API cannot serve HTTPS: " + e.getMessage(), e);
        }
        this.limiter = new ConnectionLimiter(limits, tls == null);
        this.budget = new OutputBudget(limits.maxOutputBytes());
        budget.onShortage(answers::dropIdle);
        AnswerWriter answerWriter = new AnswerWriter(json, refusals, budget, answers, limits.sendTimeout());
        try {
            ServerBootstrap b = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                    .option(ChannelOption.SO_REUSEADDR, true)
                    // What a connection may have queued before it counts as unwritable: answers
                    // are sent in slices only while it is writable (BodyInput).
                    .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(LOW_WATER, HIGH_WATER))
                    // And what the kernel may hold for it: without this, Linux grows a socket's
                    // send buffer to megabytes (loopback: a whole large answer per connection).
                    .childOption(ChannelOption.SO_SNDBUF, SEND_BUFFER)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            // The order matters: a refused connection costs no TLS handshake; the
                            // deadlines see the first byte of a request, then its decoded parts.
                            connections.add(ch);
                            ch.pipeline().addLast("limit", limiter);
                            if (tls != null) {
                                ch.pipeline().addLast("tls", tls.newHandler(ch.alloc()));
                            }
                            RequestDeadlines deadlines = new RequestDeadlines(limits, refusals);
                            ch.pipeline().addLast("first-byte", deadlines.bytes())
                                    .addLast("idle", new IdleStateHandler(0, 0, 120))
                                    .addLast("http", new HttpServerCodec(new HttpDecoderConfig()
                                            .setMaxInitialLineLength(MAX_INITIAL_LINE)
                                            .setMaxHeaderSize(MAX_HEADER_BYTES)))
                                    .addLast("deadlines", deadlines.messages())
                                    .addLast("gate", new EarlyGate(settings, refusals))
                                    .addLast("aggregate", new BoundedAggregator(limits.maxBodyBytes(), refusals))
                                    .addLast("chunked", new ChunkedWriteHandler())
                                    .addLast("api", new RestHandler(RestServer.this.routes, answerWriter, observer));
                        }
                    });
            this.channel = b.bind(settings.listen()).syncUninterruptibly().channel();
        } catch (Exception e) { // Netty rethrows the bind's IOException unchecked

            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            writer.shutdownNow();
            throw new IllegalStateException("the REST API cannot listen on " + RestSettings.text(settings.listen())
                    + ": " + e.getMessage() + " (rest: listen, or --rest ADDR|off)", e);
        }
        this.address = (InetSocketAddress) channel.localAddress();
        log.info("REST API on {}://{}/api/v1 ({})", tls != null ? "https" : "http", RestSettings.text(address),
                settings.tokenRequired() ? "bearer token required" : "no token: loopback only");
    }

    /**
     * The JSON conventions of the API: indented (people read it with curl too); read strictly: a
     * key given twice, or anything after the value, is an error (never "the last one wins").
     */
    public static ObjectMapper mapper() {
        return JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT)
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
                .build();
    }

    /** A single thread for writes to the config file: they run one at a time, in arrival order. */
    public static ExecutorService newWriter() {
        return Executors.newSingleThreadExecutor(new DefaultThreadFactory("weft-rest-write", true));
    }

    public InetSocketAddress address() {
        return address;
    }

    public List<Route> routes() {
        return routes;
    }

    /** Connections open now (admitted or being refused). */
    int openConnections() {
        return limiter.open();
    }

    /** Connections refused for a limit since the start. */
    long refusedConnections() {
        return limiter.refused();
    }

    /** The bytes of answers held for sending now (each counted once, however many connections send it). */
    long outputBytes() {
        return budget.used();
    }

    /** The bytes of the answers kept for the next client who asks (part of {@link #outputBytes}). */
    long cachedBytes() {
        return answers.bytes();
    }

    /** {@code max-output-bytes}. */
    long outputLimit() {
        return budget.max();
    }

    /** The most bytes of answers ever held for sending at once. */
    long outputPeak() {
        return budget.peak();
    }

    /** The bytes queued in the connections' outbound buffers now (written, not yet taken by the socket). */
    long queuedBytes() {
        long n = 0;
        for (Channel ch : connections) {
            io.netty.channel.ChannelOutboundBuffer b = ch.unsafe().outboundBuffer();
            n += b == null ? 0 : b.totalPendingWriteBytes();
        }
        return n;
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        connections.close().awaitUninterruptibly();
        answers.clear();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        writer.shutdown();
        try {
            if (!writer.awaitTermination(5, TimeUnit.SECONDS)) {
                writer.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            writer.shutdownNow();
        }
    }
}
