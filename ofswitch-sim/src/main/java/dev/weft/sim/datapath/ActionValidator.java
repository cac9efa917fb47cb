package dev.weft.sim.datapath;

import dev.weft.ovsext.NxCt;
import dev.weft.ovsext.NxNat;
import dev.weft.sim.packet.EtherTypes;
import dev.weft.sim.packet.Field;
import dev.weft.sim.packet.FieldSource;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.projectfloodlight.openflow.protocol.OFBadActionCode;
import org.projectfloodlight.openflow.protocol.OFBadInstructionCode;
import org.projectfloodlight.openflow.protocol.OFErrorType;
import org.projectfloodlight.openflow.protocol.OFInstructionType;
import org.projectfloodlight.openflow.protocol.action.OFAction;
import org.projectfloodlight.openflow.protocol.action.OFActionGroup;
import org.projectfloodlight.openflow.protocol.action.OFActionOutput;
import org.projectfloodlight.openflow.protocol.action.OFActionPushVlan;
import org.projectfloodlight.openflow.protocol.action.OFActionSetField;
import org.projectfloodlight.openflow.protocol.action.OFActionSetVlanPcp;
import org.projectfloodlight.openflow.protocol.action.OFActionSetVlanVid;
import org.projectfloodlight.openflow.protocol.instruction.OFInstruction;
import org.projectfloodlight.openflow.protocol.instruction.OFInstructionApplyActions;
import org.projectfloodlight.openflow.protocol.instruction.OFInstructionGotoTable;
import org.projectfloodlight.openflow.protocol.instruction.OFInstructionWriteActions;
import org.projectfloodlight.openflow.protocol.instruction.OFInstructionWriteMetadata;
import org.projectfloodlight.openflow.protocol.oxm.OFOxm;
import org.projectfloodlight.openflow.types.OFPort;

/**
 * Checks actions and instructions before they are installed or executed, with the error a
 * switch answers for each problem: unknown/unsupported action (BAD_ACTION/BAD_TYPE), bad output
 * port (BAD_OUT_PORT), unknown group (BAD_OUT_GROUP), set_field of an unsupported field
 * (BAD_SET_TYPE) or without its prerequisite in the match (MATCH_INCONSISTENT), goto_table
 * backwards or past the last table (BAD_INSTRUCTION/BAD_TABLE_ID), meters (UNSUP_INST).
 * Supported besides output, group and set-field: push/pop VLAN, the OpenFlow 1.0 set actions,
 * dec_nw_ttl and set_nw_ttl (IPv4).
 */
final class ActionValidator {
    private static final Set<Field> SETTABLE = EnumSet.complementOf(EnumSet.of(Field.IN_PORT, Field.IN_PHY_PORT,
            Field.TUNNEL_IPV4_SRC));
    private static final long MAX_PHYSICAL = 0xfffffeffL;

    private final Datapath dp;

    ActionValidator(Datapath dp) {
        this.dp = dp;
    }

    /**
     * Validates a flow-mod's instructions (1.1+) and returns them in normal form.
     * {@code match} is the flow's match, against which set_field prerequisites are checked.
     */
    Program instructions(List<OFInstruction> instructions, int tableId, FieldSource match) throws OfErrorException {
        List<OFAction> apply = List.of();
        List<OFAction> write = List.of();
        boolean clear = false;
        long metadata = 0;
        long metadataMask = 0;
        int gotoTable = -1;
        long meter = Program.NO_METER;
        Set<OFInstructionType> seen = EnumSet.noneOf(OFInstructionType.class);
        for (OFInstruction i : instructions) {
            if (!seen.add(i.getType())) {
                throw new OfErrorException(OFErrorType.BAD_INSTRUCTION, OFBadInstructionCode.UNSUP_INST,
                        "instruction " + i.getType() + " appears twice");
            }
            switch (i.getType()) {
                case APPLY_ACTIONS -> {
                    apply = ((OFInstructionApplyActions) i).getActions();
                    actions(apply, match, false);
                }
                case WRITE_ACTIONS -> {
                    write = ((OFInstructionWriteActions) i).getActions();
                    actions(write, match, false);
                }
                case CLEAR_ACTIONS -> clear = true;
                case WRITE_METADATA -> {
                    OFInstructionWriteMetadata wm = (OFInstructionWriteMetadata) i;
                    metadata = wm.getMetadata().getValue();
                    metadataMask = wm.getMetadataMask().getValue();
                }
                case GOTO_TABLE -> {
                    gotoTable = ((OFInstructionGotoTable) i).getTableId().getValue();
                    if (gotoTable <= tableId || gotoTable >= dp.tableCount()) {
                        throw new OfErrorException(OFErrorType.BAD_INSTRUCTION, OFBadInstructionCode.BAD_TABLE_ID,
                                "goto_table " + gotoTable + " from table " + tableId + " (tables 0.."
                                        + (dp.tableCount() - 1) + ", only forward)");
                    }
                }
                case METER -> {
                    meter = ((org.projectfloodlight.openflow.protocol.instruction.OFInstructionMeter) i).getMeterId();
                    if (!dp.meters.exists(meter)) {
                        throw new OfErrorException(OFErrorType.METER_MOD_FAILED,
                                org.projectfloodlight.openflow.protocol.OFMeterModFailedCode.UNKNOWN_METER,
                                "meter " + meter + " does not exist");
                    }
                }
                default -> throw new OfErrorException(OFErrorType.BAD_INSTRUCTION,
                        OFBadInstructionCode.UNKNOWN_INST, "instruction " + i.getType() + " is not supported");
            }
        }
        return new Program(apply, clear, write, metadata & metadataMask, metadataMask, gotoTable, meter);
    }

    /**
     * Validates an action list. {@code context} is the flow's match (flow-mods) or the packet
     * itself (packet-outs); {@code packetOut} allows output to TABLE.
     */
    void actions(List<OFAction> actions, FieldSource context, boolean packetOut) throws OfErrorException {
        boolean vlanPushed = false;
        for (OFAction a : actions) {
            switch (a.getType()) {
                case OUTPUT -> outPort(((OFActionOutput) a).getPort(), packetOut);
                case GROUP -> {
                    int g = ((OFActionGroup) a).getGroup().getGroupNumber();
                    if (!dp.groups.containsKey(g)) {
                        throw new OfErrorException(OFErrorType.BAD_ACTION, OFBadActionCode.BAD_OUT_GROUP,
                                "group " + Integer.toUnsignedString(g) + " does not exist");
                    }
                }
                case SET_FIELD -> setField(((OFActionSetField) a).getField(), context, vlanPushed);
                case PUSH_VLAN -> {
                    int type = ((OFActionPushVlan) a).getEthertype().getValue();
                    if (type != EtherTypes.VLAN && type != 0x88a8) {
                        throw new OfErrorException(OFErrorType.BAD_ACTION, OFBadActionCode.BAD_ARGUMENT,
                                "push_vlan with ethertype 0x" + Integer.toHexString(type));
                    }
                    vlanPushed = true;
                }
                case SET_VLAN_VID -> {
                    int vid = ((OFActionSetVlanVid) a).getVlanVid().getVlan();
                    if (vid < 0 || vid > 4095) {
                        throw new OfErrorException(OFErrorType.BAD_ACTION, OFBadActionCode.BAD_ARGUMENT,
                                "set_vlan_vid " + vid);
                    }
                }
                case SET_VLAN_PCP -> {
                    int pcp = ((OFActionSetVlanPcp) a).getVlanPcp().getValue();
                    if (pcp < 0 || pcp > 7) {
                        throw new OfErrorException(OFErrorType.BAD_ACTION, OFBadActionCode.BAD_ARGUMENT,
                                "set_vlan_pcp " + pcp);
                    }
                }
                case DEC_NW_TTL, SET_NW_TTL, POP_VLAN, STRIP_VLAN, SET_DL_SRC, SET_DL_DST, SET_NW_SRC, SET_NW_DST, SET_NW_TOS, SET_TP_SRC,
                        SET_TP_DST, SET_QUEUE -> {
                }
                case EXPERIMENTER -> experimenter(a);
                default -> throw new OfErrorException(OFErrorType.BAD_ACTION, OFBadActionCode.BAD_TYPE,
                        "action " + a.getType() + " is not supported");
            }
        }
    }

    /** The Open vSwitch extensions the simulator implements (weft-ovs-ext); others are refused as OVS would a stranger's. */
    private void experimenter(OFAction a) throws OfErrorException {
        if (a instanceof dev.weft.ovsext.NxCtClear) {
            return;
        }
        if (a instanceof NxCt ct) {
            if (ct.table().isPresent() && ct.table().get().getValue() >= dp.tableCount()) {
                throw new OfErrorException(OFErrorType.BAD_ACTION, OFBadActionCode.BAD_ARGUMENT,
                        "ct to table " + ct.table().get() + " (tables 0.." + (dp.tableCount() - 1) + ")");
            }
            for (OFAction n : ct.actions()) {
                if (!(n instanceof NxNat nat) || (nat.kind() != NxNat.Kind.REVERSE && (nat.ipMax().isPresent()
                        || nat.portMin().isPresent()))) {
                    throw new OfErrorException(OFErrorType.BAD_ACTION, OFBadActionCode.BAD_ARGUMENT,
                            "the simulator's ct supports nat to one address (no ranges, no ports) and nothing else, "
                                    + "not " + n);
                }
            }
            return;
        }
        throw new OfErrorException(OFErrorType.BAD_ACTION, OFBadActionCode.BAD_EXPERIMENTER,
                "experimenter action " + a + " is not supported");
    }

    void outPort(OFPort port, boolean packetOut) throws OfErrorException {
        if (port.equals(OFPort.IN_PORT) || port.equals(OFPort.FLOOD) || port.equals(OFPort.ALL)
                || port.equals(OFPort.CONTROLLER) || port.equals(OFPort.LOCAL)) {
            return;
        }
        if (port.equals(OFPort.TABLE) && packetOut) {
            return;
        }
        long n = port.getPortNumber() & 0xffffffffL;
        if (n == 0 || n > MAX_PHYSICAL) {
            throw new OfErrorException(OFErrorType.BAD_ACTION, OFBadActionCode.BAD_OUT_PORT,
                    "output to " + port + " is not supported here");
        }
        if (dp.config().strictOutputPorts() && dp.port(port) == null) {
            throw new OfErrorException(OFErrorType.BAD_ACTION, OFBadActionCode.BAD_OUT_PORT,
                    "output to port " + port + " which does not exist");
        }
    }

    private void setField(OFOxm<?> oxm, FieldSource context, boolean vlanPushed) throws OfErrorException {
        Field f = FieldMapping.field(oxm.getMatchField());
        if (f == null || !SETTABLE.contains(f)) {
            throw new OfErrorException(OFErrorType.BAD_ACTION, OFBadActionCode.BAD_SET_TYPE,
                    "set_field " + oxm.getMatchField().getName() + " is not supported");
        }
        if (oxm.isMasked()) {
            throw new OfErrorException(OFErrorType.BAD_ACTION, OFBadActionCode.BAD_SET_MASK,
                    "masked set_field is not supported");
        }
        Field prereq = prerequisite(f);
        if (prereq != null && context != null) {
            long want = prerequisiteValue(f);
            if (!context.has(prereq) || context.get(prereq) != want) {
                throw new OfErrorException(OFErrorType.BAD_ACTION, OFBadActionCode.MATCH_INCONSISTENT,
                        "set_field " + f + " needs " + prereq + "=0x" + Long.toHexString(want) + " in the match");
            }
        }
    }

    private static Field prerequisite(Field f) {
        return switch (f) {
            case IPV4_SRC, IPV4_DST, IP_DSCP, IP_ECN, IP_PROTO, ARP_OP, ARP_SPA, ARP_TPA, ARP_SHA, ARP_THA ->
                    Field.ETH_TYPE;
            case TCP_SRC, TCP_DST, UDP_SRC, UDP_DST, SCTP_SRC, SCTP_DST, ICMPV4_TYPE, ICMPV4_CODE -> Field.IP_PROTO;
            default -> null;
        };
    }

    private static long prerequisiteValue(Field f) {
        return switch (f) {
            case ARP_OP, ARP_SPA, ARP_TPA, ARP_SHA, ARP_THA -> EtherTypes.ARP;
            case TCP_SRC, TCP_DST -> EtherTypes.PROTO_TCP;
            case UDP_SRC, UDP_DST -> EtherTypes.PROTO_UDP;
            case SCTP_SRC, SCTP_DST -> EtherTypes.PROTO_SCTP;
            case ICMPV4_TYPE, ICMPV4_CODE -> EtherTypes.PROTO_ICMP;
            default -> EtherTypes.IPV4;
        };
    }

    /** A match seen as a field source: a field "is present" when the match fixes it exactly. */
    static FieldSource asContext(MatchSpec spec) {
        return new FieldSource() {
            @Override
            public boolean has(Field field) {
                return spec.exactValue(field) != null;
            }

            @Override
            public long get(Field field) {
                Long v = spec.exactValue(field);
                return v == null ? 0 : v;
            }
        };
    }
}
