package dev.weft.core.openflow;

import dev.weft.api.Disposition;
import dev.weft.api.event.PacketIn;
import dev.weft.api.event.SwitchConnected;
import dev.weft.core.dispatch.AppHandle;
import dev.weft.core.dispatch.Dispatcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFPacketInReason;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.OFPort;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fuzz over real TCP against the real server (issue 11): many connections, each with random
 * bytes or mutated messages before the HELLO, during the handshake or after it, while a separate
 * well-behaved switch is checked after every connection: it must be served throughout (why a
 * fuzzed connection may end is checked exactly by {@link OpenFlowFuzzTest}). Fixed seed;
 * {@code -Pfuzz} runs more connections.
 */
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class TcpFuzzTest {

    @Test
    void fuzzedConnectionsNeverCostTheWellBehavedSwitch() throws Exception {
        int connections = Integer.getInteger("weft.fuzz.connections", 150);
        Dispatcher dispatcher = new Dispatcher(2);
        RecordingBus rec = new RecordingBus();
        BlockingQueue<PacketIn> goodIns = new LinkedBlockingQueue<>();
        rec.bus.subscribe(new AppHandle("good", 1), PacketIn.class, e -> {
            if (e.sw().id().equals(DatapathId.of(100))) {
                goodIns.add(e);
            }
            return Disposition.CONTINUE;
        });
        SwitchManager manager = new SwitchManager(dispatcher, rec.bus, Duration.ofSeconds(5));
        OpenFlowServer server = new OpenFlowServer(new OpenFlowServer.Options(EnumSet.of(OFVersion.OF_10,
                OFVersion.OF_13, OFVersion.OF_14, OFVersion.OF_15), Duration.ofSeconds(5), Duration.ofSeconds(5),
                Duration.ofSeconds(15), true), manager, dispatcher, Clock.systemUTC());
        try (dispatcher; server) {
            InetSocketAddress addr = server.bind(List.of(new InetSocketAddress("127.0.0.1", 0))).get(0);
            try (ScriptedSwitch good = new ScriptedSwitch(100, OFVersion.OF_13).connect(addr)) {
                rec.next(SwitchConnected.class);
                Random r = new Random(20261104);
                OFVersion[] versions = {OFVersion.OF_10, OFVersion.OF_13, OFVersion.OF_14, OFVersion.OF_15};
                long messages = 0;
                int closedByController = 0;
                byte[] frame = new byte[60];
                frame[12] = 0x08;
                for (int i = 0; i < connections; i++) {
                    OFVersion v = versions[r.nextInt(versions.length)];
                    List<byte[]> templates = OpenFlowFuzzTest.templates(OFFactories.getFactory(v));
                    try (RawPeer p = new RawPeer(addr)) {
                        p.drainInBackground();
                        int phase = r.nextInt(3);
                        if (phase > 0) {
                            p.send(OFFactories.getFactory(v).buildHello().build());
                        }
                        if (phase == 2) {
                            p.send(OFFactories.getFactory(v).buildFeaturesReply().setXid(0) // a guess at the xid
                                    .setDatapathId(DatapathId.of(1000 + i)).build());
                        }
                        int n = 1 + r.nextInt(40);
                        for (int k = 0; k < n; k++) {
                            var m = OpenFlowFuzzTest.Mutation.values()[r.nextInt(OpenFlowFuzzTest.Mutation.values().length)];
                            p.send(OpenFlowFuzzTest.mutate(templates.get(r.nextInt(templates.size())), m,
                                    r.nextInt(Integer.MAX_VALUE), (byte) r.nextInt()).bytes());
                            messages++;
                        }
                    } catch (IOException e) {
                        closedByController++; // reset by the controller while we wrote
                    }
                    // The well-behaved switch, between every two fuzzed connections.
                    good.send(good.f.buildPacketIn().setReason(OFPacketInReason.NO_MATCH).setData(frame)
                            .setMatch(good.f.buildMatch().setExact(MatchField.IN_PORT, OFPort.of(1)).build()).build());
                    assertTrue(goodIns.poll(5, TimeUnit.SECONDS) != null, "the well-behaved switch was not served "
                            + "after fuzzed connection " + i);
                }
                var faults = server.peerFaults();
                System.out.printf("%nTCP fuzz: %d connections, %d messages; well-behaved switch served %d/%d times; "
                        + "faults counted %s; writes refused by a controller that had closed %d%n", connections,
                        messages, connections, connections, faults, closedByController);
                assertTrue(good.isOpen(), "the well-behaved switch is still connected");
                assertTrue(faults.getOrDefault(PeerFault.UNDECODABLE, 0L) > 0, "the fuzz reached the decoder");
                assertEquals(1, manager.all().stream().filter(s -> s.id().equals(DatapathId.of(100))).count());
            }
        }
    }
}
