package dev.weft.rest;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.timeout.IdleStateEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Routes a whole request (already admitted by {@link EarlyGate}), runs the handler and writes its reply (or the error) as JSON. */
final class RestHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger log = LoggerFactory.getLogger(RestHandler.class);
    /** A reply that depends on switches or the control lane comes within this, or 504. */
    static final long REPLY_TIMEOUT_S = 30;

    private final List<Route> routes;
    private final Refusals replies;
    private final RequestObserver observer;

    RestHandler(List<Route> routes, Refusals replies, RequestObserver observer) {
        this.routes = routes;
        this.replies = replies;
        this.observer = observer;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        long start = System.nanoTime();
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        String method = req.method().name();
        String path = RequestTarget.lenientPath(req.uri());
        CompletableFuture<Reply> reply;
        String[] template = {RequestObserver.UNMATCHED};
        try {
            if (!req.decoderResult().isSuccess()) {
                throw ApiException.badRequest("malformed HTTP request");
            }
            // The token was checked by EarlyGate as soon as the headers were in.
            RequestTarget target = RequestTarget.parse(req.uri());
            reply = route(method, target, ByteBufUtil.getBytes(req.content()), template);
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
            ctx.channel().eventLoop().execute(() -> {
                write(ctx, done, keepAlive);
                // On the HTTP thread, not the one that completed the answer (it may be a lane).
                observer.answered(method, template[0], done.status().code(), System.nanoTime() - start);
            });
            if (log.isDebugEnabled()) {
                log.debug("{} {} -> {} in {} ms", method, path, done.status().code(),
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
            }
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

    private void write(ChannelHandlerContext ctx, Reply r, boolean keepAlive) {
        if (r.output() instanceof Reply.Events ev) {
            streamEvents(ctx, r, ev.stream());
            return;
        }
        FullHttpResponse res = replies.response(r);
        if (keepAlive) {
            res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            ctx.writeAndFlush(res);
        } else {
            ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
        }
    }

    /**
     * The head of an event stream, then the connection is the stream's: it serves no other
     * request (the client opens another connection for those).
     */
    private void streamEvents(ChannelHandlerContext ctx, Reply r, EventStream stream) {
        HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, r.status());
        head.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8");
        head.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        head.headers().set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        head.headers().set("X-Accel-Buffering", "no"); // a reverse proxy must pass events on at once
        r.headers().forEach((k, v) -> head.headers().set(k, v));
        ctx.writeAndFlush(head).addListener(f -> {
            if (f.isSuccess()) {
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
