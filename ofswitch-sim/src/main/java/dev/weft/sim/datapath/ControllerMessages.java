package dev.weft.sim.datapath;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.projectfloodlight.openflow.protocol.OFActionType;
import org.projectfloodlight.openflow.protocol.OFAsyncSet;
import org.projectfloodlight.openflow.protocol.OFBadRequestCode;
import org.projectfloodlight.openflow.protocol.OFCapabilities;
import org.projectfloodlight.openflow.protocol.OFConfigFlags;
import org.projectfloodlight.openflow.protocol.OFControllerRole;
import org.projectfloodlight.openflow.protocol.OFEchoRequest;
import org.projectfloodlight.openflow.protocol.OFErrorType;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFFeaturesReply;
import org.projectfloodlight.openflow.protocol.OFFlowMod;
import org.projectfloodlight.openflow.protocol.OFGroupMod;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFMeterMod;
import org.projectfloodlight.openflow.protocol.OFPacketOut;
import org.projectfloodlight.openflow.protocol.OFPortMod;
import org.projectfloodlight.openflow.protocol.OFQueueGetConfigRequest;
import org.projectfloodlight.openflow.protocol.OFRoleRequest;
import org.projectfloodlight.openflow.protocol.OFSetConfig;
import org.projectfloodlight.openflow.protocol.OFStatsRequest;
import org.projectfloodlight.openflow.protocol.OFType;
import org.projectfloodlight.openflow.protocol.action.OFAction;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.OFAuxId;
import org.projectfloodlight.openflow.types.OFBufferId;
import org.projectfloodlight.openflow.types.OFPort;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a switch does with each message from its controller: checks the version, hands the message
 * to the part that owns it (flow-mods, group-mods, stats, ports, the pipeline for PACKET_OUT),
 * answers the simple requests itself, and turns a refusal into an OpenFlow error that quotes the
 * request. It also keeps what the controller configured on the connection (SET_CONFIG, SET_ASYNC,
 * the role), which a new connection resets. Same thread as its {@link Datapath}.
 */
final class ControllerMessages {
    private static final Logger log = LoggerFactory.getLogger(ControllerMessages.class);
    private static final int DEFAULT_MISS_SEND_LEN = 128;
    /** OpenFlow 1.3 SET_ASYNC packet-in mask (master/equal): by default no-match and action, not invalid TTL. */
    private static final long DEFAULT_PACKET_IN_MASK = 0b011;

    private final Datapath dp;
    private final MessageCounters counters;
    private final Pipeline pipeline;
    private final ActionValidator validator;
    private final FlowMods flowMods;
    private final GroupMods groupMods;
    private final StatsResponder stats;
    private final PortTable ports;
    private int missSendLen = DEFAULT_MISS_SEND_LEN;
    private Set<OFConfigFlags> configFlags = EnumSet.noneOf(OFConfigFlags.class);
    private long packetInMask = DEFAULT_PACKET_IN_MASK;
    private OFControllerRole role = OFControllerRole.ROLE_EQUAL;

    ControllerMessages(Datapath dp, MessageCounters counters, Pipeline pipeline, PortTable ports) {
        this.dp = dp;
        this.counters = counters;
        this.pipeline = pipeline;
        this.ports = ports;
        this.validator = new ActionValidator(dp);
        this.flowMods = new FlowMods(dp, validator);
        this.groupMods = new GroupMods(dp, validator, flowMods);
        this.stats = new StatsResponder(dp);
    }

    /** A new controller connection: the switch config goes back to its defaults. */
    void resetConfig() {
        missSendLen = DEFAULT_MISS_SEND_LEN;
        configFlags = EnumSet.noneOf(OFConfigFlags.class);
        packetInMask = DEFAULT_PACKET_IN_MASK;
    }

    int missSendLen() {
        return missSendLen;
    }

    OFControllerRole role() {
        return role;
    }

    /** See {@link Datapath#invalidTtlToController()}. */
    boolean invalidTtlToController() {
        return dp.is10() ? configFlags.contains(OFConfigFlags.INVALID_TTL_TO_CONTROLLER)
                : (packetInMask & (1L << 2)) != 0;
    }

    void handle(OFMessage m) {
        counters.count(m.getType());
        OFFactory factory = dp.factory();
        try {
            if (m.getVersion() != dp.version() && m.getType() != OFType.HELLO) {
                throw new OfErrorException(OFErrorType.BAD_REQUEST, OFBadRequestCode.BAD_VERSION,
                        "message version " + m.getVersion() + " on a " + dp.version() + " connection");
            }
            dispatch(m, factory);
        } catch (OfErrorException e) {
            log.debug("{}: rejecting {}: {}", dp.dpid(), m.getType(), e.getMessage());
            dp.env().toController(ErrorMessages.forRequest(factory, e, m));
        } catch (RuntimeException e) {
            log.warn("{}: cannot process {}: {}", dp.dpid(), m, e.toString());
            dp.env().toController(ErrorMessages.build(factory, m.getXid(), OFErrorType.BAD_REQUEST,
                    OFBadRequestCode.EPERM, ErrorMessages.bytesOf(m)));
        }
    }

    private void dispatch(OFMessage m, OFFactory factory) throws OfErrorException {
        DatapathEnvironment env = dp.env();
        switch (m.getType()) {
            case HELLO, ECHO_REPLY, ERROR -> {
            }
            case ECHO_REQUEST -> env.toController(factory.buildEchoReply().setXid(m.getXid())
                    .setData(((OFEchoRequest) m).getData()).build());
            case FEATURES_REQUEST -> env.toController(featuresReply(m.getXid(), factory));
            case GET_CONFIG_REQUEST -> env.toController(factory.buildGetConfigReply().setXid(m.getXid())
                    .setFlags(configFlags).setMissSendLen(missSendLen).build());
            case SET_CONFIG -> {
                OFSetConfig sc = (OFSetConfig) m;
                missSendLen = sc.getMissSendLen();
                configFlags = sc.getFlags().isEmpty() ? EnumSet.noneOf(OFConfigFlags.class) : EnumSet.copyOf(sc.getFlags());
            }
            case PACKET_OUT -> packetOut((OFPacketOut) m);
            case FLOW_MOD -> {
                OFFlowMod fm = (OFFlowMod) m;
                counters.countFlowMod(fm.getCommand(), fm.getCookie());
                flowMods.handle(fm);
            }
            case GROUP_MOD -> groupMods.handle((OFGroupMod) m);
            case METER_MOD -> dp.meters.handle((OFMeterMod) m, dp.now());
            case PORT_MOD -> ports.portMod((OFPortMod) m);
            case STATS_REQUEST -> stats.handle((OFStatsRequest<?>) m);
            case BARRIER_REQUEST -> env.toController(factory.buildBarrierReply().setXid(m.getXid()).build());
            case ROLE_REQUEST -> {
                OFRoleRequest rr = (OFRoleRequest) m;
                if (rr.getRole() != OFControllerRole.ROLE_NOCHANGE) {
                    role = rr.getRole();
                }
                env.toController(factory.buildRoleReply().setXid(m.getXid()).setRole(role)
                        .setGenerationId(rr.getGenerationId()).build());
            }
            case TABLE_MOD -> {
                // accepted; table config does not change the simulation
            }
            case SET_ASYNC -> packetInMask = ((OFAsyncSet) m).getPacketInMaskEqualMaster();
            case QUEUE_GET_CONFIG_REQUEST -> env.toController(factory.buildQueueGetConfigReply().setXid(m.getXid())
                    .setPort(((OFQueueGetConfigRequest) m).getPort()).setQueues(List.of()).build());
            case EXPERIMENTER -> throw new OfErrorException(OFErrorType.BAD_REQUEST, OFBadRequestCode.BAD_EXPERIMENTER,
                    "experimenter messages are not supported");
            default -> throw new OfErrorException(OFErrorType.BAD_REQUEST, OFBadRequestCode.BAD_TYPE,
                    m.getType() + " is not a request a switch accepts");
        }
    }

    private OFFeaturesReply featuresReply(long xid, OFFactory factory) {
        OFFeaturesReply.Builder b = factory.buildFeaturesReply().setXid(xid).setDatapathId(dp.dpid())
                .setNBuffers(dp.config().buffers()).setNTables((short) dp.tableCount());
        Set<OFCapabilities> caps = EnumSet.of(OFCapabilities.FLOW_STATS, OFCapabilities.TABLE_STATS,
                OFCapabilities.PORT_STATS);
        if (dp.is10()) {
            b.setPorts(ports.descs()).setActions(EnumSet.of(OFActionType.OUTPUT,
                    OFActionType.SET_VLAN_VID,
                    OFActionType.SET_VLAN_PCP,
                    OFActionType.STRIP_VLAN,
                    OFActionType.SET_DL_SRC,
                    OFActionType.SET_DL_DST,
                    OFActionType.SET_NW_SRC,
                    OFActionType.SET_NW_DST,
                    OFActionType.SET_NW_TOS,
                    OFActionType.SET_TP_SRC,
                    OFActionType.SET_TP_DST));
        } else {
            caps.add(OFCapabilities.GROUP_STATS);
            b.setAuxiliaryId(OFAuxId.MAIN);
        }
        return b.setCapabilities(caps).build();
    }

    private void packetOut(OFPacketOut po) throws OfErrorException {
        OFPort inPort = packetOutInPort(po);
        long n = inPort.getPortNumber() & 0xffffffffL;
        boolean special = inPort.equals(OFPort.CONTROLLER) || inPort.equals(OFPort.LOCAL) || inPort.equals(OFPort.ANY);
        if (!special && (n == 0 || ports.get(inPort) == null)) {
            throw new OfErrorException(OFErrorType.BAD_REQUEST, OFBadRequestCode.BAD_PORT,
                    "packet-out in_port " + inPort + " does not exist");
        }
        Frame frame;
        if (!po.getBufferId().equals(OFBufferId.NO_BUFFER)) {
            frame = dp.takeBuffer(po.getBufferId());
        } else {
            frame = Frame.of(po.getData());
        }
        Packet p = dp.fromController(frame, inPort.getPortNumber());
        List<OFAction> actions = po.getActions();
        validator.actions(actions, p, true);
        pipeline.run(actions, p, Pipeline.Origin.PACKET_OUT);
    }

    private static OFPort packetOutInPort(OFPacketOut po) {
        try {
            return po.getInPort();
        } catch (UnsupportedOperationException e) {
            OFPort p = po.getMatch().get(MatchField.IN_PORT); // OpenFlow 1.5 carries it in a match
            return p == null ? OFPort.CONTROLLER : p;
        }
    }
}
