package dev.weft.rest;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;

/**
 * Netty's aggregator, answering a body that grows over {@code max-body-bytes} (chunked, so the
 * length was not known when the headers came) with the API's JSON 413, not an empty one.
 */
final class BoundedAggregator extends HttpObjectAggregator {
    private final int max;
    private final Refusals refusals;

    BoundedAggregator(int max, Refusals refusals) {
        super(max);
        this.max = max;
        this.refusals = refusals;
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
        if (oversized instanceof HttpRequest) {
            refusals.refuse(ctx, EarlyGate.tooLarge(max));
        } else {
            ctx.close();
        }
    }
}
