package dev.weft.sim.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.projectfloodlight.openflow.protocol.OFActionType;
import org.projectfloodlight.openflow.protocol.OFBadRequestCode;
import org.projectfloodlight.openflow.protocol.OFCapabilities;
import org.projectfloodlight.openflow.protocol.OFConfigFlags;
import org.projectfloodlight.openflow.protocol.OFEchoRequest;
import org.projectfloodlight.openflow.protocol.OFErrorMsg;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFFeaturesReply;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFPortConfig;
import org.projectfloodlight.openflow.protocol.OFPortDesc;
import org.projectfloodlight.openflow.protocol.OFPortFeatures;
import org.projectfloodlight.openflow.protocol.OFPortState;
import org.projectfloodlight.openflow.protocol.OFRoleRequest;
import org.projectfloodlight.openflow.protocol.OFSetConfig;
import org.projectfloodlight.openflow.protocol.OFStatsRequest;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.errormsg.OFHelloFailedErrorMsg;
import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.OFAuxId;
import org.projectfloodlight.openflow.types.OFErrorCauseData;
import org.projectfloodlight.openflow.types.OFPort;

/**
 * The switch side of the control conversation: what a simulated switch answers to each
 * controller message other than the responses it counts. Follows cbench's {@code
 * fakeswitch_handle_read} (oflops {@code cbench/fakeswitch.c}) and adds what OpenFlow 1.3
 * controllers need (PORT_DESC, ROLE_REQUEST). Pure: holds only the switch's config.
 */
final class ControlResponder {

    /** What an answer does to the latency-mode probe, mirroring cbench's work-arounds. */
    enum ProbeEffect {
        NONE,
        /**
         * cbench: after GET_CONFIG or DESC stats, "restart probe state b/c some controllers block
         * on config" when exactly one probe is outstanding (latency mode only).
         */
        RESEND_IF_ONE_OUTSTANDING,
        /** cbench's "nox hack" on a vendor message: forget outstanding probes. */
        CLEAR_OUTSTANDING
    }

    record Reaction(List<OFMessage> replies, ProbeEffect probeEffect, boolean featuresReplied) {
        static final Reaction IGNORE = new Reaction(List.of(), ProbeEffect.NONE, false);

        Reaction {
            replies = List.copyOf(replies);
        }

        static Reaction reply(OFMessage message) {
            return new Reaction(List.of(message), ProbeEffect.NONE, false);
        }
    }

    private static final int DEFAULT_MISS_SEND_LEN = 128;
    private static final int ERROR_DATA_LIMIT = 64;
    private static final long PORT_SPEED_KBPS = 1_000_000;

    private final OFFactory factory;
    private final DatapathId dpid;
    private final List<OFPortDesc> ports;
    private Set<OFConfigFlags> configFlags = EnumSet.noneOf(OFConfigFlags.class);
    private int missSendLen = DEFAULT_MISS_SEND_LEN;

    ControlResponder(OFFactory factory, DatapathId dpid) {
        this.factory = factory;
        this.dpid = dpid;
        this.ports = ports(factory, dpid);
    }

    /**
     * Checks the controller's HELLO: without a common version the run cannot go on.
     *
     * @param wireVersion the version byte of the controller's HELLO
     */
    void checkHello(int wireVersion) {
        if (wireVersion < factory.getVersion().getWireVersion()) {
            throw new BenchException("switch " + dpid + ": the controller offers OpenFlow version "
                    + versionName(wireVersion) + " only; the bench speaks " + versionName(
                    factory.getVersion().getWireVersion()) + " (choose it with -V)");
        }
    }

    Reaction react(OFMessage message) {
        switch (message.getType()) {
            case ECHO_REQUEST:
                return Reaction.reply(factory.buildEchoReply()
                        .setXid(message.getXid())
                        .setData(((OFEchoRequest) message).getData())
                        .build());
            case FEATURES_REQUEST:
                return new Reaction(List.of(featuresReply(message.getXid())), ProbeEffect.NONE, true);
            case SET_CONFIG:
                OFSetConfig setConfig = (OFSetConfig) message;
                configFlags = setConfig.getFlags();
                missSendLen = setConfig.getMissSendLen();
                return Reaction.IGNORE;
            case GET_CONFIG_REQUEST:
                return new Reaction(List.of(factory.buildGetConfigReply()
                        .setXid(message.getXid())
                        .setFlags(configFlags)
                        .setMissSendLen(missSendLen)
                        .build()), ProbeEffect.RESEND_IF_ONE_OUTSTANDING, false);
            case BARRIER_REQUEST:
                return Reaction.reply(factory.buildBarrierReply().setXid(message.getXid()).build());
            case STATS_REQUEST:
                return reactToStats((OFStatsRequest<?>) message);
            case EXPERIMENTER:
                return experimenterError(message.getXid(), encode(message));
            case ROLE_REQUEST:
                OFRoleRequest role = (OFRoleRequest) message;
                return Reaction.reply(factory.buildRoleReply()
                        .setXid(role.getXid())
                        .setRole(role.getRole())
                        .setGenerationId(role.getGenerationId())
                        .build());
            case ERROR:
                if (message instanceof OFHelloFailedErrorMsg) {
                    throw new BenchException("switch " + dpid + ": the controller refused the OpenFlow "
                            + "version (HELLO_FAILED " + ((OFErrorMsg) message).getErrType() + "); try -V");
                }
                return Reaction.IGNORE;
            default:
                // cbench ignores everything else, and so do we (PORT_MOD, GROUP_MOD, ...).
                return Reaction.IGNORE;
        }
    }

    /** A vendor/experimenter message Loxi could not decode: the same answer as a decoded one. */
    Reaction reactToUndecodedExperimenter(long xid, byte[] messageBytes) {
        return experimenterError(xid, messageBytes);
    }

    private Reaction reactToStats(OFStatsRequest<?> request) {
        switch (request.getStatsType()) {
            case DESC:
                return new Reaction(List.of(factory.buildDescStatsReply()
                        .setXid(request.getXid())
                        .setMfrDesc("Weft")
                        .setHwDesc("simulated switch")
                        .setSwDesc("weft bench")
                        .setSerialNum("none")
                        .setDpDesc("bench switch " + dpid)
                        .build()), ProbeEffect.RESEND_IF_ONE_OUTSTANDING, false);
            case PORT_DESC:
                return Reaction.reply(factory.buildPortDescStatsReply()
                        .setXid(request.getXid())
                        .setEntries(ports)
                        .build());
            default:
                return Reaction.IGNORE; // cbench: "Silently ignoring non-desc stats_request msg"
        }
    }

    private Reaction experimenterError(long xid, byte[] messageBytes) {
        int length = Math.min(messageBytes.length, ERROR_DATA_LIMIT);
        byte[] data = Arrays.copyOf(messageBytes, length);
        OFMessage error = factory.errorMsgs().buildBadRequestErrorMsg()
                .setXid(xid)
                .setCode(OFBadRequestCode.BAD_EXPERIMENTER) // OFPBRC_BAD_VENDOR in 1.0
                .setData(OFErrorCauseData.of(data, factory.getVersion()))
                .build();
        return new Reaction(List.of(error), ProbeEffect.CLEAR_OUTSTANDING, false);
    }

    private OFFeaturesReply featuresReply(long xid) {
        OFFeaturesReply.Builder builder = factory.buildFeaturesReply()
                .setXid(xid)
                .setDatapathId(dpid)
                .setNBuffers(256)
                .setNTables((short) 1);
        if (factory.getVersion() == OFVersion.OF_10) {
            builder.setCapabilities(EnumSet.of(OFCapabilities.FLOW_STATS, OFCapabilities.TABLE_STATS,
                            OFCapabilities.PORT_STATS, OFCapabilities.ARP_MATCH_IP))
                    .setActions(EnumSet.of(OFActionType.OUTPUT, OFActionType.SET_VLAN_VID,
                            OFActionType.SET_VLAN_PCP, OFActionType.STRIP_VLAN, OFActionType.SET_DL_SRC,
                            OFActionType.SET_DL_DST, OFActionType.SET_NW_SRC, OFActionType.SET_NW_DST,
                            OFActionType.SET_NW_TOS, OFActionType.SET_TP_SRC, OFActionType.SET_TP_DST))
                    .setPorts(ports);
        } else {
            builder.setCapabilities(EnumSet.of(OFCapabilities.FLOW_STATS, OFCapabilities.TABLE_STATS,
                            OFCapabilities.PORT_STATS))
                    .setAuxiliaryId(OFAuxId.MAIN);
        }
        return builder.build();
    }

    private static List<OFPortDesc> ports(OFFactory factory, DatapathId dpid) {
        List<OFPortDesc> result = new ArrayList<>();
        for (int number = 1; number <= BenchAddresses.PORTS; number++) {
            OFPortDesc.Builder port = factory.buildPortDesc()
                    .setPortNo(OFPort.of(number))
                    .setHwAddr(BenchAddresses.portMac(dpid, number))
                    .setName("bench" + number)
                    .setConfig(EnumSet.noneOf(OFPortConfig.class))
                    .setState(EnumSet.noneOf(OFPortState.class))
                    .setCurr(EnumSet.of(OFPortFeatures.PF_1GB_FD, OFPortFeatures.PF_COPPER))
                    .setAdvertised(EnumSet.noneOf(OFPortFeatures.class))
                    .setSupported(EnumSet.noneOf(OFPortFeatures.class))
                    .setPeer(EnumSet.noneOf(OFPortFeatures.class));
            if (factory.getVersion() != OFVersion.OF_10) {
                port.setCurrSpeed(PORT_SPEED_KBPS).setMaxSpeed(PORT_SPEED_KBPS);
            }
            result.add(port.build());
        }
        return List.copyOf(result);
    }

    private static byte[] encode(OFMessage message) {
        ByteBuf buf = Unpooled.buffer();
        message.writeTo(buf);
        byte[] bytes = new byte[buf.readableBytes()];
        buf.readBytes(bytes);
        return bytes;
    }

    static String versionName(int wireVersion) {
        switch (wireVersion) {
            case 1: return "1.0";
            case 2: return "1.1";
            case 3: return "1.2";
            case 4: return "1.3";
            case 5: return "1.4";
            case 6: return "1.5";
            default: return "0x" + Integer.toHexString(wireVersion);
        }
    }
}
