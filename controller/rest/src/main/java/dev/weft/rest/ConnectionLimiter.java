package dev.weft.rest;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts the open connections, in all and per client (an IPv4 address; an IPv6 /64, since one
 * host owns a whole /64 and can connect from any address in it), and refuses one over either limit
 * at once: a plain-HTTP client is told why (503 or 429, {@code Connection: close}), a TLS one is
 * just closed (answering would cost a handshake). The first handler of every connection; it
 * leaves the pipeline once the connection is admitted and gives its count back when it closes.
 * A flood of connections therefore holds at most {@code max-connections} file descriptors.
 */
@ChannelHandler.Sharable
final class ConnectionLimiter extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(ConnectionLimiter.class);

    private final int max;
    private final int perClient;
    private final boolean plain;
    private final AtomicInteger open = new AtomicInteger();
    private final Map<InetAddress, AtomicInteger> byClient = new ConcurrentHashMap<>();
    private final AtomicLong refused = new AtomicLong();

    ConnectionLimiter(RestLimits limits, boolean plain) {
        this.max = limits.maxConnections();
        this.perClient = limits.maxConnectionsPerClient();
        this.plain = plain;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        InetAddress client = ctx.channel().remoteAddress() instanceof InetSocketAddress a ? client(a.getAddress())
                : null;
        int total = open.incrementAndGet();
        AtomicInteger mine = client == null ? new AtomicInteger() : byClient.computeIfAbsent(client,
                k -> new AtomicInteger());
        int fromClient = mine.incrementAndGet();
        ctx.channel().closeFuture().addListener(f -> release(client, mine));
        if (total > max || fromClient > perClient) {
            boolean all = total > max;
            long n = refused.incrementAndGet();
            if (n == 1 || n % 1000 == 0) { // a flood must not flood the log too
                log.warn("REST: refused a connection from {} ({} in all): {} (refused so far: {})",
                        text(client), total - 1, all
                                ? "max-connections " + max + " reached" : "max-connections-per-client " + perClient
                                + " reached", n);
            }
            refuse(ctx, all);
            return;
        }
        ctx.pipeline().remove(this);
        ctx.fireChannelActive();
    }

    /** Who a connection from {@code a} counts against: the address itself (IPv4), or its /64 (IPv6). */
    static InetAddress client(InetAddress a) {
        if (!(a instanceof Inet6Address)) {
            return a;
        }
        byte[] b = a.getAddress();
        Arrays.fill(b, 8, 16, (byte) 0);
        try {
            return InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // 16 bytes are always an address
        }
    }

    private static String text(InetAddress client) {
        if (client == null) {
            return "?";
        }
        return client instanceof Inet6Address ? client.getHostAddress().replaceAll("(^|:)0(:0)*:0$", "::") + "/64"
                : client.getHostAddress();
    }

    private void release(InetAddress client, AtomicInteger mine) {
        open.decrementAndGet();
        if (client != null && mine.decrementAndGet() == 0) {
            byClient.remove(client, mine);
        }
    }

    private void refuse(ChannelHandlerContext ctx, boolean all) {
        ctx.channel().config().setAutoRead(false);
        if (!plain) {
            ctx.close();
            return;
        }
        String body = all
                ? "{\"error\":\"busy\",\"message\":\"the server has as many connections as it takes (" + max
                + "); try again shortly\"}\n"
                : "{\"error\":\"too-many-connections\",\"message\":\"this client (an IPv4 address, an IPv6 /64) has as "
                + "many connections open as it may (" + perClient + "); reuse one (keep-alive) or close some\"}\n";
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 " + (all ? "503 Service Unavailable" : "429 Too Many Requests") + "\r\n"
                + "Content-Type: application/json; charset=utf-8\r\nContent-Length: " + b.length + "\r\n"
                + "Cache-Control: no-store\r\nRetry-After: 1\r\nConnection: close\r\n\r\n";
        ctx.writeAndFlush(Unpooled.wrappedBuffer(head.getBytes(StandardCharsets.US_ASCII), b))
                .addListener(ChannelFutureListener.CLOSE);
    }

    /** Connections open now (for tests and the log). */
    int open() {
        return open.get();
    }

    long refused() {
        return refused.get();
    }
}
