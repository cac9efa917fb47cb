package dev.weft.sim.bench;

import dev.weft.sim.packet.Frames;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFPacketIn;
import org.projectfloodlight.openflow.protocol.OFPacketInReason;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFBufferId;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.TableId;
import org.projectfloodlight.openflow.types.U64;

/**
 * A probe packet-in encoded once with Loxi; {@link #writeTo} copies it and patches the three
 * things that vary per probe (xid, buffer id, source MAC index) in place.
 */
final class PacketInTemplate {

    /** cbench cycles buffer ids through 0..NUM_BUFFER_IDS-1 (oflops {@code cbench/fakeswitch.h}). */
    static final int BUFFER_IDS = 100_000;

    /** Every frame the bench sends is this long, as cbench's. */
    static final int FRAME_LENGTH = 64;

    private static final int BUFFER_ID_OFFSET = 8; // first body field in every version
    private static final int MAC_LENGTH = 6;
    private static final int UDP_PAYLOAD_OFFSET = 14 + 20 + 8;
    private static final IPv4Address PROBE_SOURCE_IP = IPv4Address.of(192, 168, 0, 40);
    private static final IPv4Address PROBE_DESTINATION_IP = IPv4Address.of(192, 168, 1, 40);
    private static final int PROBE_SOURCE_PORT = 1024;
    private static final int PROBE_DESTINATION_PORT = 2048;

    /**
     * cbench's probe frame after the two MACs (oflops {@code cbench/fakeswitch.c}, the bytes of its
     * packet-in from offset 30): EtherType IPv4, a 20-byte header with IP protocol 255 (0xff), and
     * 30 bytes of payload; 64 bytes with the MACs.
     */
    private static final byte[] CBENCH_AFTER_MACS = java.util.HexFormat.of().parseHex(
            "0800450000320000000040fff72cc0a80028c0a801287a18586b110897f519e2657e"
                    + "07cc31c311c7c40c8b955151335451d50036");

    private final byte[] bytes;
    private final int sourceMacIndexOffset;
    private final boolean littleEndianIndex;

    private PacketInTemplate(byte[] bytes, int sourceMacIndexOffset, boolean littleEndianIndex) {
        this.bytes = bytes;
        this.sourceMacIndexOffset = sourceMacIndexOffset;
        this.littleEndianIndex = littleEndianIndex;
    }

    static PacketInTemplate probe(OFFactory factory, DatapathId dpid) {
        return probe(factory, dpid, ProbeFrame.UDP);
    }

    static PacketInTemplate probe(OFFactory factory, DatapathId dpid, ProbeFrame kind) {
        MacAddress destination = BenchAddresses.destinationMac(dpid);
        MacAddress source = BenchAddresses.sourceMac(dpid, 0);
        byte[] frame = kind == ProbeFrame.CBENCH ? cbenchFrame(destination, source) : probeFrame(destination, source);
        byte[] encoded = encode(packetIn(factory, BenchAddresses.PROBE_IN_PORT, OFBufferId.of(0), frame));
        int dataOffset = encoded.length - frame.length;
        int macIndexOffset = dataOffset + MAC_LENGTH + BenchAddresses.SOURCE_MAC_INDEX_OFFSET;
        return new PacketInTemplate(encoded, macIndexOffset, kind == ProbeFrame.CBENCH);
    }

    /** cbench's frame: its destination and source MACs (as the bench lays them out), then its exact bytes. */
    static byte[] cbenchFrame(MacAddress destination, MacAddress source) {
        byte[] frame = new byte[2 * MAC_LENGTH + CBENCH_AFTER_MACS.length];
        System.arraycopy(destination.getBytes(), 0, frame, 0, MAC_LENGTH);
        System.arraycopy(source.getBytes(), 0, frame, MAC_LENGTH, MAC_LENGTH);
        System.arraycopy(CBENCH_AFTER_MACS, 0, frame, 2 * MAC_LENGTH, CBENCH_AFTER_MACS.length);
        return frame;
    }

    /** A unicast IPv4/UDP frame from {@code source} to {@code destination}, 64 bytes like cbench's. */
    static byte[] probeFrame(MacAddress destination, MacAddress source) {
        return Frames.from(source, PROBE_SOURCE_IP).to(destination, PROBE_DESTINATION_IP).minLength(FRAME_LENGTH)
                .udp(PROBE_SOURCE_PORT, PROBE_DESTINATION_PORT, new byte[FRAME_LENGTH - UDP_PAYLOAD_OFFSET]);
    }

    /**
     * cbench's LEARN_DSTMAC announcement of the probes' destination: a broadcast gratuitous ARP
     * (reply form), 64 bytes.
     */
    static byte[] destinationAnnouncement(DatapathId dpid) {
        MacAddress mac = BenchAddresses.destinationMac(dpid);
        IPv4Address ip = BenchAddresses.destinationIp(dpid);
        return Frames.from(mac, ip).minLength(FRAME_LENGTH).arp(Frames.ARP_REPLY, mac, ip, mac, ip);
    }

    /** A one-off packet-in (not a probe), e.g. the gratuitous ARP that teaches the destination. */
    static OFPacketIn packetIn(OFFactory factory, OFPort inPort, OFBufferId bufferId, byte[] frame) {
        OFPacketIn.Builder builder = factory.buildPacketIn()
                .setXid(0)
                .setBufferId(bufferId)
                .setTotalLen(frame.length)
                .setReason(OFPacketInReason.NO_MATCH)
                .setData(frame);
        if (factory.getVersion() == OFVersion.OF_10) {
            builder.setInPort(inPort);
        } else {
            builder.setTableId(TableId.ZERO)
                    .setCookie(U64.ZERO)
                    .setMatch(factory.buildMatch().setExact(MatchField.IN_PORT, inPort).build());
        }
        return builder.build();
    }

    private static byte[] encode(OFPacketIn packetIn) {
        ByteBuf buf = Unpooled.buffer();
        packetIn.writeTo(buf);
        byte[] out = new byte[buf.readableBytes()];
        buf.readBytes(out);
        return out;
    }

    int length() {
        return bytes.length;
    }

    /** Appends one probe to {@code out}. */
    void writeTo(ByteBuf out, int xid, int bufferId, int macIndex) {
        int at = out.writerIndex();
        out.writeBytes(bytes);
        out.setInt(at + OfWire.OFFSET_XID, xid);
        out.setInt(at + BUFFER_ID_OFFSET, bufferId);
        if (littleEndianIndex) {
            out.setIntLE(at + sourceMacIndexOffset, macIndex); // cbench copies its int in host order
        } else {
            out.setInt(at + sourceMacIndexOffset, macIndex);
        }
    }
}
