package dev.weft.sim.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFPacketIn;
import org.projectfloodlight.openflow.protocol.OFPacketInReason;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.DatapathId;
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

    private static final int BUFFER_ID_OFFSET = 8; // first body field in every version
    private static final int MAC_LENGTH = 6;

    private final byte[] bytes;
    private final int sourceMacIndexOffset;

    private PacketInTemplate(byte[] bytes, int sourceMacIndexOffset) {
        this.bytes = bytes;
        this.sourceMacIndexOffset = sourceMacIndexOffset;
    }

    static PacketInTemplate probe(OFFactory factory, DatapathId dpid) {
        byte[] frame = EthernetFrames.probe(
                BenchAddresses.destinationMac(dpid), BenchAddresses.sourceMac(dpid, 0));
        byte[] encoded = encode(packetIn(factory, BenchAddresses.PROBE_IN_PORT, OFBufferId.of(0), frame));
        int dataOffset = encoded.length - frame.length;
        int macIndexOffset = dataOffset + MAC_LENGTH + BenchAddresses.SOURCE_MAC_INDEX_OFFSET;
        return new PacketInTemplate(encoded, macIndexOffset);
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
        out.setInt(at + sourceMacIndexOffset, macIndex);
    }
}
