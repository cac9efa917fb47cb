package dev.weft.sim.net;

import dev.weft.sim.channel.ConnectionConfig;
import dev.weft.sim.channel.ControllerConnection;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import java.net.InetSocketAddress;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The TCP side of a {@link SimNetwork}: one Netty I/O group ({@code sim-io-N} threads) for the
 * whole network and a {@link ControllerConnection} from every switch to every controller (none in
 * direct-controller mode). The connections hand what they read to the sim-loop themselves.
 */
final class ControllerLinks {
    private final List<InetSocketAddress> controllers;
    private final ConnectionConfig config;
    private final EventLoopGroup io;

    ControllerLinks(List<InetSocketAddress> controllers, ConnectionConfig config, int ioThreads) {
        this.controllers = controllers;
        this.config = config;
        AtomicInteger threads = new AtomicInteger();
        this.io = controllers.isEmpty() ? null : new NioEventLoopGroup(ioThreads, r -> {
            Thread t = new Thread(r, "sim-io-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** Every switch starts connecting to every controller (in the background). */
    void connect(Collection<SimSwitch> switches) {
        for (SimSwitch s : switches) {
            for (InetSocketAddress controller : controllers) {
                ControllerConnection c = new ControllerConnection(controller, io, s, config);
                s.useConnection(c);
                c.start();
            }
        }
    }

    /** Closes every connection for good. */
    void disconnectAll(Collection<SimSwitch> switches) {
        for (SimSwitch s : switches) {
            s.connections().forEach(ControllerConnection::stop);
        }
    }

    /** Stops the I/O threads (after {@link #disconnectAll}). */
    void shutdown() {
        if (io != null) {
            io.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
