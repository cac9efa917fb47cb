package dev.weft.sim.datapath;

import com.google.common.base.Ticker;
import dev.weft.sim.packet.FrameRewriter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.projectfloodlight.openflow.protocol.OFActionType;
import org.projectfloodlight.openflow.protocol.OFBadRequestCode;
import org.projectfloodlight.openflow.protocol.OFCapabilities;
import org.projectfloodlight.openflow.protocol.OFConfigFlags;
import org.projectfloodlight.openflow.protocol.OFControllerRole;
import org.projectfloodlight.openflow.protocol.OFEchoRequest;
import org.projectfloodlight.openflow.protocol.OFErrorType;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFFeaturesReply;
import org.projectfloodlight.openflow.protocol.OFFlowMod;
import org.projectfloodlight.openflow.protocol.OFFlowModCommand;
import org.projectfloodlight.openflow.protocol.OFFlowModFlags;
import org.projectfloodlight.openflow.protocol.OFFlowRemoved;
import org.projectfloodlight.openflow.protocol.OFFlowRemovedReason;
import org.projectfloodlight.openflow.protocol.OFGroupMod;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFPacketIn;
import org.projectfloodlight.openflow.protocol.OFPacketInReason;
import org.projectfloodlight.openflow.protocol.OFPacketOut;
import org.projectfloodlight.openflow.protocol.OFPortConfig;
import org.projectfloodlight.openflow.protocol.OFPortDesc;
import org.projectfloodlight.openflow.protocol.OFPortFeatures;
import org.projectfloodlight.openflow.protocol.OFPortMod;
import org.projectfloodlight.openflow.protocol.OFPortModFailedCode;
import org.projectfloodlight.openflow.protocol.OFPortReason;
import org.projectfloodlight.openflow.protocol.OFQueueGetConfigRequest;
import org.projectfloodlight.openflow.protocol.OFRoleRequest;
import org.projectfloodlight.openflow.protocol.OFSetConfig;
import org.projectfloodlight.openflow.protocol.OFStatsRequest;
import org.projectfloodlight.openflow.protocol.OFType;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.action.OFAction;
import org.projectfloodlight.openflow.protocol.match.Match;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFAuxId;
import org.projectfloodlight.openflow.types.OFBufferId;
import org.projectfloodlight.openflow.types.OFMetadata;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.TableId;
import org.projectfloodlight.openflow.types.U64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The switch side of OpenFlow for one simulated switch, without any I/O: it takes controller
 * messages ({@link #handle}) and frames arriving on ports ({@link #receive}) and answers through
 * its {@link DatapathEnvironment}. Not thread-safe: call it from one thread (the network's
 * {@code sim-loop}, or a test's own thread). Time comes from the injected {@link Ticker}.
 *
 * <p>Semantics follow OpenFlow 1.0 and 1.3 (1.4/1.5 are treated like 1.3 where Loxi allows):
 * table miss sends a packet-in in 1.0 and drops in 1.3; each message is processed completely
 * before the next, so a BARRIER_REPLY follows everything sent before it.
 */
public final class Datapath {
    private static final Logger log = LoggerFactory.getLogger(Datapath.class);
    /** OFPCML_NO_BUFFER: send the whole packet, keep no buffer. */
    public static final int NO_BUFFER_LEN = 0xffff;
    private static final int DEFAULT_MISS_SEND_LEN = 128;

    private final DatapathConfig config;
    private final Ticker ticker;
    private final DatapathEnvironment env;
    final FlowTable[] tables;
    final Map<Integer, GroupEntry> groups = new TreeMap<>();
    final Meters meters = new Meters();
    private final TreeMap<Integer, SimPort> ports = new TreeMap<>();
    final PacketBuffers buffers;
    private final MessageCounters counters = new MessageCounters();
    private final Pipeline pipeline;
    private final ActionValidator validator;
    private final FlowMods flowMods;
    private final GroupMods groupMods;
    private final StatsResponder stats;
    private OFVersion version;
    private OFFactory factory;
    private int missSendLen = DEFAULT_MISS_SEND_LEN;
    private Set<OFConfigFlags> configFlags = EnumSet.noneOf(OFConfigFlags.class);
    /** OpenFlow 1.3 SET_ASYNC packet-in mask (master/equal): by default no-match and action, not invalid TTL. */
    private long packetInMask = DEFAULT_PACKET_IN_MASK;
    static final long DEFAULT_PACKET_IN_MASK = 0b011;
    private OFControllerRole role = OFControllerRole.ROLE_EQUAL;
    private long localPackets;
    private long packetInsSent;
    private long packetInsDropped;
    private Consumer<TableVisit> pipelineWatcher;

    public Datapath(DatapathConfig config, OFVersion version, Ticker ticker, DatapathEnvironment env) {
        this.config = config;
        this.ticker = ticker;
        this.env = env;
        this.tables = new FlowTable[config.tables()];
        for (int i = 0; i < tables.length; i++) {
            tables[i] = new FlowTable(i);
        }
        this.buffers = new PacketBuffers(config.buffers());
        this.pipeline = new Pipeline(this);
        this.validator = new ActionValidator(this);
        this.flowMods = new FlowMods(this, validator);
        this.groupMods = new GroupMods(this, validator, flowMods);
        this.stats = new StatsResponder(this);
        setVersion(version);
    }

    // ---- identity and state -------------------------------------------------------------

    public DatapathId dpid() {
        return config.dpid();
    }

    public DatapathConfig config() {
        return config;
    }

    public OFVersion version() {
        return version;
    }

    public OFFactory factory() {
        return factory;
    }

    /** Sets the negotiated version (on each new controller connection); the switch config resets. */
    public void setVersion(OFVersion v) {
        this.version = v;
        this.factory = OFFactories.getFactory(v);
        this.missSendLen = DEFAULT_MISS_SEND_LEN;
        this.configFlags = EnumSet.noneOf(OFConfigFlags.class);
        this.packetInMask = DEFAULT_PACKET_IN_MASK;
    }

    /**
     * Whether packets whose TTL runs out are sent to the controller: in OpenFlow 1.0 with the
     * SET_CONFIG flag, in 1.3 when SET_ASYNC enabled the reason (as Open vSwitch does).
     */
    boolean invalidTtlToController() {
        return is10() ? configFlags.contains(OFConfigFlags.INVALID_TTL_TO_CONTROLLER)
                : (packetInMask & (1L << 2)) != 0;
    }

    boolean is10() {
        return version == OFVersion.OF_10;
    }

    /** Flow tables in use: one in OpenFlow 1.0, the configured number from 1.1 on. */
    int tableCount() {
        return is10() ? 1 : tables.length;
    }

    long now() {
        return ticker.read();
    }

    DatapathEnvironment env() {
        return env;
    }

    public int missSendLen() {
        return missSendLen;
    }

    // ---- ports --------------------------------------------------------------------------

    public SimPort port(OFPort number) {
        return ports.get(number.getPortNumber());
    }

    public SimPort port(String name) {
        for (SimPort p : ports.values()) {
            if (p.name().equals(name)) {
                return p;
            }
        }
        return null;
    }

    public Collection<SimPort> ports() {
        return List.copyOf(ports.values());
    }

    /** Adds a port (link up) and announces it with PORT_STATUS ADD. */
    public SimPort addPort(OFPort number, String name, MacAddress hwAddr) {
        if (ports.containsKey(number.getPortNumber())) {
            throw new IllegalArgumentException(dpid() + ": port " + number + " already exists");
        }
        if (port(name) != null) {
            throw new IllegalArgumentException(dpid() + ": a port named " + name + " already exists");
        }
        SimPort p = new SimPort(number, name, hwAddr, now());
        ports.put(number.getPortNumber(), p);
        portStatus(p, OFPortReason.ADD);
        return p;
    }

    /** Removes a port and announces it with PORT_STATUS DELETE. Flows referring to it stay, as in OVS. */
    public SimPort removePort(OFPort number) {
        SimPort p = ports.remove(number.getPortNumber());
        if (p != null) {
            portStatus(p, OFPortReason.DELETE);
        }
        return p;
    }

    /** Sets the port's link state (carrier); announces a change with PORT_STATUS MODIFY. */
    public void setLinkDown(OFPort number, boolean down) {
        SimPort p = ports.get(number.getPortNumber());
        if (p != null && p.linkDown() != down) {
            p.setLinkDown(down);
            portStatus(p, OFPortReason.MODIFY);
        }
    }

    /** The lowest port number not in use, for adding ports in Mininet's order. */
    public OFPort nextFreePort() {
        int n = 1;
        while (ports.containsKey(n)) {
            n++;
        }
        return OFPort.of(n);
    }

    private void portStatus(SimPort p, OFPortReason reason) {
        if (env.controllerConnected()) {
            env.toController(factory.buildPortStatus().setXid(0).setReason(reason).setDesc(portDesc(p)).build());
        }
    }

    OFPortDesc portDesc(SimPort p) {
        OFPortDesc.Builder b = factory.buildPortDesc().setPortNo(p.number()).setHwAddr(p.hwAddr()).setName(p.name())
                .setConfig(p.config()).setState(p.state());
        if (version.compareTo(OFVersion.OF_14) < 0) {
            Set<OFPortFeatures> feats = EnumSet.of(OFPortFeatures.PF_10GB_FD, OFPortFeatures.PF_COPPER);
            b.setCurr(feats).setSupported(feats).setAdvertised(EnumSet.noneOf(OFPortFeatures.class))
                    .setPeer(EnumSet.noneOf(OFPortFeatures.class));
            if (!is10()) {
                b.setCurrSpeed(10_000_000L).setMaxSpeed(10_000_000L);
            }
        }
        return b.build();
    }

    List<OFPortDesc> portDescs() {
        List<OFPortDesc> l = new ArrayList<>();
        for (SimPort p : ports.values()) {
            l.add(portDesc(p));
        }
        return l;
    }

    // ---- frames -------------------------------------------------------------------------

    /** A frame arrives on a port: count it and run it through the pipeline. */
    public void receive(OFPort portNumber, Frame frame) {
        SimPort p = ports.get(portNumber.getPortNumber());
        if (p == null) {
            return;
        }
        if (!p.isUp() || p.has(OFPortConfig.NO_RECV)) {
            p.rxDropped++;
            return;
        }
        p.rxPackets++;
        p.rxBytes += frame.length();
        pipeline.process(new Packet(frame, portNumber.getPortNumber()), 0);
    }

    /**
     * Sees every table each packet goes through, in order (null: nobody). For in-process specs
     * that say where a frame went, or which table dropped it.
     */
    public void watchPipeline(Consumer<TableVisit> watcher) {
        this.pipelineWatcher = watcher;
    }

    void visited(int table, FlowEntry e, long metadata) {
        if (pipelineWatcher != null) {
            pipelineWatcher.accept(e == null ? TableVisit.miss(table, metadata)
                    : new TableVisit(table, e.priority, e.cookie, metadata));
        }
    }

    void tableMiss(Packet p, int table) {
        if (is10()) {
            packetIn(p, OFPacketInReason.NO_MATCH, missSendLen, table, U64.ZERO);
        }
        // 1.1+: no table-miss entry means drop (OpenFlow 1.3 §5.4)
    }

    void toLocal(Packet p) {
        localPackets++;
    }

    void packetIn(Packet p, OFPacketInReason reason, int maxLen, int tableId, U64 cookie) {
        SimPort in = ports.get(p.inPort);
        if (in != null && in.has(OFPortConfig.NO_PACKET_IN)) {
            return;
        }
        if (!env.controllerConnected()) {
            packetInsDropped++;
            return;
        }
        byte[] bytes = p.bytes();
        Frame frame = new Frame(bytes, p.tunnelId, p.tunnelSrc, p.tunnelDst, p.trace, p.hops);
        OFBufferId bufferId = OFBufferId.NO_BUFFER;
        byte[] data = bytes;
        if (maxLen != NO_BUFFER_LEN && buffers.enabled()) {
            bufferId = buffers.store(frame, p.inPort);
            data = FrameRewriter.truncate(bytes, maxLen);
        }
        OFPacketIn.Builder b = factory.buildPacketIn().setXid(0).setBufferId(bufferId).setTotalLen(bytes.length)
                .setReason(reason).setData(data);
        if (is10()) {
            b.setInPort(OFPort.of(p.inPort));
        } else {
            Match.Builder m = factory.buildMatch().setExact(MatchField.IN_PORT, OFPort.of(p.inPort));
            if (p.metadata != 0) {
                m.setExact(MatchField.METADATA, OFMetadata.ofRaw(p.metadata));
            }
            if (p.tunnelId != 0) {
                m.setExact(MatchField.TUNNEL_ID, U64.of(p.tunnelId));
            }
            b.setTableId(TableId.of(tableId)).setCookie(cookie).setMatch(m.build());
        }
        packetInsSent++;
        env.packetInSent(in, frame);
        env.toController(b.build());
    }

    // ---- controller messages ------------------------------------------------------------

    /** Processes one message from the controller completely, answering through the environment. */
    public void handle(OFMessage m) {
        counters.count(m.getType());
        try {
            if (m.getVersion() != version && m.getType() != OFType.HELLO) {
                throw new OfErrorException(OFErrorType.BAD_REQUEST, OFBadRequestCode.BAD_VERSION,
                        "message version " + m.getVersion() + " on a " + version + " connection");
            }
            dispatch(m);
        } catch (OfErrorException e) {
            log.debug("{}: rejecting {}: {}", dpid(), m.getType(), e.getMessage());
            env.toController(ErrorMessages.forRequest(factory, e, m));
        } catch (RuntimeException e) {
            log.warn("{}: cannot process {}: {}", dpid(), m, e.toString());
            env.toController(ErrorMessages.build(factory, m.getXid(), OFErrorType.BAD_REQUEST, OFBadRequestCode.EPERM,
                    ErrorMessages.bytesOf(m)));
        }
    }

    private void dispatch(OFMessage m) throws OfErrorException {
        switch (m.getType()) {
            case HELLO, ECHO_REPLY, ERROR -> {
            }
            case ECHO_REQUEST -> env.toController(factory.buildEchoReply().setXid(m.getXid())
                    .setData(((OFEchoRequest) m).getData()).build());
            case FEATURES_REQUEST -> env.toController(featuresReply(m.getXid()));
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
            case METER_MOD -> meters.handle((org.projectfloodlight.openflow.protocol.OFMeterMod) m, now());
            case PORT_MOD -> portMod((OFPortMod) m);
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
            case SET_ASYNC -> packetInMask = ((org.projectfloodlight.openflow.protocol.OFAsyncSet) m)
                    .getPacketInMaskEqualMaster();
            case QUEUE_GET_CONFIG_REQUEST -> env.toController(factory.buildQueueGetConfigReply().setXid(m.getXid())
                    .setPort(((OFQueueGetConfigRequest) m).getPort()).setQueues(List.of()).build());
            case EXPERIMENTER -> throw new OfErrorException(OFErrorType.BAD_REQUEST, OFBadRequestCode.BAD_EXPERIMENTER,
                    "experimenter messages are not supported");
            default -> throw new OfErrorException(OFErrorType.BAD_REQUEST, OFBadRequestCode.BAD_TYPE,
                    m.getType() + " is not a request a switch accepts");
        }
    }

    private OFFeaturesReply featuresReply(long xid) {
        OFFeaturesReply.Builder b = factory.buildFeaturesReply().setXid(xid).setDatapathId(dpid())
                .setNBuffers(config.buffers()).setNTables((short) tableCount());
        Set<OFCapabilities> caps = EnumSet.of(OFCapabilities.FLOW_STATS, OFCapabilities.TABLE_STATS,
                OFCapabilities.PORT_STATS);
        if (is10()) {
            b.setPorts(portDescs()).setActions(EnumSet.of(OFActionType.OUTPUT,
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
        if (!special && (n == 0 || port(inPort) == null)) {
            throw new OfErrorException(OFErrorType.BAD_REQUEST, OFBadRequestCode.BAD_PORT,
                    "packet-out in_port " + inPort + " does not exist");
        }
        Frame frame;
        if (!po.getBufferId().equals(OFBufferId.NO_BUFFER)) {
            frame = takeBuffer(po.getBufferId());
        } else {
            frame = Frame.of(po.getData());
        }
        long trace = env.attributePacketOut(frame.trace(), frame.bytes());
        Packet p = new Packet(new Frame(frame.bytes(), frame.tunnelId(), frame.tunnelSrc(), frame.tunnelDst(), trace,
                frame.hops()), inPort.getPortNumber());
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

    /** Takes a buffered packet or fails with BUFFER_EMPTY (used) / BUFFER_UNKNOWN (never issued). */
    Frame takeBuffer(OFBufferId id) throws OfErrorException {
        PacketBuffers.Buffered b = buffers.take(id);
        if (b == null) {
            boolean used = buffers.wasUsed(id);
            throw new OfErrorException(OFErrorType.BAD_REQUEST,
                    used ? OFBadRequestCode.BUFFER_EMPTY : OFBadRequestCode.BUFFER_UNKNOWN,
                    "buffer " + id.getInt() + (used ? " was already used" : " is unknown"));
        }
        return b.frame();
    }

    /** Runs a buffered packet through the tables (a FLOW_MOD with a buffer id). */
    void processBuffered(OFBufferId id) throws OfErrorException {
        PacketBuffers.Buffered b = buffers.take(id);
        if (b == null) {
            takeBuffer(id);
            return;
        }
        Frame f = b.frame();
        long trace = env.attributePacketOut(f.trace(), f.bytes());
        pipeline.process(new Packet(new Frame(f.bytes(), f.tunnelId(), f.tunnelSrc(), f.tunnelDst(), trace, f.hops()),
                b.inPort()), 0);
    }

    private void portMod(OFPortMod pm) throws OfErrorException {
        SimPort p = port(pm.getPortNo());
        if (p == null) {
            throw new OfErrorException(OFErrorType.PORT_MOD_FAILED, OFPortModFailedCode.BAD_PORT,
                    "port " + pm.getPortNo() + " does not exist");
        }
        if (!p.hwAddr().equals(pm.getHwAddr())) {
            throw new OfErrorException(OFErrorType.PORT_MOD_FAILED, OFPortModFailedCode.BAD_HW_ADDR,
                    "hw_addr " + pm.getHwAddr() + " is not port " + p.number() + "'s " + p.hwAddr());
        }
        Set<OFPortConfig> next = EnumSet.noneOf(OFPortConfig.class);
        next.addAll(p.config());
        next.removeAll(pm.getMask());
        for (OFPortConfig c : pm.getConfig()) {
            if (pm.getMask().contains(c)) {
                next.add(c);
            }
        }
        if (!next.equals(p.config())) {
            p.setConfig(next);
            portStatus(p, OFPortReason.MODIFY);
        }
    }

    // ---- timeouts -----------------------------------------------------------------------

    /** Removes entries whose idle or hard timeout has passed at the ticker's current time. */
    public void expireFlows() {
        long now = now();
        for (FlowTable t : tables) {
            for (FlowEntry e : List.copyOf(t.entries())) {
                if (e.hardTimeout > 0 && now - e.installedNanos >= e.hardTimeout * 1_000_000_000L) {
                    removeEntry(t, e, OFFlowRemovedReason.HARD_TIMEOUT);
                } else if (e.idleTimeout > 0 && now - e.lastUsedNanos >= e.idleTimeout * 1_000_000_000L) {
                    removeEntry(t, e, OFFlowRemovedReason.IDLE_TIMEOUT);
                }
            }
        }
    }

    void removeEntry(FlowTable t, FlowEntry e, OFFlowRemovedReason reason) {
        t.remove(e);
        if (e.flags.contains(OFFlowModFlags.SEND_FLOW_REM)
                && env.controllerConnected()) {
            env.toController(flowRemoved(e, reason));
        }
    }

    private OFFlowRemoved flowRemoved(FlowEntry e, OFFlowRemovedReason reason) {
        long d = now() - e.installedNanos;
        OFFlowRemoved.Builder b = factory.buildFlowRemoved().setXid(0).setMatch(e.match).setCookie(e.cookie)
                .setPriority(e.priority).setReason(reason).setDurationSec(d / 1_000_000_000L)
                .setDurationNsec(d % 1_000_000_000L).setIdleTimeout(e.idleTimeout)
                .setPacketCount(U64.of(e.packetCount)).setByteCount(U64.of(e.byteCount));
        if (!is10()) {
            b.setTableId(TableId.of(e.tableId)).setHardTimeout(e.hardTimeout);
        }
        return b.build();
    }

    // ---- inspection ---------------------------------------------------------------------

    /** Every flow entry, table by table, highest priority first. */
    public List<FlowSnapshot> flows() {
        long now = now();
        List<FlowSnapshot> l = new ArrayList<>();
        for (FlowTable t : tables) {
            for (FlowEntry e : t.entries()) {
                l.add(e.snapshot(now));
            }
        }
        return l;
    }

    public List<GroupSnapshot> groups() {
        List<GroupSnapshot> l = new ArrayList<>();
        for (GroupEntry g : groups.values()) {
            l.add(new GroupSnapshot(g.groupId, g.type, g.buckets, g.packetCount, g.byteCount));
        }
        return l;
    }

    /** Messages received from the controller, by type. */
    public Map<OFType, Long> messageCounts() {
        return counters.byType();
    }

    /** FLOW_MODs received, by command. */
    public Map<OFFlowModCommand, Long> flowModCounts() {
        return counters.byFlowModCommand();
    }

    /** FLOW_MODs received, by the cookie they carried (whoever sent them, whatever they did). */
    public Map<U64, Long> flowModCookies() {
        return counters.byFlowModCookie();
    }

    public long packetInsSent() {
        return packetInsSent;
    }

    /** Packet-ins not sent because no controller was connected. */
    public long packetInsDropped() {
        return packetInsDropped;
    }

    /** Packets output to the LOCAL port. */
    public long localPackets() {
        return localPackets;
    }

    public OFControllerRole role() {
        return role;
    }
}
