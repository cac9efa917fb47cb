package dev.weft.core.openflow;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.RecvByteBufAllocator;

/**
 * With io_uring, each switch reads at most once per turn of its event loop, as level-triggered
 * epoll gives by itself (see {@link FairReads}).
 *
 * <p>Why it is needed: io_uring's transport asks for a switch's next read as soon as the previous
 * one has been handled. When input is waiting, that receive completes at once, while the loop is
 * still handling completions, and Netty's loop keeps handling completions as long as new ones come
 * (up to 128 rounds) before it runs its tasks. So the switches with input waiting were read again
 * and again, others whose receive had to wait for readiness were served seconds later, and the
 * loop's tasks (a newcomer's registration, its handshake, the control lane's work) waited as long:
 * at 300 switches, 213 got nothing in a second, and a switch connecting during the flood did not
 * finish its handshake in 15 s. Here the read a switch asks for after a read that filled its
 * buffer (input was still waiting) is handed to the loop's task queue, which runs once the loop
 * has handled what completed in this turn. After a read that did not fill it, the next one is asked
 * for at once, as before: it completes only when the switch sends more, so a switch that sends a
 * packet-in at a time (latency mode) is answered without waiting for the turn to end.
 *
 * <p>One per io_uring channel, first in its pipeline; on its event loop.
 */
final class TurnReads extends ChannelOutboundHandlerAdapter {
    private ChannelHandlerContext ctx;
    /** A read is queued for the loop's tasks and has not run yet. */
    private boolean queued;
    private final Runnable readNow = this::readNow;

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void read(ChannelHandlerContext ctx) {
        if (queued) {
            return;
        }
        RecvByteBufAllocator.Handle last = ctx.channel().unsafe().recvBufAllocHandle();
        if (last.lastBytesRead() <= 0 || last.lastBytesRead() < last.attemptedBytesRead()) {
            // The last read did not fill its buffer: nothing was left waiting, so the next one
            // completes only when the switch sends more (one packet-in at a time, a handshake).
            // Asked for now, as the transport does by itself, it costs no extra turn.
            ctx.read();
            return;
        }
        queued = true;
        ctx.channel().eventLoop().execute(readNow);
    }

    private void readNow() {
        queued = false;
        ctx.read();
    }
}
