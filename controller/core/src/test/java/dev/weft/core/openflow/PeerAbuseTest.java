package dev.weft.core.openflow;

import dev.weft.api.Disposition;
import dev.weft.api.event.PacketIn;
import dev.weft.api.event.SwitchConnected;
import dev.weft.core.dispatch.AppHandle;
import dev.weft.core.dispatch.Dispatcher;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFPacketInReason;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.OFPort;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 11's adversarial client, as regression tests with the bound asserted: floods that grew
 * the controller by gigabytes before (ECHO_REQUESTs before and after HELLO from a peer that never
 * reads, 64 KB PACKET_INs before FEATURES_REPLY), the log flood (8-byte headers with a wrong
 * version: 196 MB of log in 10 s), and stack traces for short headers. Throughout, a separate
 * well-behaved switch must keep being served.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PeerAbuseTest {
    private static final long GOOD = 100;
    private static final long MB = 1 << 20;
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final BlockingQueue<PacketIn> goodPacketIns = new LinkedBlockingQueue<>();
    private InetSocketAddress addr;
    private ScriptedSwitch good;
    private OpenFlowServer server;
    /** Records every event; emptied as the test goes, or its copies of the good switch's packet-ins count as the controller's heap. */
    private RecordingBus rec;

    @BeforeEach
    void start() throws Exception {
        Dispatcher dispatcher = new Dispatcher(2);
        rec = new RecordingBus();
        rec.bus.subscribe(new AppHandle("good", 1), PacketIn.class, e -> {
            if (e.sw().id().equals(DatapathId.of(GOOD))) {
                goodPacketIns.add(e);
            }
            return Disposition.CONTINUE;
        });
        SwitchManager manager = new SwitchManager(dispatcher, rec.bus, Duration.ofSeconds(5));
        server = new OpenFlowServer(new OpenFlowServer.Options(EnumSet.of(OFVersion.OF_10, OFVersion.OF_13),
                Duration.ofSeconds(60), Duration.ofSeconds(5), Duration.ofSeconds(60), true), manager, dispatcher,
                Clock.systemUTC());
        addr = server.bind(List.of(new InetSocketAddress("127.0.0.1", 0))).get(0);
        toClose.add(dispatcher);
        toClose.add(server);
        good = new ScriptedSwitch(GOOD, OFVersion.OF_13).connect(addr);
        toClose.add(0, good);
        rec.next(SwitchConnected.class);
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
    }

    /** One PACKET_IN from the well-behaved switch reaches the apps within 2 s. */
    private boolean goodServed() throws InterruptedException {
        byte[] frame = new byte[60];
        frame[12] = 0x08;
        good.send(good.f.buildPacketIn().setReason(OFPacketInReason.NO_MATCH).setData(frame)
                .setMatch(good.f.buildMatch().setExact(MatchField.IN_PORT, OFPort.of(1)).build()).build());
        boolean served = goodPacketIns.poll(2, TimeUnit.SECONDS) != null;
        rec.events.clear(); // the recorder kept each packet-in: 100,000 of them made 40-67 MB of the heap measured
        return served;
    }

    /** What the switches' allocator holds in direct memory: read buffers and unsent output. */
    private static long directMemory() {
        return OpenFlowServer.ALLOCATOR.metric().usedDirectMemory();
    }

    private static long heapAfterGc() {
        Runtime r = Runtime.getRuntime();
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            best = Math.min(best, r.totalMemory() - r.freeMemory());
        }
        return best;
    }

    /**
     * Write {@code unit} over and over for {@code millis} to a controller that may stop reading;
     * meanwhile check that the well-behaved switch is served. Returns the bytes the kernel took.
     */
    private long flood(RawPeer p, byte[] unit, long millis, long heapBefore, String what) throws Exception {
        AtomicLong accepted = new AtomicLong();
        byte[] chunk = new byte[unit.length * Math.max(1, 65536 / unit.length)];
        for (int i = 0; i + unit.length <= chunk.length; i += unit.length) {
            System.arraycopy(unit, 0, chunk, i, unit.length);
        }
        long directBefore = directMemory();
        long deadline = System.nanoTime() + millis * 1_000_000;
        Thread w = new Thread(() -> {
            try {
                OutputStream out = p.socket.getOutputStream();
                while (System.nanoTime() < deadline) {
                    out.write(chunk);
                    accepted.addAndGet(chunk.length);
                }
            } catch (IOException e) {
                // closed by the test (or the controller)
            }
        }, "flood");
        w.setDaemon(true);
        w.start();
        int served = 0;
        int asked = 0;
        while (System.nanoTime() < deadline) {
            asked++;
            served += goodServed() ? 1 : 0;
        }
        long heap = heapAfterGc() - heapBefore;
        long direct = directMemory() - directBefore;
        long took = accepted.get();
        p.close();
        w.join(5_000);
        System.out.printf("%s: controller took %d MB in %d ms; heap after GC +%d MB, Netty direct memory +%d MB; "
                + "good switch served %d/%d%n", what, took / MB, millis, heap / MB, direct / MB, served, asked);
        assertEquals(asked, served, what + ": the well-behaved switch was not served throughout");
        assertTrue(heap < 16 * MB, what + ": heap grew by " + heap / MB + " MB");
        assertTrue(direct < 32 * MB, what + ": Netty's direct memory (queued output) grew by " + direct / MB + " MB");
        return took;
    }

    private static byte[] echoRequest(OFVersion v, int payload) {
        OFFactory f = OFFactories.getFactory(v);
        return RawPeer.bytes(f.buildEchoRequest().setXid(9).setData(new byte[payload]).build());
    }

    @Test
    void echoFloodBeforeHelloFromAPeerThatNeverReadsIsBounded() throws Exception {
        long heap = heapAfterGc();
        RawPeer p = new RawPeer(addr);
        long took = flood(p, echoRequest(OFVersion.OF_13, 60_000), 4_000, heap, "ECHO flood before HELLO");
        assertTrue(took < 32 * MB, "the controller kept reading a peer that never reads: " + took / MB + " MB");
    }

    @Test
    void echoFloodAfterHelloFromAPeerThatNeverReadsIsBounded() throws Exception {
        long heap = heapAfterGc();
        RawPeer p = new RawPeer(addr);
        p.send(OFFactories.getFactory(OFVersion.OF_13).buildHello().build());
        long took = flood(p, echoRequest(OFVersion.OF_13, 60_000), 4_000, heap, "ECHO flood after HELLO");
        assertTrue(took < 32 * MB, "the controller kept reading a peer that never reads: " + took / MB + " MB");
    }

    @Test
    void bigPacketInsBeforeFeaturesReplyAreBounded() throws Exception {
        long heap = heapAfterGc();
        RawPeer p = new RawPeer(addr);
        OFFactory f = OFFactories.getFactory(OFVersion.OF_10);
        p.send(f.buildHello().build());
        p.drainInBackground(); // this one reads: only the handshake's bound holds memory down
        byte[] data = new byte[65_000];
        data[12] = 0x08;
        byte[] pi = RawPeer.bytes(f.buildPacketIn().setReason(OFPacketInReason.NO_MATCH).setInPort(OFPort.of(1))
                .setData(data).build());
        flood(p, pi, 4_000, heap, "64 KB PACKET_INs before FEATURES_REPLY");
    }

    /** After the handshake, 8-byte headers with a wrong version: answered, counted, logged a few times only. */
    @Test
    void wrongVersionFloodIsAnsweredAndLoggedRateLimited() throws Exception {
        try (LogLines logs = new LogLines()) {
            long heap = heapAfterGc();
            RawPeer p = new RawPeer(addr);
            p.handshake10(7);
            p.drainInBackground();
            byte[] bad = ByteBuffer.allocate(8).put((byte) 4).put((byte) 2).putShort((short) 8).putInt(1).array();
            flood(p, bad, 3_000, heap, "wrong-version headers");
            String dpid = DatapathId.of(7).toString();
            long lines = logs.count(m -> m.startsWith(dpid));
            long sent = server.peerFaults().getOrDefault(PeerFault.WRONG_VERSION, 0L);
            System.out.printf("wrong-version headers: %d answered and counted, %d log lines%n", sent, lines);
            assertTrue(sent > 10_000, "the flood reached the controller: " + sent);
            assertTrue(lines <= 3, lines + " log lines for one connection's flood");
            assertEquals(0, logs.withStackTrace(), "no stack trace for a peer's mistake");
        }
    }

    /** The flood must not cost the connection: a switch that sends junk and then behaves is still served. */
    @Test
    void aSwitchThatSentJunkIsStillServed() throws Exception {
        RawPeer p = new RawPeer(addr);
        OFFactory f = p.handshake10(8);
        for (int i = 0; i < 1_000; i++) {
            p.send(ByteBuffer.allocate(12).put((byte) 1).put((byte) (30 + i % 200)).putShort((short) 12).putInt(i)
                    .putInt(i).array());
        }
        p.send(f.buildEchoRequest().setXid(424242).build());
        while (true) {
            var m = p.message();
            if (m.getXid() == 424242) {
                assertEquals(org.projectfloodlight.openflow.protocol.OFType.ECHO_REPLY, m.getType());
                break;
            }
        }
        p.close();
    }

    /** Issue 11: each connection closed for a short header logged a full stack trace. */
    @Test
    void shortHeadersCloseWithOneLineAndNoStackTrace() throws Exception {
        try (LogLines logs = new LogLines()) {
            int n = 200;
            for (int i = 0; i < n; i++) {
                try (RawPeer p = new RawPeer(addr)) {
                    p.send(new byte[]{4, 0, 0, 4, 0, 0, 0, (byte) i});
                    assertEquals(-1, p.socket.getInputStream().skip(0) < 0 ? -1 : readToEnd(p));
                }
            }
            assertEquals(0, logs.withStackTrace());
            long lines = logs.count(m -> m.contains("impossible length"));
            assertTrue(lines <= n, lines + " lines for " + n + " connections");
            assertTrue(goodServed());
        }
    }

    /** Reads until the controller closes; -1 then. */
    private static int readToEnd(RawPeer p) throws IOException {
        byte[] sink = new byte[4096];
        while (p.socket.getInputStream().read(sink) >= 0) {
            // the controller's HELLO
        }
        return -1;
    }
}
