package dev.weft.api.packet;

import dev.weft.api.AppCookie;
import org.junit.jupiter.api.Test;
import org.projectfloodlight.openflow.types.ArpOpcode;
import org.projectfloodlight.openflow.types.EthType;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.IpProtocol;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.U64;

import java.nio.ByteBuffer;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EthernetTest {
    private static byte[] frame(int type, byte[] payload, int... vlans) {
        ByteBuffer b = ByteBuffer.allocate(14 + 4 * vlans.length + payload.length);
        b.put(MacAddress.of("ff:ff:ff:ff:ff:ff").getBytes()).put(MacAddress.of("02:00:00:00:00:01").getBytes());
        for (int v : vlans) {
            b.putShort((short) 0x8100).putShort((short) v);
        }
        b.putShort((short) type).put(payload);
        return b.array();
    }

    private static byte[] arp() {
        ByteBuffer b = ByteBuffer.allocate(28);
        b.putShort((short) 1).putShort((short) 0x0800).put((byte) 6).put((byte) 4).putShort((short) 1)
                .put(MacAddress.of("02:00:00:00:00:01").getBytes()).putInt(IPv4Address.of("10.0.0.1").getInt())
                .put(new byte[6]).putInt(IPv4Address.of("10.0.0.1").getInt());
        return b.array();
    }

    @Test
    void parsesArp() {
        Ethernet e = Ethernet.parse(frame(0x0806, arp())).orElseThrow();
        assertTrue(e.isBroadcast());
        assertEquals(EthType.ARP, e.ethType());
        Arp a = e.arp().orElseThrow();
        assertEquals(ArpOpcode.REQUEST, a.op());
        assertEquals(IPv4Address.of("10.0.0.1"), a.senderIp());
        assertTrue(a.isGratuitous());
        assertTrue(e.ipv4().isEmpty());
    }

    @Test
    void parsesIpv4BehindAVlanTag() {
        byte[] ip = new byte[20];
        ip[0] = 0x45;
        ip[8] = 64;
        ip[9] = 17;
        ByteBuffer.wrap(ip).putInt(12, IPv4Address.of("10.1.1.1").getInt()).putInt(16, IPv4Address.of("10.1.1.2").getInt());
        Ethernet e = Ethernet.parse(frame(0x0800, ip, 42)).orElseThrow();
        assertEquals(42, e.vlan().orElseThrow().getVlan());
        assertEquals(EthType.IPv4, e.ethType());
        Ipv4 v4 = e.ipv4().orElseThrow();
        assertEquals(IPv4Address.of("10.1.1.2"), v4.dst());
        assertTrue(v4.is(IpProtocol.UDP));
        assertEquals(17, v4.protocol());
        assertEquals(18, e.payloadOffset());
    }

    @Test
    void shortOrBrokenFramesNeverThrow() {
        assertTrue(Ethernet.parse(new byte[13]).isEmpty());
        assertTrue(Ethernet.parse(null).isEmpty());
        // ARP claimed but truncated, IPv4 claimed with a bad version: headers absent, frame present.
        Ethernet e = Ethernet.parse(frame(0x0806, new byte[10])).orElseThrow();
        assertTrue(e.arp().isEmpty());
        assertFalse(Ethernet.parse(frame(0x0800, new byte[20])).orElseThrow().ipv4().isPresent());
        // A tag with nothing after it.
        byte[] cut = new byte[16];
        cut[12] = (byte) 0x81;
        assertTrue(Ethernet.parse(cut).isPresent());
        Random r = new Random(1);
        for (int i = 0; i < 10_000; i++) {
            byte[] junk = new byte[r.nextInt(80)];
            r.nextBytes(junk);
            Ethernet.parse(junk); // must not throw
        }
    }

    private static byte[] ipv4(int versionIhl, int protocol, int length) {
        byte[] ip = new byte[length];
        ip[0] = (byte) versionIhl;
        ip[8] = 64;
        ip[9] = (byte) protocol;
        ByteBuffer.wrap(ip).putInt(12, IPv4Address.of("10.1.1.1").getInt()).putInt(16, IPv4Address.of("10.1.1.2").getInt());
        return ip;
    }

    /** Issue 11: cbench's packets carry protocol 255, which Loxi's IpProtocol.of rejects. */
    @Test
    void everyIpProtocolNumberParses() {
        for (int p = 0; p <= 255; p++) {
            Ethernet e = Ethernet.parse(frame(0x0800, ipv4(0x45, p, 20))).orElseThrow();
            assertEquals(p, e.ipv4().orElseThrow().protocol(), "protocol " + p);
            assertTrue(e.unparsed().isEmpty());
        }
        assertFalse(Ethernet.parse(frame(0x0800, ipv4(0x45, 255, 20))).orElseThrow().ipv4().orElseThrow()
                .is(IpProtocol.UDP));
    }

    @Test
    void ipv4OptionsAreSkippedAndTruncatedOnesNamed() {
        Ethernet full = Ethernet.parse(frame(0x0800, ipv4(0x4f, 6, 60))).orElseThrow();
        assertEquals(60, full.ipv4().orElseThrow().headerLength());
        assertTrue(full.unparsed().isEmpty());
        Ethernet cut = Ethernet.parse(frame(0x0800, ipv4(0x4f, 6, 24))).orElseThrow();
        assertEquals(IPv4Address.of("10.1.1.2"), cut.ipv4().orElseThrow().dst(), "the fixed header is still given");
        assertEquals("IPv4 options truncated", cut.unparsed().orElseThrow());
        Ethernet badIhl = Ethernet.parse(frame(0x0800, ipv4(0x44, 6, 20))).orElseThrow();
        assertTrue(badIhl.ipv4().isEmpty());
        assertTrue(badIhl.unparsed().isPresent());
        Ethernet v6InV4 = Ethernet.parse(frame(0x0800, ipv4(0x65, 6, 40))).orElseThrow();
        assertTrue(v6InV4.ipv4().isEmpty());
        assertTrue(v6InV4.unparsed().isPresent());
    }

    @Test
    void vlanStacksOfAnyDepthGiveTheOuterTagAndTheInnerType() {
        Ethernet e = Ethernet.parse(frame(0x0800, ipv4(0x45, 1, 20), 7, 8, 9, 10, 11)).orElseThrow();
        assertEquals(7, e.vlan().orElseThrow().getVlan());
        assertEquals(EthType.IPv4, e.ethType());
        assertEquals(14 + 5 * 4, e.payloadOffset());
        assertTrue(e.ipv4().isPresent());
        // 802.1ad outer tag, then 802.1Q, with the VID's top bits (PCP, DEI) set.
        byte[] qinq = frame(0x0806, arp(), 0xf00 | 5, 6);
        qinq[12] = (byte) 0x88;
        qinq[13] = (byte) 0xa8;
        qinq[14] = (byte) 0xff;
        Ethernet q = Ethernet.parse(qinq).orElseThrow();
        assertEquals(0xf05 & 0xfff, q.vlan().orElseThrow().getVlan());
        assertTrue(q.arp().isPresent());
        // A stack cut off inside a tag.
        byte[] cut = java.util.Arrays.copyOf(frame(0x0800, new byte[0], 3, 4), 14 + 4 + 1);
        Ethernet c = Ethernet.parse(cut).orElseThrow();
        assertEquals("VLAN tag truncated", c.unparsed().orElseThrow());
        assertEquals(3, c.vlan().orElseThrow().getVlan());
    }

    @Test
    void arpOfAnotherKindIsLeftUnparsed() {
        byte[] a = arp();
        a[1] = 6; // hardware type IEEE 802
        Ethernet e = Ethernet.parse(frame(0x0806, a)).orElseThrow();
        assertTrue(e.arp().isEmpty());
        assertTrue(e.unparsed().isPresent());
        byte[] op = arp();
        op[7] = (byte) 0xff; // an opcode nobody defined: still ARP
        assertEquals(0xff, Ethernet.parse(frame(0x0806, op)).orElseThrow().arp().orElseThrow().op().getOpcode());
    }

    @Test
    void appCookieRoundTripsAndChecksRanges() {
        AppCookie c = new AppCookie(387, 5001, 7);
        AppCookie back = AppCookie.of(c.toU64());
        assertEquals(c, back);
        assertTrue(AppCookie.ownedBy(c.toU64(), 387));
        assertFalse(AppCookie.ownedBy(c.toU64(), 386));
        assertEquals(U64.of(387L << 52), c.toU64().and(AppCookie.APP_MASK));
        assertThrows(IllegalArgumentException.class, () -> new AppCookie(0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new AppCookie(1, 1 << 24, 0));
        assertEquals(AppCookie.MAX_NETWORK, new AppCookie(4095, AppCookie.MAX_NETWORK, 0).network());
    }
}
