package dev.weft.core;

import dev.weft.core.dispatch.IoTurn;
import dev.weft.core.dispatch.Transport;
import dev.weft.core.openflow.ScriptedSwitch;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.IoHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.projectfloodlight.openflow.protocol.OFFlowAdd;
import org.projectfloodlight.openflow.protocol.OFVersion;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The switches' I/O transport: epoll by default, io_uring when asked for ({@code weft.transport}),
 * whichever is asked falling back to the next this machine has (io_uring, epoll, NIO); the
 * controller says which it runs, and a switch is served over each one.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ControllerTransportTest {
    private static ControllerSettings.Builder local() {
        return ControllerSettings.builder().listen(List.of(new InetSocketAddress("127.0.0.1", 0)))
                .dispatchThreads(1).apps(List.of());
    }

    @Test
    void theDefaultIsEpollAndAnAskedTransportFallsBackToTheNextAvailable() {
        Transport epollOrNio = Epoll.isAvailable() ? Transport.EPOLL : Transport.NIO;
        assertEquals(epollOrNio, Transport.choose(null));
        assertEquals(epollOrNio, Transport.choose(" "));
        assertEquals(epollOrNio, Transport.choose("EPOLL"));
        assertEquals(Transport.NIO, Transport.choose("nio"));
        assertEquals(IoUring.isAvailable() ? Transport.IO_URING : epollOrNio, Transport.choose("io-uring"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Transport.choose("uring"));
        assertEquals("weft.transport: unknown transport 'uring' (io_uring, epoll or nio)", e.getMessage());
    }

    @Test
    void theSystemPropertyPicksTheTransport() throws Exception {
        assumeTrue(IoUring.isAvailable(), () -> "io_uring is not available here: " + IoUring.unavailabilityCause());
        String before = System.getProperty(Transport.PROPERTY);
        System.setProperty(Transport.PROPERTY, "io_uring");
        try (Controller c = Controller.start(local().build())) {
            assertEquals(Transport.IO_URING, c.transport());
        } finally {
            if (before == null) {
                System.clearProperty(Transport.PROPERTY);
            } else {
                System.setProperty(Transport.PROPERTY, before);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void aSwitchIsServedOverEachTransportThisMachineHas(Transport t) throws Exception {
        assumeTrue(t.available(), () -> t.label() + " is not available here: " + t.unavailabilityCause());
        try (Controller c = Controller.builder(local().build()).transport(t).start();
             ScriptedSwitch s = new ScriptedSwitch(9, OFVersion.OF_13)) {
            assertEquals(t, c.transport());
            IoEventLoopGroup dispatch = (IoEventLoopGroup) c.dispatcher().group();
            if (t == Transport.IO_URING) {
                assertTrue(dispatch.isIoType(handler(t)), "the dispatch threads are not io_uring");
            } else { // each turn of the loop runs the transport's own handler (IoTurn)
                assertTrue(dispatch.isIoType(IoTurn.class), "the dispatch threads do not run I/O turns");
                assertEquals(handler(t), dispatch.next().submit(IoTurn::transportHere).get(5, TimeUnit.SECONDS),
                        "the dispatch threads are not " + t.label());
            }
            s.connect(c.openflowAddresses().get(0));
            // The handshake went through (the table-miss entry is its last step) over this transport,
            // and the switch is active.
            assertEquals(0, s.expect(OFFlowAdd.class).getPriority());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (c.switches().all().isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(5); // a condition polled with a deadline: activation follows the BARRIER_REPLY
            }
            assertEquals(1, c.switches().all().size());
        }
    }

    private static Class<? extends IoHandler> handler(Transport t) {
        return switch (t) {
            case IO_URING -> IoUringIoHandler.class;
            case EPOLL -> EpollIoHandler.class;
            case NIO -> NioIoHandler.class;
        };
    }
}
