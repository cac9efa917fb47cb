package dev.weft.api.event;

import dev.weft.api.Switch;
import dev.weft.api.packet.Ethernet;
import org.projectfloodlight.openflow.protocol.OFPacketIn;
import org.projectfloodlight.openflow.protocol.OFPacketOut;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.action.OFAction;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.OFBufferId;
import org.projectfloodlight.openflow.types.OFPort;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A packet the switch sent to the controller, with its Ethernet (and ARP/IPv4) headers parsed.
 * {@code inPort} is read from the message whatever the OpenFlow version.
 */
public record PacketIn(Switch sw, OFPacketIn message, OFPort inPort, Ethernet frame) implements SwitchEvent {
    public PacketIn {
        Objects.requireNonNull(sw, "sw");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(inPort, "inPort");
        Objects.requireNonNull(frame, "frame");
    }

    /** The switch's buffer holding the packet, or {@link OFBufferId#NO_BUFFER}. */
    public OFBufferId bufferId() {
        return message.getBufferId();
    }

    /** The largest OpenFlow message: its length field has 16 bits. */
    public static final int MAX_MESSAGE_LENGTH = 0xffff;
    /** Below this much data a PACKET_OUT fits whatever its actions (they would need 4 KB). */
    private static final int SURELY_FITS = MAX_MESSAGE_LENGTH - 4096;

    /**
     * A PACKET_OUT that sends this packet with {@code actions}: it names the switch's buffer when
     * there is one, and otherwise carries the packet's bytes.
     *
     * <p>Empty when the packet cannot be sent back: the switch did not buffer it and it does not
     * fit in one OpenFlow message with these actions. A PACKET_IN has less room around its data
     * than a PACKET_OUT (OpenFlow 1.0: 18 bytes against 16 plus 8 per output action), so a packet
     * of up to 65,517 bytes can arrive that no PACKET_OUT can carry. Such a packet is larger than
     * any link's MTU (jumbo frames stop near 9,216 bytes), so a switch would drop it at the output
     * port anyway: dropping it here changes nothing on the wire. Flow entries can still be
     * installed for it.
     */
    public Optional<OFPacketOut> packetOut(List<OFAction> actions) {
        boolean buffered = !OFBufferId.NO_BUFFER.equals(message.getBufferId());
        if (!buffered && message.getData().length > SURELY_FITS && !fits(actions)) {
            return Optional.empty();
        }
        OFPacketOut.Builder b = sw.factory().buildPacketOut()
                .setBufferId(message.getBufferId())
                .setActions(actions);
        if (sw.version().compareTo(OFVersion.OF_15) < 0) {
            b.setInPort(inPort);
        } else {
            b.setMatch(sw.factory().buildMatch().setExact(MatchField.IN_PORT, inPort).build());
        }
        if (!buffered) {
            b.setData(message.getData());
        }
        return Optional.of(b.build());
    }

    /** Whether a PACKET_OUT of this packet's data with {@code actions} stays within 65,535 bytes. */
    private boolean fits(List<OFAction> actions) {
        OFVersion v = sw.version();
        // Fixed part: header, buffer id, in_port and actions length (1.0: 16 bytes; 1.1-1.4: 24);
        // 1.5 carries the in_port in a match (an OXM padded to 16 bytes) instead: 32.
        int fixed = v == OFVersion.OF_10 ? 16 : v.compareTo(OFVersion.OF_15) < 0 ? 24 : 32;
        ByteBuf b = Unpooled.buffer();
        try {
            for (OFAction a : actions) {
                a.writeTo(b);
            }
            return fixed + b.readableBytes() + message.getData().length <= MAX_MESSAGE_LENGTH;
        } finally {
            b.release();
        }
    }
}
