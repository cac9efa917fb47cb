package dev.weft.sim.bench;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.util.concurrent.ThreadFactory;

/**
 * The Netty transport: epoll when its native library is on the class path (as in the {@code weft}
 * launcher, through the controller), NIO otherwise. Looked up reflectively so that this module
 * needs {@code netty-transport} only.
 */
record IoTransport(String name, EventLoopGroup group, Class<? extends SocketChannel> channelType) {

    private static final String EPOLL = "io.netty.channel.epoll.Epoll";
    private static final String EPOLL_GROUP = "io.netty.channel.epoll.EpollEventLoopGroup";
    private static final String EPOLL_CHANNEL = "io.netty.channel.epoll.EpollSocketChannel";

    static IoTransport create(int threads) {
        ThreadFactory threadFactory = new BenchThreadFactory();
        if (epollAvailable()) {
            try {
                EventLoopGroup group = (EventLoopGroup) Class.forName(EPOLL_GROUP)
                        .getConstructor(int.class, ThreadFactory.class)
                        .newInstance(threads, threadFactory);
                return new IoTransport("epoll", group,
                        Class.forName(EPOLL_CHANNEL).asSubclass(SocketChannel.class));
            } catch (ReflectiveOperationException | LinkageError e) {
                // fall through to NIO
            }
        }
        return new IoTransport("nio", new NioEventLoopGroup(threads, threadFactory), NioSocketChannel.class);
    }

    /** Stops the I/O threads (waiting at most 5 s). */
    void shutdown() {
        group.shutdownGracefully(0, 5000, java.util.concurrent.TimeUnit.MILLISECONDS).awaitUninterruptibly(5000);
    }

    /** The transport {@link #create} will pick. */
    static String preferredName() {
        return epollAvailable() ? "epoll" : "nio";
    }

    private static boolean epollAvailable() {
        try {
            return (Boolean) Class.forName(EPOLL).getMethod("isAvailable").invoke(null);
        } catch (ReflectiveOperationException | LinkageError e) {
            return false;
        }
    }
}
