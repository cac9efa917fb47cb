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

import java.util.List;
import java.util.Objects;

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

    /**
     * A PACKET_OUT that sends this packet with {@code actions}: it names the switch's buffer when
     * there is one, and otherwise carries the packet's bytes.
     */
    public OFPacketOut packetOut(List<OFAction> actions) {
        OFPacketOut.Builder b = sw.factory().buildPacketOut()
                .setBufferId(message.getBufferId())
                .setActions(actions);
        if (sw.version().compareTo(OFVersion.OF_15) < 0) {
            b.setInPort(inPort);
        } else {
            b.setMatch(sw.factory().buildMatch().setExact(MatchField.IN_PORT, inPort).build());
        }
        if (OFBufferId.NO_BUFFER.equals(message.getBufferId())) {
            b.setData(message.getData());
        }
        return b.build();
    }
}
