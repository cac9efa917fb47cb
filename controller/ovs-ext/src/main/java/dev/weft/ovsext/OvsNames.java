package dev.weft.ovsext;

import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.protocol.match.MatchFields;
import org.projectfloodlight.openflow.types.OFPort;

/** The names {@code ovs-ofctl} prints for fields and ports that Loxi names otherwise. */
final class OvsNames {
    private OvsNames() {
    }

    static String field(MatchField<?> f) {
        MatchFields id = f.id;
        return switch (id) {
            case CONN_TRACKING_STATE -> "ct_state";
            case CONN_TRACKING_ZONE -> "ct_zone";
            case CONN_TRACKING_MARK -> "ct_mark";
            case CONN_TRACKING_LABEL -> "ct_label";
            case METADATA -> "metadata";
            case TUNNEL_ID -> "tun_id";
            default -> f.getName();
        };
    }

    /** Numbers as ovs-ofctl prints them (hex without leading zeros); anything else as Loxi does. */
    static String value(Object v) {
        if (v instanceof org.projectfloodlight.openflow.types.U8 u) {
            return "0x" + Integer.toHexString(u.getValue());
        }
        if (v instanceof org.projectfloodlight.openflow.types.U16 u) {
            return "0x" + Integer.toHexString(u.getValue());
        }
        if (v instanceof org.projectfloodlight.openflow.types.U32 u) {
            return "0x" + Long.toHexString(u.getValue());
        }
        if (v instanceof org.projectfloodlight.openflow.types.U64 u) {
            return "0x" + Long.toHexString(u.getValue());
        }
        if (v instanceof org.projectfloodlight.openflow.types.OFMetadata m) {
            return "0x" + Long.toHexString(m.getValue().getValue());
        }
        if (v instanceof org.projectfloodlight.openflow.types.U128 u) {
            return u.getMsb() == 0 ? "0x" + Long.toHexString(u.getLsb())
                    : "0x" + Long.toHexString(u.getMsb()) + String.format("%016x", u.getLsb());
        }
        return String.valueOf(v);
    }

    static String port(OFPort p) {
        if (p.equals(OFPort.IN_PORT)) {
            return "in_port";
        }
        if (p.equals(OFPort.LOCAL)) {
            return "LOCAL";
        }
        if (p.equals(OFPort.CONTROLLER)) {
            return "CONTROLLER";
        }
        return String.valueOf(p.getPortNumber());
    }
}
