package dev.weft.channel;

import dev.weft.core.Controller;
import dev.weft.core.ControllerSettings;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFPortDesc;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.OFPort;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 11's leak: 2,000 handshakes with distinct datapath ids and 1,000 ports each grew the heap
 * after GC by about 102 KB per id (TenantManager kept every switch's port names forever), with
 * nothing but the learning switch running. Per-switch state must go when the switch goes.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class DatapathIdLeakTest {
    private static final int PORTS = 1_000;

    @ParameterizedTest(name = "{0}: {1} datapath ids")
    @CsvSource({"learning-switch, 2000", "forwarding, 500"})
    void perSwitchStateIsReleasedWhenTheSwitchGoes(String app, int ids) throws Exception {
        try (Controller c = Controller.start(ControllerSettings.builder()
                .listen(List.of(new InetSocketAddress("127.0.0.1", 0))).apps(List.of(app)).dispatchThreads(2).build())) {
            InetSocketAddress a = c.openflowAddresses().get(0);
            byte[] features = featuresReply();
            cycle(c, a, features, 1, 200); // warm-up: classes, pools, JIT
            long before = heapAfterGc();
            cycle(c, a, features, 1_000, ids);
            long after = heapAfterGc();
            int remembered = c.tenants().rememberedSwitches().get(5, TimeUnit.SECONDS);
            double perId = (after - before) / (double) ids;
            System.out.printf("%s: %d handshakes with distinct datapath ids and %d ports each: heap after GC %+.1f MB "
                    + "(%.0f bytes per id); tenant manager remembers %d switches%n", app, ids, PORTS,
                    (after - before) / 1e6, perId, remembered);
            assertTrue(remembered == 0, remembered + " disconnected switches remembered");
            assertTrue(perId < 4_000, String.format("heap grew by %.0f bytes per datapath id", perId));
        }
    }

    /** Handshake and close {@code n} switches with ids from {@code first}; returns when all are gone. */
    private static void cycle(Controller c, InetSocketAddress a, byte[] features, long first, int n) throws Exception {
        for (long id = first; id < first + n; id++) {
            try (Socket s = new Socket()) {
                s.connect(a, 5_000);
                s.setSoTimeout(5_000);
                handshake(s, features, id);
                // Closed only once it is active: a close racing the activation left the registry
                // empty for a moment and then holding that switch (CI, 2026-12-07: "1 switches still
                // connected" right after the wait below had seen none).
                long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                while (c.switches().get(org.projectfloodlight.openflow.types.DatapathId.of(id)).isEmpty()
                        && System.nanoTime() < until) {
                    Thread.sleep(0, 200_000);
                }
                assertTrue(c.switches().get(org.projectfloodlight.openflow.types.DatapathId.of(id)).isPresent(),
                        "switch " + id + " not active 5 s after its handshake");
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!c.switches().all().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertTrue(c.switches().all().isEmpty(), c.switches().all().size() + " switches still connected");
        c.controlLaneDone().get(10, TimeUnit.SECONDS);
    }

    private static void handshake(Socket s, byte[] features, long dpid) throws IOException {
        DataInputStream in = new DataInputStream(s.getInputStream());
        OutputStream out = s.getOutputStream();
        out.write(RawSwitch.header(0, 8, 1));
        while (true) {
            byte[] h = new byte[8];
            in.readFully(h);
            ByteBuffer hb = ByteBuffer.wrap(h);
            int len = hb.getShort(2) & 0xffff;
            in.skipNBytes(len - 8);
            int type = h[1];
            int xid = hb.getInt(4);
            if (type == 5) {
                byte[] f = features.clone();
                ByteBuffer.wrap(f).putInt(4, xid).putLong(8, dpid);
                out.write(f);
            } else if (type == 18) {
                out.write(RawSwitch.header(19, 8, xid));
                out.flush();
                // The switch is announced once the barrier is answered (cycle waits for that).
                return;
            }
        }
    }

    private static byte[] featuresReply() {
        OFFactory f = OFFactories.getFactory(OFVersion.OF_10);
        List<OFPortDesc> ports = new ArrayList<>();
        for (int i = 1; i <= PORTS; i++) {
            ports.add(dev.weft.fakes.FakeSwitch.portDesc(f, OFPort.of(i), "veth-port-" + i, false));
        }
        ByteBuf b = Unpooled.buffer();
        f.buildFeaturesReply().setDatapathId(DatapathId.of(1)).setNTables((short) 1).setNBuffers(0).setPorts(ports)
                .build().writeTo(b);
        byte[] a = new byte[b.readableBytes()];
        b.readBytes(a);
        return a;
    }

    private static long heapAfterGc() throws InterruptedException {
        Runtime r = Runtime.getRuntime();
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(50);
            best = Math.min(best, r.totalMemory() - r.freeMemory());
        }
        return best;
    }
}
