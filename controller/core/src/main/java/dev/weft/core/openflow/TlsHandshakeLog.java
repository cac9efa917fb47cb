package dev.weft.core.openflow;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLException;

/**
 * Right after the {@code SslHandler}: one line when a peer fails the TLS handshake (no
 * certificate, one the CA did not sign, no common protocol), instead of a stack trace, and the
 * connection closes. A peer's TLS mistakes are not the controller's errors.
 */
final class TlsHandshakeLog extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(TlsHandshakeLog.class);

    private boolean reported;

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof SslHandshakeCompletionEvent e) {
            if (e.isSuccess()) {
                log.debug("{} TLS handshake done", ConnectionLabel.of(ctx.channel()));
            } else {
                report(ctx, e.cause());
            }
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Throwable c = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
        if (c instanceof SSLException) {
            report(ctx, c);
            ctx.close();
        } else {
            ctx.fireExceptionCaught(cause);
        }
    }

    private void report(ChannelHandlerContext ctx, Throwable cause) {
        if (!reported) {
            reported = true;
            log.warn("{} refused: TLS handshake failed: {}", ConnectionLabel.of(ctx.channel()), describe(cause));
        }
    }

    private static String describe(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c && c.getMessage() == null) {
            c = c.getCause();
        }
        return c.getClass().getSimpleName() + ": " + c.getMessage();
    }
}
