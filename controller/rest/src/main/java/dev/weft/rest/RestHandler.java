package dev.weft.rest;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.util.ReferenceCountUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.timeout.IdleStateEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Routes a whole request (already admitted by {@link EarlyGate}), runs the handler and has its
 * reply (or the error) written by the {@link AnswerWriter}. A connection is served one request at
 * a time: nothing more is read from it until its answer is sent, so a client that sends requests
 * and reads no answers holds one answer, not as many as it asked for.
 */
final class RestHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(RestHandler.class);
    /** A reply that depends on switches or the control lane comes within this, or 504. */
    static final long REPLY_TIMEOUT_S = 30;

    private final List<Route> routes;
    private final AnswerWriter writer;
    private final RequestObserver observer;
    /** Requests read (pipelined in one read) while another is answered. */
    private final ArrayDeque<Pending> waiting = new ArrayDeque<>();
    private boolean answering;
    private boolean streaming;

    private record Pending(String method, String uri, boolean keepAlive, boolean decoded, byte[] body) {
    }

    RestHandler(List<Route> routes, AnswerWriter writer, RequestObserver observer) {
        this.routes = routes;
        this.writer = writer;
        this.observer = observer;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof FullHttpRequest req)) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (streaming) { // the connection is an event stream's: it serves no other request
            ReferenceCountUtil.release(msg);
            return;
        }
        try {
            waiting.add(new Pending(req.method().name(), req.uri(), HttpUtil.isKeepAlive(req),
                    req.decoderResult().isSuccess(), ByteBufUtil.getBytes(req.content())));
        } finally {
            req.release();
        }
        ctx.channel().config().setAutoRead(false);
        if (!answering) {
            next(ctx);
        }
    }

    /** The next request read, or reading again when there is none. */
    private void next(ChannelHandlerContext ctx) {
        Pending p = waiting.poll();
        if (p == null) {
            answering = false;
            ctx.channel().config().setAutoRead(true);
            return;
        }
        answering = true;
        serve(ctx, p);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        waiting.clear();
        ctx.fireChannelInactive();
    }

    private void serve(ChannelHandlerContext ctx, Pending req) {
        long start = System.nanoTime();
        String method = req.method();
        String path = RequestTarget.lenientPath(req.uri());
        CompletableFuture<Reply> reply;
        String[] template = {RequestObserver.UNMATCHED};
        try {
            if (!req.decoded()) {
                throw ApiException.badRequest("malformed HTTP request");
            }
            // The token was checked by EarlyGate as soon as the headers were in.
            RequestTarget target = RequestTarget.parse(req.uri());
            reply = route(method, target, req.body(), template);
        } catch (ApiException e) {
            reply = CompletableFuture.completedFuture(Reply.error(e));
        } catch (RuntimeException e) {
            reply = CompletableFuture.completedFuture(internal(method, path, e));
        }
        reply.orTimeout(REPLY_TIMEOUT_S, TimeUnit.SECONDS).whenComplete((r, t) -> {
            Reply out = r;
            if (t != null) {
                Throwable c = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
                if (c instanceof ApiException ae) {
                    out = Reply.error(ae);
                } else if (c instanceof TimeoutException) {
                    out = Reply.error(new ApiException(HttpResponseStatus.GATEWAY_TIMEOUT, "timeout",
                            "no answer within " + REPLY_TIMEOUT_S + " s (a switch or the controller is busy)", null));
                } else {
                    out = internal(method, path, c);
                }
            }
            Reply done = out;
            // On the HTTP thread, not the one that completed the answer (it may be a lane).
            ctx.channel().eventLoop().execute(() -> {
                int status = write(ctx, path, done, req.keepAlive());
                observer.answered(method, template[0], status, System.nanoTime() - start);
                if (log.isDebugEnabled()) {
                    log.debug("{} {} -> {} in {} ms", method, path, status,
                            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
                }
            });
        });
    }

    private Reply internal(String method, String path, Throwable t) {
        log.error("REST {} {} failed", method, path, t);
        return Reply.error(new ApiException(HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal",
                "internal error: " + t, null));
    }

    private CompletableFuture<Reply> route(String method, RequestTarget target, byte[] body, String[] template) {
        TreeSet<String> allowed = new TreeSet<>();
        for (Route r : routes) {
            Optional<Map<String, String>> params = r.match(target.segments());
            if (params.isEmpty()) {
                continue;
            }
            if (!r.method().equals(method)) {
                allowed.add(r.method());
                continue;
            }
            template[0] = r.path();
            return r.handler().handle(new Request(method, target.path(), params.get(), target.query(), body));
        }
        if (!allowed.isEmpty()) {
            throw new ApiException(HttpResponseStatus.METHOD_NOT_ALLOWED, "method-not-allowed",
                    method + " is not allowed on " + target.path() + " (allowed: " + String.join(", ", allowed) + ")",
                    null);
        }
        throw ApiException.notFound("no such resource: " + target.path()
                + " (the API is described at /api/v1/openapi.json)");
    }

    private int write(ChannelHandlerContext ctx, String path, Reply r, boolean keepAlive) {
        if (r.output() instanceof Reply.Events ev) {
            streamEvents(ctx, r, ev.stream());
            return r.status().code();
        }
        try {
            return writer.write(ctx, path, r, keepAlive, () -> next(ctx)).code();
        } catch (RuntimeException e) { // a snapshot's view failed
            return writer.write(ctx, path, internal("GET", path, e), keepAlive, () -> next(ctx)).code();
        }
    }

    /**
     * The head of an event stream, then the connection is the stream's: it serves no other
     * request (the client opens another connection for those).
     */
    private void streamEvents(ChannelHandlerContext ctx, Reply r, EventStream stream) {
        streaming = true;
        waiting.clear();
        HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, r.status());
        head.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8");
        head.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        head.headers().set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        head.headers().set("X-Accel-Buffering", "no"); // a reverse proxy must pass events on at once
        r.headers().forEach((k, v) -> head.headers().set(k, v));
        ctx.writeAndFlush(head).addListener(f -> {
            if (f.isSuccess()) {
                ctx.channel().config().setAutoRead(true); // to see the client go
                stream.open(ctx.channel());
            } else {
                ctx.close();
            }
        });
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent) {
            ctx.close(); // an idle keep-alive connection
        } else {
            super.userEventTriggered(ctx, evt);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // Never the exception's text for bytes that were not TLS: it quotes them, a token included.
        String why = cause.getCause() instanceof io.netty.handler.ssl.NotSslRecordException
                ? "not TLS (plain HTTP to the HTTPS port?)" : cause.toString();
        log.debug("REST connection from {} failed: {}", ctx.channel().remoteAddress(), why);
        ctx.close();
    }
}
