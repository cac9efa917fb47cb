package dev.weft.sim.bench;

/**
 * OpenFlow wire offsets the hot path reads straight from a ByteBuf, so that responses can be
 * counted without decoding them. Everything else goes through Loxi.
 */
final class OfWire {

    static final int HEADER_LENGTH = 8;
    static final int OFFSET_VERSION = 0;
    static final int OFFSET_TYPE = 1;
    static final int OFFSET_LENGTH = 2;
    static final int OFFSET_XID = 4;

    static final int WIRE_VERSION_10 = 0x01;

    /** Message types that are responses to a packet-in; the same numbers in 1.0 and 1.1+. */
    static final int TYPE_PACKET_OUT = 13;
    static final int TYPE_FLOW_MOD = 14;

    /** ofp_flow_mod_command, the same values in every version. */
    static final int FLOW_MOD_ADD = 0;
    static final int FLOW_MOD_MODIFY_STRICT = 2;

    /** 1.0: command (u16) follows header, 40-byte ofp_match and cookie. */
    static final int FLOW_MOD_COMMAND_OFFSET_10 = 56;
    /** 1.1+: command (u8) follows header, cookie, cookie_mask and table_id. */
    static final int FLOW_MOD_COMMAND_OFFSET_11 = 25;

    /** 1.0: buffer_id, in_port (u16), actions_len (u16), then actions. */
    static final int PACKET_OUT_ACTIONS_LEN_OFFSET_10 = 14;
    static final int PACKET_OUT_ACTIONS_OFFSET_10 = 16;
    /** 1.1+: buffer_id, in_port (u32), actions_len (u16), 6 bytes pad, then actions. */
    static final int PACKET_OUT_ACTIONS_LEN_OFFSET_11 = 16;
    static final int PACKET_OUT_ACTIONS_OFFSET_11 = 24;

    static final int ETHERNET_HEADER_LENGTH = 14;
    static final int ETHERTYPE_OFFSET = 12;
    static final int ETHERTYPE_VLAN = 0x8100;
    static final int ETHERTYPE_QINQ = 0x88a8;
    static final int ETHERTYPE_LLDP = 0x88cc;
    static final int VLAN_TAG_LENGTH = 4;

    private OfWire() {
    }
}
