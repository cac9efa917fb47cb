package dev.weft.sim.bench;

import dev.weft.sim.packet.FrameBuilder;
import dev.weft.sim.packet.Frames;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.List;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFFlowMod;
import org.projectfloodlight.openflow.protocol.OFFlowModCommand;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.action.OFAction;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFBufferId;
import org.projectfloodlight.openflow.types.OFPort;

/** Controller messages for tests, built with Loxi. */
final class Messages {

    private Messages() {
    }

    static OFFlowMod flowMod(OFFactory factory, OFFlowModCommand command, long xid, OFBufferId bufferId,
                             List<OFAction> actions) {
        OFFlowMod.Builder builder = switch (command) {
            case ADD -> factory.buildFlowAdd();
            case MODIFY -> factory.buildFlowModify();
            case MODIFY_STRICT -> factory.buildFlowModifyStrict();
            case DELETE -> factory.buildFlowDelete();
            case DELETE_STRICT -> factory.buildFlowDeleteStrict();
        };
        builder.setXid(xid).setBufferId(bufferId).setMatch(factory.buildMatch().build());
        if (factory.getVersion() == OFVersion.OF_10) {
            builder.setActions(actions);
        } else {
            builder.setInstructions(List.of(factory.instructions().applyActions(actions)));
        }
        return builder.build();
    }

    static OFFlowMod flowMod(OFFactory factory, OFFlowModCommand command) {
        return flowMod(factory, command, 7, OFBufferId.of(300),
                List.of(factory.actions().output(OFPort.of(2), 0xFFFF)));
    }

    static OFMessage packetOut(OFFactory factory, long xid, byte[] data) {
        return factory.buildPacketOut()
                .setXid(xid)
                .setBufferId(OFBufferId.NO_BUFFER)
                .setInPort(OFPort.of(1))
                .setActions(List.of(factory.actions().output(OFPort.FLOOD, 0xFFFF)))
                .setData(data)
                .build();
    }

    /** A packet-out that releases a buffered packet: no data at all. */
    static OFMessage bufferedPacketOut(OFFactory factory) {
        return factory.buildPacketOut()
                .setXid(9)
                .setBufferId(OFBufferId.of(257))
                .setInPort(OFPort.of(1))
                .setActions(List.of(factory.actions().output(OFPort.FLOOD, 0xFFFF)))
                .build();
    }

    /** An LLDP frame as topology discovery sends it, optionally VLAN-tagged. */
    static byte[] lldpFrame(boolean vlanTagged) {
        FrameBuilder frame = Frames.from(MacAddress.of("02:00:00:00:00:01")).to(MacAddress.of("01:80:c2:00:00:0e"))
                .minLength(64);
        return (vlanTagged ? frame.vlan(42) : frame).ethernet(0x88cc,
                new byte[] {0x02, 0x07, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01}); // chassis id TLV
    }

    static byte[] ipv4Frame() {
        return PacketInTemplate.probeFrame(MacAddress.of("00:00:00:00:00:02"), MacAddress.of("00:00:00:00:00:01"));
    }

    static ByteBuf encode(OFMessage... messages) {
        ByteBuf buf = Unpooled.buffer();
        for (OFMessage message : messages) {
            message.writeTo(buf);
        }
        return buf;
    }
}
