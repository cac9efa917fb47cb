package dev.weft.core.dispatch;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringIoHandlerConfig;
import io.netty.channel.uring.IoUringServerSocketChannel;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Locale;

/**
 * How the dispatch threads wait for and do I/O: {@code io_uring} or {@code epoll} (Linux) or
 * {@code nio} (anywhere). Chosen once per controller; the system property {@value #PROPERTY}
 * picks one, otherwise {@link #DEFAULT}. One that is not available here (an older kernel,
 * {@code kernel.io_uring_disabled}, a container's seccomp profile) falls back to the next:
 * io_uring, then epoll, then nio.
 *
 * <p>Why epoll by default, io_uring when asked for: in latency mode (16 switches, one packet-in
 * outstanding each) io_uring needs about one {@code io_uring_enter} per 7 responses where epoll
 * makes a {@code recvfrom} and a {@code sendto} per response; Weft answered 1.7-2.4x as many as
 * {@code ovs-testcontroller} in the same run in 17 of 19 runs with it (1.07x and 1.10x in two),
 * against 1.19-1.52x with epoll. Under throughput load it starved switches until {@link
 * dev.weft.core.openflow.OpenFlowServer} put one read per switch per turn back ({@code TurnReads});
 * since then it serves every switch as epoll does. But a flush only queues a send, which the loop
 * submits when it next enters the kernel, after the work it is doing: a VM's move, decided on the
 * thread that read its report, reached the switches later (on the testbed, first reply after the
 * port reappeared: median 9.1 ms against 6.8, 34 of 36 moves within 20 ms against 36 of 36), and
 * the controller held more after 1,000-switch bursts (up to 546 MB against 422).
 * docs/benchmarks.md, 2026-12-07.
 */
public enum Transport {
    IO_URING("io_uring"),
    EPOLL("epoll"),
    NIO("nio");

    /** The system property that picks the transport ({@code io_uring}, {@code epoll}, {@code nio}). */
    public static final String PROPERTY = "weft.transport";
    /** The transport when the property is not set (where available). */
    public static final Transport DEFAULT = EPOLL;

    /**
     * Completion queue entries per dispatch thread with io_uring. Netty's 4,096 overflowed at 1,000
     * switches flooding one thread (each switch has a readiness poll, a receive and a send
     * outstanding, and a poll completes again every time the switch sends more), and Netty warns on
     * every overflow; the kernel keeps what overflows, so nothing was lost. 16,384 entries are 256 KB.
     */
    static final int IO_URING_COMPLETIONS = 16_384;

    private static final Logger log = LoggerFactory.getLogger(Transport.class);

    private final String label;

    Transport(String label) {
        this.label = label;
    }

    /** As the property and the logs write it. */
    public String label() {
        return label;
    }

    /** Whether this machine and JVM can use it (its native library loads and the kernel allows it). */
    public boolean available() {
        try {
            return switch (this) {
                case IO_URING -> IoUring.isAvailable();
                case EPOLL -> Epoll.isAvailable();
                case NIO -> true;
            };
        } catch (LinkageError e) {
            return false;
        }
    }

    /** Why it is not available ({@code null} when it is). */
    public Throwable unavailabilityCause() {
        try {
            return switch (this) {
                case IO_URING -> IoUring.unavailabilityCause();
                case EPOLL -> Epoll.unavailabilityCause();
                case NIO -> null;
            };
        } catch (LinkageError e) {
            return e;
        }
    }

    IoHandlerFactory ioHandlerFactory() {
        return switch (this) {
            case IO_URING -> IoUringIoHandler.newFactory(new IoUringIoHandlerConfig().setCqSize(IO_URING_COMPLETIONS));
            case EPOLL -> IoTurn.around(EpollIoHandler.newFactory());
            case NIO -> IoTurn.around(NioIoHandler.newFactory());
        };
    }

    /** The listening socket's channel class for event loops of this transport. */
    public Class<? extends ServerChannel> serverChannel() {
        return switch (this) {
            case IO_URING -> IoUringServerSocketChannel.class;
            case EPOLL -> EpollServerSocketChannel.class;
            case NIO -> NioServerSocketChannel.class;
        };
    }

    /** The transport named by {@code asked} (null or blank: the default), or the first available after it. */
    public static Transport choose(String asked) {
        Transport want = DEFAULT;
        if (asked != null && !asked.isBlank()) {
            want = parse(asked);
        }
        for (Transport t : values()) {
            if (t.ordinal() >= want.ordinal() && t.available()) {
                if (t != want) {
                    Throwable why = want.unavailabilityCause();
                    log.info("{} is not available here ({}); switches' I/O uses {}", want.label,
                            why == null ? "unknown reason" : why.toString(), t.label);
                }
                return t;
            }
        }
        return NIO;
    }

    /** The transport the system property asks for, or the default; the first available from there. */
    public static Transport fromSystemProperty() {
        return choose(System.getProperty(PROPERTY));
    }

    static Transport parse(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT).replace('-', '_');
        for (Transport t : values()) {
            if (t.label.equals(n)) {
                return t;
            }
        }
        throw new IllegalArgumentException(PROPERTY + ": unknown transport '" + name + "' (io_uring, epoll or nio)");
    }
}
