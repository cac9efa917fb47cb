package dev.weft.sim.datapath;

import dev.weft.sim.packet.Field;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.projectfloodlight.openflow.protocol.OFBadMatchCode;
import org.projectfloodlight.openflow.protocol.OFErrorType;
import org.projectfloodlight.openflow.protocol.OFMatchV3;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.match.Match;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.protocol.oxm.OFOxm;
import org.projectfloodlight.openflow.types.Masked;
import org.projectfloodlight.openflow.types.OFPort;

/**
 * Turns a Loxi {@link Match} (any version) into a {@link MatchSpec}, rejecting what a switch
 * would reject: unsupported fields (BAD_FIELD), masks on fields that cannot be masked (BAD_MASK),
 * missing prerequisites in 1.2+ (BAD_PREREQ) and invalid in_port values (BAD_VALUE).
 * Like Open vSwitch, value bits outside the mask are silently cleared.
 */
final class MatchTranslator {
    private static final Set<Field> MASKABLE = EnumSet.of(Field.METADATA, Field.TUNNEL_ID, Field.TUNNEL_IPV4_SRC,
            Field.TUNNEL_IPV4_DST, Field.ETH_DST, Field.ETH_SRC, Field.VLAN_VID, Field.IPV4_SRC, Field.IPV4_DST,
            Field.ARP_SPA, Field.ARP_TPA, Field.ARP_SHA, Field.ARP_THA, Field.TCP_SRC, Field.TCP_DST,
            Field.TCP_FLAGS, Field.UDP_SRC, Field.UDP_DST, Field.CT_STATE);

    private MatchTranslator() {
    }

    static MatchSpec translate(Match match) throws OfErrorException {
        if (match instanceof OFMatchV3 v3) {
            return translateOxms(v3);
        }
        Map<Field, long[]> spec = new EnumMap<>(Field.class);
        for (MatchField<?> mf : fieldsOf(match)) {
            Field f = supported(mf);
            long value;
            long mask;
            if (match.isExact(mf)) {
                value = FieldMapping.toLong(match.get(mf));
                mask = f.fullMask();
            } else {
                Masked<?> m = match.getMasked(mf);
                if (m == null) {
                    continue;
                }
                value = FieldMapping.toLong(m.getValue());
                mask = FieldMapping.toLong(m.getMask());
            }
            put(spec, f, value, mask);
        }
        return new MatchSpec(spec);
    }

    /**
     * OXM matches are read from the raw OXM list: Loxi's {@code getMatchFields()} silently hides
     * fields whose prerequisites are missing, and a switch must reject those instead.
     */
    private static MatchSpec translateOxms(OFMatchV3 match) throws OfErrorException {
        Map<Field, long[]> spec = new EnumMap<>(Field.class);
        for (OFOxm<?> oxm : match.getOxmList()) {
            MatchField<?> mf = oxm.getMatchField();
            Field f = supported(mf);
            if (spec.containsKey(f)) {
                throw new OfErrorException(OFErrorType.BAD_MATCH, OFBadMatchCode.DUP_FIELD,
                        "match field " + mf.getName() + " appears twice");
            }
            // Open vSwitch's tunnel fields describe the outer header: no prerequisite on the frame
            // (Loxi declares eth_type=IPv4 for tunnel_ipv4_src/dst; Open vSwitch accepts them alone).
            if (!mf.arePrerequisitesOK(match) && f != Field.TUNNEL_IPV4_SRC && f != Field.TUNNEL_IPV4_DST) {
                throw new OfErrorException(OFErrorType.BAD_MATCH, OFBadMatchCode.BAD_PREREQ,
                        "match field " + mf.getName() + " lacks its prerequisites");
            }
            long value = FieldMapping.toLong(oxm.getValue());
            long mask = f.fullMask();
            if (oxm.isMasked()) {
                if (!MASKABLE.contains(f)) {
                    throw new OfErrorException(OFErrorType.BAD_MATCH, OFBadMatchCode.BAD_MASK,
                            "match field " + mf.getName() + " cannot be masked");
                }
                mask = FieldMapping.toLong(oxm.getMask());
            }
            put(spec, f, value, mask);
        }
        return new MatchSpec(spec);
    }

    private static Field supported(MatchField<?> mf) throws OfErrorException {
        Field f = FieldMapping.field(mf);
        if (f == null) {
            throw new OfErrorException(OFErrorType.BAD_MATCH, OFBadMatchCode.BAD_FIELD,
                    "match field " + mf.getName() + " is not supported by this switch");
        }
        return f;
    }

    private static void put(Map<Field, long[]> spec, Field f, long value, long mask) throws OfErrorException {
        if ((f == Field.IN_PORT || f == Field.IN_PHY_PORT) && mask == f.fullMask()) {
            int p = (int) value;
            if (p == 0 || p == OFPort.ANY.getPortNumber()) {
                throw new OfErrorException(OFErrorType.BAD_MATCH, OFBadMatchCode.BAD_VALUE,
                        "in_port " + Integer.toUnsignedString(p) + " is not a valid port");
            }
        }
        spec.put(f, new long[] {value, mask});
    }

    private static List<MatchField<?>> fieldsOf(Match match) throws OfErrorException {
        List<MatchField<?>> fields = new ArrayList<>();
        try {
            match.getMatchFields().forEach(fields::add);
        } catch (UnsupportedOperationException e) {
            throw new OfErrorException(OFErrorType.BAD_MATCH, OFBadMatchCode.BAD_FIELD, e.getMessage());
        }
        if (match.getVersion() == OFVersion.OF_10) {
            // Loxi's 1.0 match does not list these two in getMatchFields()
            for (MatchField<?> extra : List.of(MatchField.VLAN_PCP, MatchField.IP_DSCP)) {
                if (!fields.contains(extra) && !match.isFullyWildcarded(extra) && match.get(extra) != null) {
                    fields.add(extra);
                }
            }
        }
        return fields;
    }
}
