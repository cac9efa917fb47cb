package dev.weft.rest;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The deadlines of one connection: its request's headers must be in within {@code header-timeout}
 * (counted from connecting, or from the first byte of a later request), the whole request within
 * {@code request-timeout} of its first byte, and a keep-alive connection waiting for its next
 * request is closed after {@code idle-timeout}. A request too slow is answered 408 and its
 * connection closed, so a client that trickles a header line every few seconds holds a connection
 * for {@code header-timeout} at most. While a request is being answered (or an event stream is
 * open) no deadline runs: the handler's own reply timeout bounds the answer.
 *
 * <p>Two handlers share the state: {@link #bytes()} before the HTTP codec sees the first byte of
 * a request; {@link #messages()} after it sees the headers and the end of the body go in, and the
 * end of the answer go out. Everything runs on the connection's event loop.
 */
final class RequestDeadlines {
    private static final Logger log = LoggerFactory.getLogger(RequestDeadlines.class);

    private enum State { WAITING, READING, ANSWERING }

    private final RestLimits limits;
    private final Refusals refusals;
    private State state = State.WAITING;
    private ChannelHandlerContext out;
    private ScheduledFuture<?> headers;
    private ScheduledFuture<?> request;
    private ScheduledFuture<?> idle;

    RequestDeadlines(RestLimits limits, Refusals refusals) {
        this.limits = limits;
        this.refusals = refusals;
    }

    /** Goes before the HTTP codec (after TLS): a request's first byte starts its deadlines. */
    ChannelHandler bytes() {
        return new ChannelInboundHandlerAdapter() {
            @Override
            public void channelActive(ChannelHandlerContext ctx) {
                // A new connection has header-timeout for its first request's headers (TLS included).
                headers = schedule(ctx, limits.headerTimeout(), "headers");
                ctx.fireChannelActive();
            }

            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (state == State.WAITING && msg instanceof ByteBuf b && b.isReadable()) {
                    startRequest(ctx);
                }
                ctx.fireChannelRead(msg);
            }

            @Override
            public void channelInactive(ChannelHandlerContext ctx) {
                cancelAll();
                ctx.fireChannelInactive();
            }
        };
    }

    /** Goes right after the HTTP codec. */
    ChannelHandler messages() {
        return new ChannelDuplexHandler() {
            @Override
            public void handlerAdded(ChannelHandlerContext ctx) {
                out = ctx;
            }

            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (msg instanceof HttpRequest) {
                    if (state == State.WAITING) { // a pipelined request, read while the last was answered
                        startRequest(ctx);
                    }
                    headers = cancel(headers);
                }
                if (msg instanceof LastHttpContent) {
                    request = cancel(request);
                    headers = cancel(headers);
                    state = State.ANSWERING;
                }
                ctx.fireChannelRead(msg);
            }

            @Override
            public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
                if (msg instanceof LastHttpContent) {
                    promise = promise.unvoid();
                    promise.addListener(f -> {
                        if (f.isSuccess() && ctx.channel().isActive() && state == State.ANSWERING) {
                            state = State.WAITING;
                            idle = schedule(ctx, limits.idleTimeout(), "idle");
                        }
                    });
                }
                ctx.write(msg, promise);
            }
        };
    }

    private void startRequest(ChannelHandlerContext ctx) {
        state = State.READING;
        idle = cancel(idle);
        if (headers == null) {
            headers = schedule(ctx, limits.headerTimeout(), "headers");
        }
        if (request == null) {
            request = schedule(ctx, limits.requestTimeout(), "request");
        }
    }

    private ScheduledFuture<?> schedule(ChannelHandlerContext ctx, Duration after, String which) {
        return ctx.executor().schedule(() -> expired(which), after.toNanos(), TimeUnit.NANOSECONDS);
    }

    private void expired(String which) {
        if (out == null || !out.channel().isActive()) {
            return;
        }
        cancelAll();
        if (which.equals("idle")) {
            out.close();
            return;
        }
        Duration d = which.equals("headers") ? limits.headerTimeout() : limits.requestTimeout();
        log.debug("REST: {} from {} too slow ({} not in within {} ms); closing", which, out.channel().remoteAddress(),
                which, d.toMillis());
        refusals.refuse(out, new ApiException(HttpResponseStatus.REQUEST_TIMEOUT, "timeout", which.equals("headers")
                ? "the request's headers did not arrive within " + dev.weft.core.config.Durations.format(d)
                + " (rest: limits: header-timeout)"
                : "the request did not arrive whole within " + dev.weft.core.config.Durations.format(d)
                + " (rest: limits: request-timeout)", null));
    }

    private void cancelAll() {
        headers = cancel(headers);
        request = cancel(request);
        idle = cancel(idle);
    }

    private static ScheduledFuture<?> cancel(ScheduledFuture<?> f) {
        if (f != null) {
            f.cancel(false);
        }
        return null;
    }
}
