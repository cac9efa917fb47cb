package dev.weft.sim.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFPacketIn;
import org.projectfloodlight.openflow.protocol.OFPacketInReason;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFBufferId;
import org.projectfloodlight.openflow.types.OFPort;

/** Probes patched in place must still be the packet-ins Loxi would have built. */
class PacketInTemplateTest {

    private static final DatapathId DPID = DatapathId.of(7);

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13"})
    void patchedProbeDecodesToTheExpectedPacketIn(OFVersion version) throws Exception {
        OFFactory factory = OFFactories.getFactory(version);
        PacketInTemplate template = PacketInTemplate.probe(factory, DPID);
        ByteBuf buf = Unpooled.buffer();
        template.writeTo(buf, 0x01020304, 99_999, 70_000);

        assertEquals(template.length(), buf.readableBytes());
        OFPacketIn packetIn = (OFPacketIn) OFFactories.getGenericReader().readFrom(buf);
        assertEquals(version, packetIn.getVersion());
        assertEquals(0x01020304, packetIn.getXid());
        assertEquals(OFBufferId.of(99_999), packetIn.getBufferId());
        assertEquals(OFPacketInReason.NO_MATCH, packetIn.getReason());
        assertEquals(PacketInTemplate.FRAME_LENGTH, packetIn.getTotalLen());
        OFPort inPort = version == OFVersion.OF_10 ? packetIn.getInPort() : packetIn.getMatch().get(MatchField.IN_PORT);
        assertEquals(OFPort.of(1), inPort);
        byte[] frame = packetIn.getData();
        assertEquals(BenchAddresses.destinationMac(DPID), MacAddress.of(java.util.Arrays.copyOfRange(frame, 0, 6)));
        assertEquals(BenchAddresses.sourceMac(DPID, 70_000), MacAddress.of(java.util.Arrays.copyOfRange(frame, 6, 12)));
        assertEquals(0, buf.readableBytes());
    }

    @Test
    void probesAreBackToBackInOneBuffer() throws Exception {
        PacketInTemplate template = PacketInTemplate.probe(OFFactories.getFactory(OFVersion.OF_10), DPID);
        ByteBuf buf = Unpooled.buffer();
        for (int i = 0; i < 3; i++) {
            template.writeTo(buf, i + 1, i + 1, i);
        }
        for (int i = 0; i < 3; i++) {
            OFPacketIn packetIn = (OFPacketIn) OFFactories.getGenericReader().readFrom(buf);
            assertEquals(i + 1, packetIn.getXid());
        }
        assertEquals(0, buf.readableBytes());
    }

    @Test
    void sourceMacsAreDistinctPerIndexAndUnicast() {
        Set<MacAddress> macs = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            MacAddress mac = BenchAddresses.sourceMac(DPID, i);
            assertEquals(false, mac.isMulticast(), mac.toString());
            macs.add(mac);
        }
        assertEquals(1000, macs.size());
        assertEquals(false, BenchAddresses.destinationMac(DPID).isMulticast());
        assertEquals(MacAddress.of("80:00:00:00:00:07"), BenchAddresses.destinationMac(DPID));
    }

    /**
     * cbench puts only the switch's low byte in its MACs, so at more than 256 switches switches
     * share MACs and a controller sees hosts move; the bench's MACs are distinct across 1,000
     * switches (and still cbench's below 256).
     */
    @Test
    void sourceMacsOfAThousandSwitchesAreDistinct() {
        Set<MacAddress> macs = new HashSet<>();
        for (long dpid = 1; dpid <= 1000; dpid++) {
            for (int i = 0; i < 50; i++) {
                MacAddress mac = BenchAddresses.sourceMac(DatapathId.of(dpid), i);
                assertEquals(false, org.projectfloodlight.openflow.types.MacAddress.of(mac.getLong()).isMulticast());
                assertEquals(0, mac.getBytes()[0] & 1, "unicast: " + mac);
                macs.add(mac);
            }
        }
        assertEquals(1000 * 50, macs.size());
        assertEquals(MacAddress.of("00:00:00:00:07:ff"), BenchAddresses.sourceMac(DatapathId.of(255), 7));
        assertEquals(MacAddress.of("02:00:00:00:07:00"), BenchAddresses.sourceMac(DatapathId.of(256), 7));
    }

    @Test
    void probeFrameHasAValidIpv4Checksum() {
        byte[] frame = PacketInTemplate.probeFrame(MacAddress.of(1), MacAddress.of(2));
        assertEquals(PacketInTemplate.FRAME_LENGTH, frame.length);
        int sum = 0;
        for (int i = 14; i < 34; i += 2) {
            sum += ((frame[i] & 0xFF) << 8) | (frame[i + 1] & 0xFF);
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        assertEquals(0xFFFF, sum);
    }

    @Test
    void gratuitousArpAnnouncesTheDestination() {
        MacAddress mac = BenchAddresses.destinationMac(DPID);
        byte[] frame = PacketInTemplate.destinationAnnouncement(DPID);
        assertArrayEquals(MacAddress.BROADCAST.getBytes(), java.util.Arrays.copyOfRange(frame, 0, 6));
        assertArrayEquals(mac.getBytes(), java.util.Arrays.copyOfRange(frame, 6, 12));
        assertEquals(0x0806, ((frame[12] & 0xFF) << 8) | (frame[13] & 0xFF));
        assertArrayEquals(mac.getBytes(), java.util.Arrays.copyOfRange(frame, 22, 28)); // sender hardware address
    }
}
