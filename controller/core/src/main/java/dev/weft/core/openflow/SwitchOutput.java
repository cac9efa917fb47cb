package dev.weft.core.openflow;

import dev.weft.core.dispatch.Lane;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import java.util.List;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFPacketOut;
import org.projectfloodlight.openflow.protocol.OFType;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.DatapathId;

/**
 * What a {@link SwitchConnection} writes, on its lane: messages are encoded straight into one
 * buffer per lane task and written with one flush when the task ends; an xid of 0 is replaced in
 * the encoded bytes, so no message is rebuilt. What was sent is kept by xid (a {@link SentRing}) so
 * that an error from the switch can name the request it refused (one ring per lane, shared by its switches).
 *
 * <p>When the socket took the whole buffer during the flush (the usual case: Netty released it
 * before the flush returned), the same buffer holds the next task's output: taking a pooled buffer
 * and giving it back for every answer (the pool's bookkeeping, the reference count) was a few
 * percent of a dispatch thread's time in the latency bench (perf), and a kept buffer is warm in
 * the cache. A buffer the socket still holds is never written into.
 */
final class SwitchOutput implements Lane.Flushable {
    /** PACKET_OUTs carrying more packet data than this are not kept for naming errors. */
    private static final int RING_MAX_DATA = 256;
    /** A buffer larger than this (a batch of many flow-mods) is given back, not kept for reuse. */
    static final int REUSE_MAX = 4096;

    private final Channel channel;
    private final Lane lane;
    private final DatapathId id;
    private final OFVersion version;
    private final SwitchCounters counters;
    private final SentRing sent;
    private final long ringOwner;
    private ByteBuf out;
    /** The previous task's buffer, written whole and empty again: the next task writes into it. */
    private ByteBuf spare;
    private int nextXid = 0x4000_0000;
    private boolean discarded;
    /** The control lane, whose work may run borrowed on this switch's thread. */
    private final Lane control;
    /** Marked dirty on the control lane too: flushed when its current task ends. */
    private boolean flushWithControlTask;

    SwitchOutput(Channel channel, Lane lane, Lane control, DatapathId id, OFVersion version, SwitchCounters counters,
                 List<OFMessage> sentInHandshake, SentRing laneRing) {
        this.channel = channel;
        this.lane = lane;
        this.control = control;
        this.id = id;
        this.version = version;
        this.counters = counters;
        this.sent = laneRing;
        this.ringOwner = laneRing.newOwner();
        sentInHandshake.forEach(m -> sent.put(ringOwner, m.getXid(), m));
    }

    /** Encodes a message into this task's output; returns the xid it was sent with. */
    long write(OFMessage m) {
        if (m.getVersion() != version) {
            throw new IllegalArgumentException(id + " speaks OpenFlow " + version + "; refusing to send a "
                    + m.getVersion() + " " + m.getType() + " (build messages with sw.factory())");
        }
        if (out == null) {
            if (spare != null) {
                out = spare;
                spare = null;
            } else {
                out = channel.alloc().ioBuffer(256);
            }
            lane.markDirty(this);
        }
        if (!flushWithControlTask && control != null && control.heldHere()) {
            // Written by the control lane's work borrowed on this switch's thread (a move decided
            // on the thread that read its report): out when that task ends, not after whatever else
            // the borrower runs before its own batch ends (up to Lane.BORROW_NANOS).
            flushWithControlTask = true;
            control.markDirty(this);
        }
        int start = out.writerIndex();
        try {
            m.writeTo(out);
        } catch (RuntimeException e) {
            out.writerIndex(start);
            throw new IllegalArgumentException(id + " cannot encode " + m.getType() + ": " + e.getMessage(), e);
        }
        if (m.getType() == OFType.FLOW_MOD) {
            counters.flowMod();
        }
        long xid = m.getXid();
        if (xid == 0) {
            xid = nextXid();
            out.setInt(start + 4, (int) xid);
        }
        if (!(m instanceof OFPacketOut po) || po.getData().length <= RING_MAX_DATA) {
            sent.put(ringOwner, xid, m); // not large packet data: the ring would keep thousands of them alive
        }
        return xid;
    }

    private long nextXid() {
        nextXid++;
        if (nextXid == 0) {
            nextXid = 1;
        }
        return nextXid & 0xffff_ffffL;
    }

    /** A recent message sent with this xid, or null. */
    OFMessage sent(long xid) {
        return sent.get(ringOwner, xid);
    }

    @Override
    public void flush() {
        flushWithControlTask = false;
        ByteBuf b = out;
        out = null;
        if (b == null) {
            return;
        }
        if (discarded || !channel.isActive()) {
            b.release();
            return;
        }
        // Kept (a reference of ours) only when written on the channel's own thread: there the
        // write is attempted before writeAndFlush returns.
        boolean keep = b.capacity() <= REUSE_MAX && channel.eventLoop().inEventLoop();
        if (keep) {
            b.retain();
        }
        channel.writeAndFlush(b, channel.voidPromise());
        if (keep) {
            if (b.refCnt() == 1) {
                b.clear(); // the socket took every byte and Netty let go: ours again
                spare = b;
            } else {
                b.release(); // still queued (the socket was full): Netty's alone now
            }
        }
    }

    /** The connection is gone: what was not flushed is dropped, and so is anything flushed later. */
    void discard() {
        discarded = true;
        if (out != null) {
            out.release();
            out = null;
        }
        if (spare != null) {
            spare.release();
            spare = null;
        }
    }
}
