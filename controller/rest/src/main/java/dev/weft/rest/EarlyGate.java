package dev.weft.rest;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;

/**
 * What is decided as soon as a request's headers are in, before its body is read: a request the
 * codec could not read (400, 414 for a request line too long, 431 for headers too large), the
 * token (401: a body is never read for a client without it), and a declared body over
 * {@code max-body-bytes} (413). A refused request's connection is answered and closed; what
 * still arrives for it is dropped.
 */
final class EarlyGate extends ChannelInboundHandlerAdapter {
    private final RestSettings settings;
    private final Refusals refusals;
    private boolean refused;

    EarlyGate(RestSettings settings, Refusals refusals) {
        this.settings = settings;
        this.refusals = refusals;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (refused) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpRequest req) {
            ApiException no = check(req);
            if (no != null) {
                refused = true;
                ReferenceCountUtil.release(msg);
                refusals.refuse(ctx, no);
                return;
            }
        } else if (!(msg instanceof HttpContent)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        ctx.fireChannelRead(msg);
    }

    private ApiException check(HttpRequest req) {
        if (req.decoderResult().isFailure()) {
            Throwable why = req.decoderResult().cause();
            if (why instanceof TooLongHttpLineException) {
                return new ApiException(HttpResponseStatus.REQUEST_URI_TOO_LONG, "bad-request",
                        "the request line is too long (at most " + RestServer.MAX_INITIAL_LINE + " bytes)", null);
            }
            if (why instanceof TooLongHttpHeaderException) {
                return new ApiException(HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "bad-request",
                        "the request's headers are too large (at most " + RestServer.MAX_HEADER_BYTES + " bytes)", null);
            }
            return ApiException.badRequest("malformed HTTP request");
        }
        String path = RequestTarget.lenientPath(req.uri());
        if (!OpenPaths.isOpen(req.method().name(), path)) {
            ApiException no = authenticate(req);
            if (no != null) {
                return no;
            }
        }
        long length;
        try {
            length = HttpUtil.getContentLength(req, -1L);
        } catch (NumberFormatException e) {
            return ApiException.badRequest("Content-Length is not a number");
        }
        if (length > settings.limits().maxBodyBytes()) {
            return tooLarge(settings.limits().maxBodyBytes());
        }
        return null;
    }

    static ApiException tooLarge(int max) {
        return new ApiException(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "too-large",
                "the request body is larger than " + max + " bytes (rest: limits: max-body-bytes)", null);
    }

    /** The token rule; the token itself is never logged nor echoed. Null when the request may pass. */
    private ApiException authenticate(HttpRequest req) {
        if (!settings.tokenRequired()) {
            return null;
        }
        String h = req.headers().get(HttpHeaderNames.AUTHORIZATION);
        if (h == null || !h.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return new ApiException(HttpResponseStatus.UNAUTHORIZED, "unauthorized",
                    "this API needs a bearer token (Authorization: Bearer TOKEN)", null);
        }
        String presented = h.substring(7).trim();
        if (settings.token().map(t -> !t.matches(presented)).orElse(true)) {
            return new ApiException(HttpResponseStatus.UNAUTHORIZED, "unauthorized", "wrong token", null);
        }
        return null;
    }
}
