package dev.weft.core;

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
 * The switches' I/O transport: io_uring where the kernel allows it, else epoll, else NIO; the
 * controller says which it runs, and a switch is served over each one this machine has.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ControllerTransportTest {
    private static ControllerSettings.Builder local() {
        return ControllerSettings.builder().listen(List.of(new InetSocketAddress("127.0.0.1", 0)))
                .dispatchThreads(1).apps(List.of());
    }

    @Test
    void theDefaultIsIoUringWhereAvailableThenEpollThenNio() {
        Transport expected = IoUring.isAvailable() ? Transport.IO_URING
                : Epoll.isAvailable() ? Transport.EPOLL : Transport.NIO;
        assertEquals(expected, Transport.choose(null));
        assertEquals(expected, Transport.choose(" "));
        assertEquals(Transport.NIO, Transport.choose("nio"));
        assertEquals(Epoll.isAvailable() ? Transport.EPOLL : Transport.NIO, Transport.choose("EPOLL"));
        assertEquals(expected, Transport.choose("io-uring"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Transport.choose("uring"));
        assertEquals("weft.transport: unknown transport 'uring' (io_uring, epoll or nio)", e.getMessage());
    }

    @Test
    void onLinuxWithIoUringAllowedTheControllerRunsIoUring() throws Exception {
        assumeTrue(IoUring.isAvailable(), () -> "io_uring is not available here: " + IoUring.unavailabilityCause());
        try (Controller c = Controller.start(local().build())) {
            assertEquals(Transport.IO_URING, c.transport());
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void aSwitchIsServedOverEachTransportThisMachineHas(Transport t) throws Exception {
        assumeTrue(t.available(), () -> t.label() + " is not available here: " + t.unavailabilityCause());
        try (Controller c = Controller.builder(local().build()).transport(t).start();
             ScriptedSwitch s = new ScriptedSwitch(9, OFVersion.OF_13)) {
            assertEquals(t, c.transport());
            assertTrue(((IoEventLoopGroup) c.dispatcher().group()).isIoType(handler(t)),
                    "the dispatch threads are not " + t.label());
            s.connect(c.openflowAddresses().get(0));
            // The handshake went through (the table-miss entry is its last step) over this transport.
            assertEquals(0, s.expect(OFFlowAdd.class).getPriority());
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
