package dev.weft.core.dispatch;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.util.concurrent.EventExecutor;

import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The dispatch threads: Netty event loops (of the chosen {@link Transport}) that serve switch
 * connections and run the apps' handlers for those switches. Netty spreads new connections over
 * them round-robin; a switch stays on its lane for as long as its connection lives.
 *
 * <p>Besides the switch lanes there is one <em>control</em> lane ({@code weft-control}) for
 * events about the network as a whole (links, hosts, tenants): they are handled there one at a
 * time, in order, never on a switch's lane.
 */
public final class Dispatcher implements AutoCloseable {
    private final Transport transport;
    private final EventLoopGroup group;
    private final Lane[] lanes;
    private final Map<EventExecutor, Lane> byLoop = new IdentityHashMap<>();
    private final Map<EventExecutor, Lane> foreign = new IdentityHashMap<>();
    private final io.netty.channel.DefaultEventLoop controlLoop;
    private final Lane control;

    public Dispatcher(int threads) {
        this(threads, "weft");
    }

    /** Threads named {@code PREFIX-dispatch-N} and {@code PREFIX-control}; the transport of the system property. */
    public Dispatcher(int threads, String prefix) {
        this(threads, prefix, Transport.fromSystemProperty());
    }

    /** Threads named {@code PREFIX-dispatch-N} and {@code PREFIX-control}, doing I/O with {@code transport}. */
    public Dispatcher(int threads, String prefix, Transport transport) {
        if (threads < 1) {
            throw new IllegalArgumentException("dispatch threads must be at least 1, was " + threads);
        }
        NamedThreads tf = NamedThreads.numbered(prefix + "-dispatch");
        this.transport = transport;
        group = newGroup(threads, tf);
        lanes = new Lane[threads];
        int i = 0;
        for (EventExecutor e : group) {
            lanes[i] = new Lane(i, (EventLoop) e);
            byLoop.put(e, lanes[i]);
            i++;
        }
        controlLoop = new io.netty.channel.DefaultEventLoop(NamedThreads.single(prefix + "-control"));
        control = Lane.strand(-2, controlLoop);
    }

    /**
     * The control lane: one thread for events that concern no single switch (configuration
     * changes, logical ports located or moved, links, hosts), delivered in order, and for the
     * services that react to them (tenant compilation, flow reconciliation).
     */
    public Lane control() {
        return control;
    }

    /** The event loops, for the OpenFlow server's accepted connections. */
    public EventLoopGroup group() {
        return group;
    }

    /** The I/O transport of the dispatch threads (and of the listeners, which must match). */
    public Transport transport() {
        return transport;
    }

    /** A group of event loops of the same transport (the listeners' accept thread). */
    public EventLoopGroup newGroup(int threads, java.util.concurrent.ThreadFactory tf) {
        return new MultiThreadIoEventLoopGroup(threads, tf, transport.ioHandlerFactory());
    }

    /**
     * The lane of an event loop. A loop that is not one of ours (an embedded channel in a test)
     * gets a lane of its own.
     */
    public Lane laneOf(EventLoop loop) {
        Lane l = byLoop.get(loop);
        if (l != null) {
            return l;
        }
        synchronized (foreign) {
            return foreign.computeIfAbsent(loop, e -> new Lane(-1, (EventLoop) e));
        }
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        controlLoop.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
