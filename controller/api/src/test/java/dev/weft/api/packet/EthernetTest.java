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
        assertEquals(IpProtocol.UDP, v4.protocol());
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
