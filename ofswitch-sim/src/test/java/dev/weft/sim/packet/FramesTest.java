package dev.weft.sim.packet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;

/** Real frame bytes: ARP/ICMP/UDP layout, checksums, and rewrites that keep checksums right. */
class FramesTest {
    private static final MacAddress A = MacAddress.of("00:00:00:00:00:0a");
    private static final MacAddress B = MacAddress.of("00:00:00:00:00:0b");
    private static final IPv4Address IA = IPv4Address.of("10.0.0.10");
    private static final IPv4Address IB = IPv4Address.of("10.0.0.11");

    @Test
    void arpRequestLayout() {
        byte[] f = Frames.from(A, IA).arpRequest(IB);
        assertEquals(60, f.length, "padded to the Ethernet minimum");
        Headers h = Headers.parse(f);
        assertEquals(EtherTypes.ARP, h.ethType());
        assertEquals(1, h.get(Field.ARP_OP));
        assertEquals(IB.getInt() & 0xffffffffL, h.get(Field.ARP_TPA));
        assertEquals(MacAddress.BROADCAST, Frames.ethDst(f));
        Frames.Arp a = Frames.parseArp(f);
        assertEquals(A, a.sha());
        assertTrue(Frames.parseArp(Frames.from(A, IA).gratuitousArp()).isGratuitous());
        assertTrue(Frames.parseArp(Frames.from(A).rarpAnnounce()).rarp());
    }

    @Test
    void addressesAreNamedSoSenderAndReceiverCannotBeSwapped() {
        byte[] reply = Frames.from(A, IA).to(B, IB).arpReply();
        assertEquals(B, Frames.ethDst(reply));
        assertEquals(A, Frames.ethSrc(reply));
        Frames.Arp a = Frames.parseArp(reply);
        assertEquals(new Frames.Arp(false, Frames.ARP_REPLY, A, IA, B, IB), a);
        Frames.IcmpEcho e = Frames.parseIcmpEcho(Frames.from(A, IA).to(B, IB).echoReply(3, 4, new byte[2]));
        assertEquals(IA, e.src());
        assertEquals(IB, e.dst());
        assertFalse(e.request());
    }

    @Test
    void aVlanTagGoesAfterTheAddressesAndTheFrameStillParses() {
        byte[] f = Frames.from(A, IA).vlan(10).arpRequest(IB);
        assertEquals(60, f.length, "18 + 28 bytes, padded");
        assertEquals(EtherTypes.VLAN, ((f[12] & 0xff) << 8) | (f[13] & 0xff));
        Headers h = Headers.parse(f);
        assertEquals(0x1000 | 10, h.get(Field.VLAN_VID), "OpenFlow's VLAN_VID: present bit + 10");
        assertEquals(EtherTypes.ARP, h.ethType());
        assertEquals(A, Frames.parseArp(f).sha());
        assertThrows(IllegalArgumentException.class, () -> Frames.from(A).vlan(4096));
    }

    @Test
    void framesArePaddedToTheMinimumLength() {
        assertEquals(60, Frames.from(A).to(B).ethernet(0x88b5, new byte[1]).length);
        assertEquals(64, Frames.from(A, IA).to(B, IB).minLength(64).udp(1, 2, new byte[0]).length);
        assertEquals(14 + 20 + 8 + 100, Frames.from(A, IA).to(B, IB).udp(1, 2, new byte[100]).length);
    }

    @Test
    void aMissingAddressIsAnErrorThatSaysWhichOne() {
        IllegalStateException noIp = assertThrows(IllegalStateException.class,
                () -> Frames.from(A).to(B).echoRequest(1, 1));
        assertTrue(noIp.getMessage().contains("from(mac, ip)"), noIp.getMessage());
        IllegalStateException noDst = assertThrows(IllegalStateException.class,
                () -> Frames.from(A, IA).udp(1, 2, new byte[0]));
        assertTrue(noDst.getMessage().contains("to("), noDst.getMessage());
    }

    @Test
    void aPartlyBuiltFrameCanBeShared() {
        FrameBuilder fromA = Frames.from(A, IA);
        byte[] tagged = fromA.vlan(7).to(B, IB).echoRequest(1, 1);
        byte[] plain = fromA.to(B, IB).echoRequest(1, 1);
        assertEquals(0x1000 | 7, Headers.parse(tagged).get(Field.VLAN_VID));
        assertEquals(0, Headers.parse(plain).get(Field.VLAN_VID), "the tag did not stick to the shared builder");
        assertEquals(tagged.length - 4, plain.length);
    }

    @Test
    void icmpEchoHasValidChecksumsAndCorruptionIsDetected() {
        byte[] f = Frames.from(A, IA).to(B, IB).echoRequest(0x1234, 7, new byte[32]);
        assertTrue(Checksums.verify(f, 14, 20), "IPv4 header checksum");
        Frames.IcmpEcho e = Frames.parseIcmpEcho(f);
        assertNotNull(e);
        assertEquals(0x1234, e.id());
        assertEquals(7, e.seq());
        f[40] ^= 1;
        assertNull(Frames.parseIcmpEcho(f), "a corrupted payload fails the ICMP checksum");
    }

    @Test
    void rewritingIpAndPortsKeepsUdpAndIpChecksumsValid() {
        byte[] f = Frames.from(A, IA).to(B, IB).udp(1111, 2222, new byte[] {9, 8, 7});
        assertTrue(udpChecksumOk(f));
        byte[] g = FrameRewriter.setField(f, Field.IPV4_SRC, IPv4Address.of("192.168.1.1").getInt() & 0xffffffffL);
        g = FrameRewriter.setField(g, Field.UDP_DST, 53);
        assertTrue(Checksums.verify(g, 14, 20));
        assertTrue(udpChecksumOk(g));
        assertEquals(53, Headers.parse(g).get(Field.UDP_DST));
        assertEquals(1111, Headers.parse(f).get(Field.UDP_SRC), "the original is untouched");
    }

    @Test
    void fieldsAbsentFromAFrameAreLeftAlone() {
        byte[] arp = Frames.from(A, IA).arpRequest(IB);
        assertTrue(arp == FrameRewriter.setField(arp, Field.IPV4_DST, 1));
        assertTrue(arp == FrameRewriter.popVlan(arp));
        assertEquals(0, Headers.parse(arp).get(Field.VLAN_VID));
        Headers runt = Headers.parse(new byte[5]);
        assertTrue(!runt.has(Field.ETH_DST));
    }

    private static boolean udpChecksumOk(byte[] f) {
        int l4 = 34;
        int len = ((f[l4 + 4] & 0xff) << 8) | (f[l4 + 5] & 0xff);
        long pseudo = Checksums.sum(f, 26, 8, 0) + EtherTypes.PROTO_UDP + len;
        return Checksums.fold(Checksums.sum(f, l4, len, pseudo)) == 0;
    }
}
