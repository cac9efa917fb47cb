package dev.weft.sim.datapath;

import dev.weft.sim.packet.Field;
import java.util.EnumMap;
import java.util.Map;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.protocol.match.MatchFields;
import org.projectfloodlight.openflow.types.ArpOpcode;
import org.projectfloodlight.openflow.types.EthType;
import org.projectfloodlight.openflow.types.ICMPv4Code;
import org.projectfloodlight.openflow.types.ICMPv4Type;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.IpDscp;
import org.projectfloodlight.openflow.types.IpEcn;
import org.projectfloodlight.openflow.types.IpProtocol;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFMetadata;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.OFVlanVidMatch;
import org.projectfloodlight.openflow.types.TransportPort;
import org.projectfloodlight.openflow.types.U64;
import org.projectfloodlight.openflow.types.VlanPcp;

/** Maps Loxi match fields and values to the simulator's {@link Field}s and {@code long} values. */
final class FieldMapping {
    private static final Map<MatchFields, Field> BY_LOXI = new EnumMap<>(MatchFields.class);
    private static final Map<Field, MatchField<?>> TO_LOXI = new EnumMap<>(Field.class);

    static {
        map(MatchField.IN_PORT, Field.IN_PORT);
        map(MatchField.IN_PHY_PORT, Field.IN_PHY_PORT);
        map(MatchField.METADATA, Field.METADATA);
        map(MatchField.TUNNEL_ID, Field.TUNNEL_ID);
        map(MatchField.TUNNEL_IPV4_SRC, Field.TUNNEL_IPV4_SRC);
        map(MatchField.TUNNEL_IPV4_DST, Field.TUNNEL_IPV4_DST);
        map(MatchField.ETH_DST, Field.ETH_DST);
        map(MatchField.ETH_SRC, Field.ETH_SRC);
        map(MatchField.ETH_TYPE, Field.ETH_TYPE);
        map(MatchField.VLAN_VID, Field.VLAN_VID);
        map(MatchField.VLAN_PCP, Field.VLAN_PCP);
        map(MatchField.IP_DSCP, Field.IP_DSCP);
        map(MatchField.IP_ECN, Field.IP_ECN);
        map(MatchField.IP_PROTO, Field.IP_PROTO);
        map(MatchField.IPV4_SRC, Field.IPV4_SRC);
        map(MatchField.IPV4_DST, Field.IPV4_DST);
        map(MatchField.TCP_SRC, Field.TCP_SRC);
        map(MatchField.TCP_DST, Field.TCP_DST);
        map(MatchField.OVS_TCP_FLAGS, Field.TCP_FLAGS);
        map(MatchField.UDP_SRC, Field.UDP_SRC);
        map(MatchField.UDP_DST, Field.UDP_DST);
        map(MatchField.SCTP_SRC, Field.SCTP_SRC);
        map(MatchField.SCTP_DST, Field.SCTP_DST);
        map(MatchField.ICMPV4_TYPE, Field.ICMPV4_TYPE);
        map(MatchField.ICMPV4_CODE, Field.ICMPV4_CODE);
        map(MatchField.ARP_OP, Field.ARP_OP);
        map(MatchField.ARP_SPA, Field.ARP_SPA);
        map(MatchField.ARP_TPA, Field.ARP_TPA);
        map(MatchField.ARP_SHA, Field.ARP_SHA);
        map(MatchField.ARP_THA, Field.ARP_THA);
        map(MatchField.CONN_TRACKING_STATE, Field.CT_STATE);
        map(MatchField.CONN_TRACKING_ZONE, Field.CT_ZONE);
    }

    private FieldMapping() {
    }

    private static void map(MatchField<?> loxi, Field f) {
        BY_LOXI.put(loxi.id, f);
        TO_LOXI.put(f, loxi);
    }

    /** The simulator field for a Loxi match field, or null when the simulator does not support it. */
    static Field field(MatchField<?> loxi) {
        return BY_LOXI.get(loxi.id);
    }

    static MatchField<?> loxi(Field f) {
        return TO_LOXI.get(f);
    }

    /** A Loxi value as a long, in the field's own encoding. */
    static long toLong(Object v) {
        if (v instanceof OFPort p) {
            return p.getPortNumber() & 0xffffffffL;
        } else if (v instanceof OFMetadata m) {
            return m.getValue().getValue();
        } else if (v instanceof U64 u) {
            return u.getValue();
        } else if (v instanceof MacAddress m) {
            return m.getLong();
        } else if (v instanceof EthType t) {
            return t.getValue();
        } else if (v instanceof OFVlanVidMatch vid) {
            return vid.getRawVid() & 0x1fff;
        } else if (v instanceof VlanPcp pcp) {
            return pcp.getValue();
        } else if (v instanceof IpDscp d) {
            return d.getDscpValue();
        } else if (v instanceof IpEcn e) {
            return e.getEcnValue();
        } else if (v instanceof IpProtocol p) {
            return p.getIpProtocolNumber();
        } else if (v instanceof IPv4Address a) {
            return a.getInt() & 0xffffffffL;
        } else if (v instanceof TransportPort t) {
            return t.getPort();
        } else if (v instanceof ICMPv4Type t) {
            return t.getType();
        } else if (v instanceof ICMPv4Code c) {
            return c.getCode();
        } else if (v instanceof ArpOpcode o) {
            return o.getOpcode();
        } else if (v instanceof org.projectfloodlight.openflow.types.U32 u) {
            return u.getValue();
        } else if (v instanceof org.projectfloodlight.openflow.types.U16 u) {
            return u.getValue();
        }
        throw new IllegalArgumentException("unsupported value type " + v.getClass().getSimpleName());
    }
}
