package dev.weft.core.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.api.packet.Ethernet;
import dev.weft.api.topology.SwitchPort;
import org.junit.jupiter.api.Test;
import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;

class LinkProbesTest {
    private static final long NOW = 1_767_225_600_000L;
    private static final Duration MAX_AGE = Duration.ofSeconds(10);
    private static final DatapathId DPID = DatapathId.of(0x0102);
    private static final MacAddress PORT_MAC = MacAddress.of("02:00:00:00:01:02");

    private final LinkProbes probes = new LinkProbes(bytes(8, 1), bytes(32, 7));

    private static byte[] bytes(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (seed * 31 + i);
        }
        return b;
    }

    private LinkProbes.Check check(LinkProbes p, byte[] frame, long now) {
        Ethernet eth = Ethernet.parse(frame).orElseThrow();
        return p.check(frame, eth.payloadOffset(), now, MAX_AGE);
    }

    @Test
    void roundTrip() {
        byte[] f = probes.encode(DPID, OFPort.of(3), PORT_MAC, NOW);
        assertEquals(LinkProbes.FRAME_LENGTH, f.length);
        Ethernet eth = Ethernet.parse(f).orElseThrow();
        assertEquals(LinkProbes.ETH_TYPE, eth.ethType().getValue());
        assertEquals(LinkProbes.NEAREST_BRIDGE, eth.dst());
        assertEquals(PORT_MAC, eth.src());
        LinkProbes.Check c = check(probes, f, NOW + 5);
        assertTrue(c.valid(), () -> "rejected: " + c.rejection());
        assertEquals(new SwitchPort(DPID, OFPort.of(3)), c.origin());
        assertEquals(NOW, c.sentMillis());
        // 32-bit port numbers survive.
        byte[] big = probes.encode(DatapathId.of(-2L), OFPort.of(0xffffff00), PORT_MAC, NOW);
        assertEquals(new SwitchPort(DatapathId.of(-2L), OFPort.of(0xffffff00)), check(probes, big, NOW).origin());
    }

    @Test
    void anotherControllerOrAnotherRunIsForeign() {
        byte[] theirs = new LinkProbes(bytes(8, 2), bytes(32, 7)).encode(DPID, OFPort.of(3), PORT_MAC, NOW);
        assertEquals(LinkProbes.Rejection.FOREIGN, check(probes, theirs, NOW).rejection());
        // Same controller id but another secret (e.g. a copied id): the signature fails.
        byte[] copied = new LinkProbes(bytes(8, 1), bytes(32, 8)).encode(DPID, OFPort.of(3), PORT_MAC, NOW);
        assertEquals(LinkProbes.Rejection.FORGED, check(probes, copied, NOW).rejection());
        // Two fresh instances never accept each other's probes.
        LinkProbes a = new LinkProbes();
        LinkProbes b = new LinkProbes();
        assertEquals(LinkProbes.Rejection.FOREIGN, check(b, a.encode(DPID, OFPort.of(1), PORT_MAC, NOW), NOW).rejection());
    }

    @Test
    void tamperedPortOrSwitchIsForged() {
        byte[] f = probes.encode(DPID, OFPort.of(3), PORT_MAC, NOW);
        // Port id TLV value starts after: 14 (eth) + 2+9 (chassis) + 2 (port TLV header) + 1 (subtype).
        byte[] port = f.clone();
        ByteBuffer.wrap(port).putInt(14 + 11 + 2 + 1, 4);
        assertEquals(LinkProbes.Rejection.FORGED, check(probes, port, NOW).rejection());
        byte[] chassis = f.clone();
        chassis[14 + 2 + 1 + 7] ^= 1;
        assertEquals(LinkProbes.Rejection.FORGED, check(probes, chassis, NOW).rejection());
        byte[] sig = f.clone();
        sig[f.length - 3] ^= 0x40;
        assertEquals(LinkProbes.Rejection.FORGED, check(probes, sig, NOW).rejection());
    }

    @Test
    void oldOrFutureProbesAreStale() {
        byte[] f = probes.encode(DPID, OFPort.of(3), PORT_MAC, NOW);
        assertTrue(check(probes, f, NOW + MAX_AGE.toMillis()).valid());
        assertEquals(LinkProbes.Rejection.STALE, check(probes, f, NOW + MAX_AGE.toMillis() + 1).rejection());
        assertEquals(LinkProbes.Rejection.STALE, check(probes, f, NOW - 120_000).rejection());
    }

    @Test
    void plainLldpFromAHostIsForeign() {
        // What lldpd on a server sends: chassis id MAC (subtype 4), port id ifname (subtype 5), TTL, end.
        ByteBuffer b = ByteBuffer.allocate(60);
        b.put(LinkProbes.NEAREST_BRIDGE.getBytes()).put(PORT_MAC.getBytes()).putShort((short) 0x88cc);
        b.putShort((short) ((1 << 9) | 7)).put((byte) 4).put(PORT_MAC.getBytes());
        b.putShort((short) ((2 << 9) | 5)).put((byte) 5).put("eth0".getBytes());
        b.putShort((short) ((3 << 9) | 2)).putShort((short) 120);
        b.putShort((short) 0);
        assertEquals(LinkProbes.Rejection.FOREIGN, check(probes, b.array(), NOW).rejection());
    }

    @Test
    void malformedFramesNeverThrow() {
        byte[] f = probes.encode(DPID, OFPort.of(3), PORT_MAC, NOW);
        for (int len = 14; len < f.length - 2; len++) {
            LinkProbes.Check c = check(probes, Arrays.copyOf(f, len), NOW);
            assertEquals(LinkProbes.Rejection.MALFORMED, c.rejection(), "truncated to " + len);
        }
        // Our TLV with a wrong length.
        byte[] bad = f.clone();
        int org = 14 + 11 + 7 + 4;
        bad[org + 1] = (byte) (bad[org + 1] - 1);
        assertTrue(!check(probes, bad, NOW).valid());
        // Random bytes after an LLDP header.
        java.util.Random r = new java.util.Random(42);
        for (int i = 0; i < 2_000; i++) {
            byte[] junk = new byte[14 + r.nextInt(120)];
            r.nextBytes(junk);
            junk[12] = (byte) 0x88;
            junk[13] = (byte) 0xcc;
            assertTrue(!check(probes, junk, NOW).valid());
        }
    }
}
