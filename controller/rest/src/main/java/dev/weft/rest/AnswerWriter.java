package dev.weft.rest;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Writes answers so that the memory they take stays bounded however many clients ask at once and
 * however slowly they read. A body is encoded once, into one buffer: an answer made from
 * snapshots ({@link Reply.Snapshot}) once per version for every client ({@link AnswerCache}).
 * It is sent in slices as the connection can take them ({@link BodyInput}), so a client that
 * does not read holds a few tens of KiB of queued output, not a copy of the answer. Every body
 * held for sending is counted, once, in the {@link OutputBudget}: an answer that would take it
 * over {@code max-output-bytes} is a 503 with {@code Retry-After}, never an out-of-memory. A
 * client that has not read its answer whole within {@code send-timeout} is disconnected.
 */
final class AnswerWriter {
    private static final Logger log = LoggerFactory.getLogger(AnswerWriter.class);
    static final String JSON_TYPE = "application/json; charset=utf-8";

    private final ObjectWriter json;
    private final Refusals refusals;
    private final OutputBudget budget;
    private final AnswerCache cache;
    private final Duration sendTimeout;

    AnswerWriter(ObjectMapper json, Refusals refusals, OutputBudget budget, AnswerCache cache, Duration sendTimeout) {
        this.json = json.writer().without(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
        this.refusals = refusals;
        this.budget = budget;
        this.cache = cache;
        this.sendTimeout = sendTimeout;
    }

    /**
     * Write {@code r}, the answer to {@code path}, on the channel of {@code ctx} (from its event
     * loop); then, once it is sent, {@code next} when the connection stays open, or close it.
     * Returns the status actually sent.
     */
    HttpResponseStatus write(ChannelHandlerContext ctx, String path, Reply r, boolean keepAlive, Runnable next) {
        Reply head = r;
        long[] size = {0};
        Body body;
        try {
            body = body(ctx.alloc(), path, r, size);
        } catch (ApiException e) {
            head = Reply.error(e);
            body = body(ctx.alloc(), path, head, size);
        }
        if (body == null) {
            Reply busy = Reply.error(busy(size[0]));
            FullHttpResponse res = refusals.response(busy);
            if (size[0] <= budget.max()) {
                res.headers().set(HttpHeaderNames.RETRY_AFTER, "1");
            }
            connection(res, keepAlive);
            ctx.writeAndFlush(res).addListener(f -> after(ctx, f.isSuccess(), keepAlive, next));
            return busy.status();
        }
        HttpResponse res = new DefaultHttpResponse(HttpVersion.HTTP_1_1, head.status());
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, body.contentType());
        res.headers().set(HttpHeaderNames.CONTENT_LENGTH, body.size());
        res.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        head.headers().forEach((k, v) -> res.headers().set(k, v));
        connection(res, keepAlive);
        ScheduledFuture<?> deadline = ctx.executor().schedule(() -> {
            log.debug("REST: {} did not read its answer to {} within {}; closing", ctx.channel().remoteAddress(), path,
                    sendTimeout);
            ctx.close();
        }, sendTimeout.toNanos(), TimeUnit.NANOSECONDS);
        ctx.write(res);
        ctx.writeAndFlush(new BodyInput(body)).addListener(f -> {
            deadline.cancel(false);
            after(ctx, f.isSuccess(), keepAlive, next);
        });
        return head.status();
    }

    private static void after(ChannelHandlerContext ctx, boolean sent, boolean keepAlive, Runnable next) {
        if (sent && keepAlive && ctx.channel().isActive()) {
            next.run();
        } else {
            ctx.close();
        }
    }

    private static void connection(HttpResponse res, boolean keepAlive) {
        res.headers().set(HttpHeaderNames.CONNECTION, keepAlive ? HttpHeaderValues.KEEP_ALIVE : HttpHeaderValues.CLOSE);
    }

    private ApiException busy(long size) {
        return new ApiException(HttpResponseStatus.SERVICE_UNAVAILABLE, "busy", size > budget.max()
                ? "this answer (" + size + " bytes) is larger than the answers the server may hold for sending "
                + "(rest: limits: max-output-bytes " + budget.max() + ")"
                : "the server holds as many answers for sending as it may (rest: limits: max-output-bytes "
                + budget.max() + " bytes); try again shortly", null);
    }

    /** The body of {@code r}, held for this write; null when the budget refuses it ({@code size} says how large). */
    private Body body(ByteBufAllocator alloc, String path, Reply r, long[] size) {
        if (r.output() instanceof Reply.Snapshot s) {
            return cache.get(path, s.version(), () -> admit(encode(alloc, s.body().get()), JSON_TYPE, size));
        }
        if (r.output() instanceof Reply.Bytes b) {
            return admit(Unpooled.wrappedBuffer(b.bytes()), b.contentType(), size);
        }
        return admit(encode(alloc, r.body()), JSON_TYPE, size);
    }

    private Body admit(ByteBuf bytes, String type, long[] size) {
        size[0] = bytes.readableBytes();
        return budget.admit(bytes, type);
    }

    /** JSON and a newline, in one direct buffer (written to sockets as it is). */
    private ByteBuf encode(ByteBufAllocator alloc, JsonNode tree) {
        ByteBuf b = alloc.directBuffer();
        try (OutputStream os = new ByteBufOutputStream(b)) {
            json.writeValue(os, tree);
            os.write('\n');
            return b;
        } catch (IOException | RuntimeException e) {
            b.release();
            log.error("REST: cannot write an answer as JSON", e);
            return Unpooled.copiedBuffer("{\"error\":\"internal\",\"message\":\"cannot write the answer\"}\n",
                    StandardCharsets.UTF_8);
        }
    }
}
