package dev.weft.rest;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.stream.ChunkedInput;

/**
 * A body sent in slices of {@link #CHUNK} bytes, each taken only when the connection can take
 * more (Netty's {@code ChunkedWriteHandler} asks while the channel is writable): a client that
 * does not read holds at most the channel's high water mark, not the answer. The last slice is a
 * {@code LastHttpContent}. Closing it (done, failed or the connection gone) lets go of the body.
 */
final class BodyInput implements ChunkedInput<HttpContent> {
    static final int CHUNK = 16 * 1024;

    private final Body body;
    private int offset;
    private boolean last;
    private boolean closed;

    BodyInput(Body body) {
        this.body = body;
    }

    @Override
    public boolean isEndOfInput() {
        return last;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            body.release();
        }
    }

    @Deprecated
    @Override
    public HttpContent readChunk(ChannelHandlerContext ctx) {
        return readChunk(ctx.alloc());
    }

    @Override
    public HttpContent readChunk(ByteBufAllocator allocator) {
        if (last) {
            return null;
        }
        int n = Math.min(CHUNK, body.size() - offset);
        HttpContent c;
        if (offset + n == body.size()) {
            last = true;
            c = new DefaultLastHttpContent(body.slice(offset, n));
        } else {
            c = new DefaultHttpContent(body.slice(offset, n));
        }
        offset += n;
        return c;
    }

    @Override
    public long length() {
        return body.size();
    }

    @Override
    public long progress() {
        return offset;
    }
}
