package dev.weft.channel;

import dev.weft.core.Controller;
import dev.weft.core.ControllerSettings;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.projectfloodlight.openflow.types.DatapathId;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 11: cbench could not measure Weft at all. Its PACKET_IN carries IPv4 with protocol 255,
 * which Loxi's {@code IpProtocol.of} rejects; the exception reached the channel and the switch
 * was disconnected. Here cbench's exact bytes go to the real controller with each app that
 * handles packet-ins: every one is answered, and the switch stays connected.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CbenchPacketTest {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"learning-switch", "forwarding"})
    void cbenchPacketInsAreAnsweredAndTheSwitchStays(String app) throws Exception {
        try (Controller c = Controller.start(ControllerSettings.builder()
                .listen(List.of(new InetSocketAddress("127.0.0.1", 0))).apps(List.of(app)).dispatchThreads(1).build());
             RawSwitch sw = new RawSwitch(c.openflowAddresses().get(0), 7).handshake()) {
            awaitConnected(c, DatapathId.of(7));
            int answered = 0;
            for (int i = 0; i < 50; i++) {
                // cbench's buffered probe (buffer id i) and, every other time, an unbuffered one.
                int buffer = i % 2 == 0 ? i : -1;
                sw.send(RawSwitch.cbenchPacketIn(sw.nextXid(), buffer, i, 7));
                // learning-switch floods (unknown destination); forwarding floods on the tree.
                if (sw.await(13, 5_000).isPresent()) { // PACKET_OUT
                    answered++;
                }
            }
            assertTrue(answered == 50, app + " answered " + answered + " of 50 cbench PACKET_INs");
            assertTrue(sw.echoes(), "the switch is still served");
            assertTrue(c.switches().get(DatapathId.of(7)).isPresent(), "still connected");
        }
    }

    static void awaitConnected(Controller c, DatapathId id) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (c.switches().get(id).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(2);
        }
        assertTrue(c.switches().get(id).isPresent(), id + " connected");
    }
}
