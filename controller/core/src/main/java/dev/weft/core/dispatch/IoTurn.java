package dev.weft.core.dispatch;

import io.netty.channel.IoHandle;
import io.netty.channel.IoHandler;
import io.netty.channel.IoHandlerContext;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.IoRegistration;

/**
 * One turn of an event loop's I/O (an {@code epoll_wait} and the reads of every socket it
 * reported), around the transport's own handler, so that what the reads of one turn produce can be
 * sent together when the turn ends instead of one switch at a time between reads.
 *
 * <p>Why: in latency mode a peer waits for each answer, and an answer sent while the peer's thread
 * sleeps costs the sender a wake-up of that thread (on a virtual machine, an inter-processor
 * interrupt, a trap to the hypervisor, several microseconds). Sent between two reads, every answer
 * found the peer asleep again; sent back to back at the turn's end, the first wakes it and the
 * others arrive while it runs. At most {@link #MAX_HELD} reads' answers are held, so a turn over a
 * thousand busy switches still sends as it goes.
 */
public final class IoTurn implements IoHandler {
    /** Reads whose answers a turn holds at most before it sends them. */
    static final int MAX_HELD = 16;
    private static final ThreadLocal<IoTurn> CURRENT = new ThreadLocal<>();

    private final IoHandler io;
    private boolean reading;
    private Lane held;
    private int heldReads;

    private IoTurn(IoHandler io) {
        this.io = io;
    }

    /** The transport's handlers, each wrapped in a turn. */
    static IoHandlerFactory around(IoHandlerFactory transport) {
        return executor -> new IoTurn(transport.newHandler(executor));
    }

    /**
     * What the lane's current read produced goes out when this thread's I/O turn ends (or now,
     * when the turn already holds {@link #MAX_HELD} reads' answers, or outside a turn). Lane thread only.
     */
    public static void flushAtTurnEnd(Lane lane) {
        IoTurn t = CURRENT.get();
        if (t == null || !t.reading || (t.held != null && t.held != lane)) {
            lane.flushDirty();
            return;
        }
        t.held = lane;
        if (++t.heldReads >= MAX_HELD) {
            t.send();
        }
    }

    /** The transport's own handler type on the calling thread's loop, or null off a loop with turns. */
    public static Class<? extends IoHandler> transportHere() {
        IoTurn t = CURRENT.get();
        return t == null ? null : t.io.getClass();
    }

    private void send() {
        Lane l = held;
        held = null;
        heldReads = 0;
        if (l != null) {
            l.flushDirty();
        }
    }

    @Override
    public void initialize() {
        CURRENT.set(this);
        io.initialize();
    }

    @Override
    public int run(IoHandlerContext context) {
        reading = true;
        try {
            return io.run(context);
        } finally {
            reading = false;
            send();
        }
    }

    @Override
    public void prepareToDestroy() {
        io.prepareToDestroy();
    }

    @Override
    public void destroy() {
        io.destroy();
        CURRENT.remove();
    }

    @Override
    public IoRegistration register(IoHandle handle) throws Exception {
        return io.register(handle);
    }

    @Override
    public void wakeup() {
        io.wakeup();
    }

    @Override
    public boolean isCompatible(Class<? extends IoHandle> handleType) {
        return io.isCompatible(handleType);
    }
}
