package dev.weft.sim.bench;

import io.netty.buffer.ByteBuf;

/**
 * Decides, from the raw frame, whether a controller message counts as a response to a
 * packet-in, with cbench's rule (oflops {@code cbench/fakeswitch.c}, {@code
 * fakeswitch_handle_read}): a FLOW_MOD whose command is ADD or MODIFY_STRICT, or a PACKET_OUT
 * whose packet is not LLDP. Reads a few header fields only; never decodes the message.
 */
final class ResponseClassifier {

    private ResponseClassifier() {
    }

    /**
     * @param frame  buffer holding a complete OpenFlow message at {@code start}
     * @param start  index of the message's first byte
     * @param length the message length from its header
     */
    static boolean isCountedResponse(ByteBuf frame, int start, int length) {
        int type = frame.getUnsignedByte(start + OfWire.OFFSET_TYPE);
        boolean v10 = frame.getUnsignedByte(start + OfWire.OFFSET_VERSION) == OfWire.WIRE_VERSION_10;
        if (type == OfWire.TYPE_FLOW_MOD) {
            return isAddOrModifyStrict(frame, start, length, v10);
        }
        if (type == OfWire.TYPE_PACKET_OUT) {
            return !carriesLldp(frame, start, length, v10);
        }
        return false;
    }

    private static boolean isAddOrModifyStrict(ByteBuf frame, int start, int length, boolean v10) {
        int command;
        if (v10) {
            if (length < OfWire.FLOW_MOD_COMMAND_OFFSET_10 + 2) {
                return false;
            }
            command = frame.getUnsignedShort(start + OfWire.FLOW_MOD_COMMAND_OFFSET_10);
        } else {
            if (length < OfWire.FLOW_MOD_COMMAND_OFFSET_11 + 1) {
                return false;
            }
            command = frame.getUnsignedByte(start + OfWire.FLOW_MOD_COMMAND_OFFSET_11);
        }
        return command == OfWire.FLOW_MOD_ADD || command == OfWire.FLOW_MOD_MODIFY_STRICT;
    }

    /**
     * cbench skips LLDP packet-outs: topology discovery is not an answer to our packet-in.
     * Unlike cbench (whose VLAN branch mis-computes the offset) a VLAN tag is stepped over.
     */
    private static boolean carriesLldp(ByteBuf frame, int start, int length, boolean v10) {
        int actionsLenOffset = v10 ? OfWire.PACKET_OUT_ACTIONS_LEN_OFFSET_10 : OfWire.PACKET_OUT_ACTIONS_LEN_OFFSET_11;
        int actionsOffset = v10 ? OfWire.PACKET_OUT_ACTIONS_OFFSET_10 : OfWire.PACKET_OUT_ACTIONS_OFFSET_11;
        if (length < actionsOffset) {
            return false;
        }
        int data = actionsOffset + frame.getUnsignedShort(start + actionsLenOffset);
        if (data + OfWire.ETHERNET_HEADER_LENGTH > length) {
            return false; // no packet data (a buffered packet): cannot be LLDP
        }
        int ethertypeAt = data + OfWire.ETHERTYPE_OFFSET;
        int ethertype = frame.getUnsignedShort(start + ethertypeAt);
        if ((ethertype == OfWire.ETHERTYPE_VLAN || ethertype == OfWire.ETHERTYPE_QINQ)
                && ethertypeAt + OfWire.VLAN_TAG_LENGTH + 2 <= length) {
            ethertype = frame.getUnsignedShort(start + ethertypeAt + OfWire.VLAN_TAG_LENGTH);
        }
        return ethertype == OfWire.ETHERTYPE_LLDP;
    }
}
