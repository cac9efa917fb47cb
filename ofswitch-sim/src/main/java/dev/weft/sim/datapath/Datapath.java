package dev.weft.sim.datapath;

import com.google.common.base.Ticker;
import dev.weft.sim.packet.FrameRewriter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.projectfloodlight.openflow.protocol.OFBadRequestCode;
import org.projectfloodlight.openflow.protocol.OFControllerRole;
import org.projectfloodlight.openflow.protocol.OFErrorType;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFFlowModCommand;
import org.projectfloodlight.openflow.protocol.OFFlowModFlags;
import org.projectfloodlight.openflow.protocol.OFFlowRemoved;
import org.projectfloodlight.openflow.protocol.OFFlowRemovedReason;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFPacketIn;
import org.projectfloodlight.openflow.protocol.OFPacketInReason;
import org.projectfloodlight.openflow.protocol.OFPortConfig;
import org.projectfloodlight.openflow.protocol.OFPortDesc;
import org.projectfloodlight.openflow.protocol.OFType;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.match.Match;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFBufferId;
import org.projectfloodlight.openflow.types.OFMetadata;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.TableId;
import org.projectfloodlight.openflow.types.U64;

/**
 * The switch side of OpenFlow for one simulated switch, without any I/O: it takes controller
 * messages ({@link #handle}) and frames arriving on ports ({@link #receive}) and answers through
 * its {@link DatapathEnvironment}. Not thread-safe: call it from one thread (the network's
 * {@code sim-loop}, or a test's own thread). Time comes from the injected {@link Ticker}.
 *
 * <p>Semantics follow OpenFlow 1.0 and 1.3 (1.4/1.5 are treated like 1.3 where Loxi allows):
 * table miss sends a packet-in in 1.0 and drops in 1.3; each message is processed completely
 * before the next, so a BARRIER_REPLY follows everything sent before it.
 *
 * <p>It holds the switch's state (tables, groups, buffers, version) and sends packet-ins and
 * flow-removed messages; its parts do the rest: {@link Pipeline} (matching and actions),
 * {@link ControllerMessages} (each controller message, with {@link FlowMods}, {@link GroupMods}
 * and {@link StatsResponder}) and {@link PortTable} (ports and PORT_STATUS).
 */
public final class Datapath {
    /** OFPCML_NO_BUFFER: send the whole packet, keep no buffer. */
    public static final int NO_BUFFER_LEN = 0xffff;

    private final DatapathConfig config;
    private final Ticker ticker;
    private final DatapathEnvironment env;
    final FlowTable[] tables;
    final Map<Integer, GroupEntry> groups = new TreeMap<>();
    final Meters meters = new Meters();
    private final PortTable ports;
    final PacketBuffers buffers;
    private final MessageCounters counters = new MessageCounters();
    private final Pipeline pipeline;
    private final ControllerMessages messages;
    private OFVersion version;
    private OFFactory factory;
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
        this.ports = new PortTable(this);
        this.pipeline = new Pipeline(this);
        this.messages = new ControllerMessages(this, counters, pipeline, ports);
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
        messages.resetConfig();
    }

    /**
     * Whether packets whose TTL runs out are sent to the controller: in OpenFlow 1.0 with the
     * SET_CONFIG flag, in 1.3 when SET_ASYNC enabled the reason (as Open vSwitch does).
     */
    boolean invalidTtlToController() {
        return messages.invalidTtlToController();
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
        return messages.missSendLen();
    }

    // ---- ports --------------------------------------------------------------------------

    public SimPort port(OFPort number) {
        return ports.get(number);
    }

    public SimPort port(String name) {
        return ports.named(name);
    }

    public Collection<SimPort> ports() {
        return ports.all();
    }

    /** Adds a port (link up) and announces it with PORT_STATUS ADD. */
    public SimPort addPort(OFPort number, String name, MacAddress hwAddr) {
        return ports.add(number, name, hwAddr);
    }

    /** Removes a port and announces it with PORT_STATUS DELETE. Flows referring to it stay, as in OVS. */
    public SimPort removePort(OFPort number) {
        return ports.remove(number);
    }

    /** Sets the port's link state (carrier); announces a change with PORT_STATUS MODIFY. */
    public void setLinkDown(OFPort number, boolean down) {
        ports.setLinkDown(number, down);
    }

    /** The lowest port number not in use, for adding ports in Mininet's order. */
    public OFPort nextFreePort() {
        return ports.nextFree();
    }

    List<OFPortDesc> portDescs() {
        return ports.descs();
    }

    // ---- frames -------------------------------------------------------------------------

    /** A frame arrives on a port: count it and run it through the pipeline. */
    public void receive(OFPort portNumber, Frame frame) {
        SimPort p = ports.get(portNumber);
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
            packetIn(p, OFPacketInReason.NO_MATCH, messages.missSendLen(), table, U64.ZERO);
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
        messages.handle(m);
    }

    /** A packet the controller sends back in (PACKET_OUT, or a FLOW_MOD's buffer), in its trace. */
    Packet fromController(Frame f, int inPort) {
        long trace = env.attributePacketOut(f.trace(), f.bytes());
        return new Packet(new Frame(f.bytes(), f.tunnelId(), f.tunnelSrc(), f.tunnelDst(), trace, f.hops()), inPort);
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
        pipeline.process(fromController(b.frame(), b.inPort()), 0);
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
        return messages.role();
    }
}
