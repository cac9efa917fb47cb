package dev.weft.sim.packet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
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
        byte[] f = Frames.arpRequest(A, IA, IB);
        assertEquals(60, f.length, "padded to the Ethernet minimum");
        Headers h = Headers.parse(f);
        assertEquals(EtherTypes.ARP, h.ethType());
        assertEquals(1, h.get(Field.ARP_OP));
        assertEquals(IB.getInt() & 0xffffffffL, h.get(Field.ARP_TPA));
        assertEquals(MacAddress.BROADCAST, Frames.ethDst(f));
        Frames.Arp a = Frames.parseArp(f);
        assertEquals(A, a.sha());
        assertTrue(Frames.parseArp(Frames.gratuitousArp(A, IA)).isGratuitous());
        assertTrue(Frames.parseArp(Frames.rarpAnnounce(A)).rarp());
    }

    @Test
    void icmpEchoHasValidChecksumsAndCorruptionIsDetected() {
        byte[] f = Frames.icmpEcho(Frames.ICMP_ECHO_REQUEST, B, A, IA, IB, 0x1234, 7, new byte[32]);
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
        byte[] f = Frames.udp(B, A, IA, IB, 1111, 2222, new byte[] {9, 8, 7});
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
        byte[] arp = Frames.arpRequest(A, IA, IB);
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
