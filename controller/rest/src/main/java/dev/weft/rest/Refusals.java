package dev.weft.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpVersion;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/** JSON answers as HTTP responses; and refusals: an error answer after which the connection is closed. */
final class Refusals {
    /** How long, and how much, a refused client's remaining bytes are read and dropped before closing. */
    static final long DRAIN_MS = 2_000;
    static final long DRAIN_MAX_BYTES = 64L << 20;

    private final ObjectMapper json;

    Refusals(ObjectMapper json) {
        this.json = json;
    }

    /** A whole JSON (or bytes) response for {@code r}, without the connection headers. */
    FullHttpResponse response(Reply r) {
        FullHttpResponse res;
        if (r.output() instanceof Reply.Bytes b) {
            res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, r.status(), Unpooled.wrappedBuffer(b.bytes()));
            res.headers().set(HttpHeaderNames.CONTENT_TYPE, b.contentType());
        } else {
            byte[] bytes;
            try {
                bytes = json.writeValueAsBytes(r.body());
            } catch (JsonProcessingException e) {
                bytes = ("{\"error\":\"internal\",\"message\":\"cannot write the answer\"}")
                        .getBytes(StandardCharsets.UTF_8);
            }
            res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, r.status(),
                    Unpooled.wrappedBuffer(bytes, new byte[]{'\n'}));
            res.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json; charset=utf-8");
        }
        res.headers().set(HttpHeaderNames.CONTENT_LENGTH, res.content().readableBytes());
        res.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        r.headers().forEach((k, v) -> res.headers().set(k, v));
        return res;
    }

    /**
     * Answer {@code e} from {@code ctx} (a handler after the HTTP codec), then close: nothing more
     * is read from this connection (the rest of a refused request is never looked at).
     */
    void refuse(ChannelHandlerContext ctx, ApiException e) {
        Channel ch = ctx.channel();
        ch.config().setAutoRead(false);
        FullHttpResponse res = response(Reply.error(e));
        res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(res).addListener(f -> lingeringClose(ch, f.isSuccess()));
    }

    /**
     * Close after the answer without losing it: a socket closed while the client is still
     * sending (the rest of a body refused) is reset, and the reset can destroy the answer before
     * the client reads it. So: stop sending (FIN), read and drop what still comes for a moment,
     * then close.
     */
    private static void lingeringClose(Channel ch, boolean written) {
        if (!written || !(ch instanceof SocketChannel sc) || !ch.isActive()) {
            ch.close();
            return;
        }
        ch.pipeline().addFirst("discard", new ChannelInboundHandlerAdapter() {
            private long dropped;

            @Override
            public void channelRead(ChannelHandlerContext c, Object msg) {
                if (msg instanceof ByteBuf b) {
                    dropped += b.readableBytes();
                }
                ReferenceCountUtil.release(msg);
                if (dropped > DRAIN_MAX_BYTES) {
                    c.close();
                }
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext c, Throwable cause) {
                c.close();
            }
        });
        sc.shutdownOutput();
        ch.config().setAutoRead(true);
        ch.eventLoop().schedule(() -> {
            ch.close();
        }, DRAIN_MS, TimeUnit.MILLISECONDS);
    }
}
