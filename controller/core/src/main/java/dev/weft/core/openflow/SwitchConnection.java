package dev.weft.core.openflow;

import com.google.common.collect.ImmutableMap;
import dev.weft.api.ErrorText;
import dev.weft.api.Switch;
import dev.weft.api.SwitchDisconnectedException;
import dev.weft.api.SwitchErrorException;
import dev.weft.api.event.ErrorReceived;
import dev.weft.api.event.FlowRemoved;
import dev.weft.api.event.PacketIn;
import dev.weft.api.event.PortStatusChanged;
import dev.weft.api.event.SwitchConnected;
import dev.weft.api.event.SwitchDisconnected;
import dev.weft.api.packet.Ethernet;
import dev.weft.core.dispatch.EventBus;
import dev.weft.core.dispatch.Lane;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.util.concurrent.ScheduledFuture;
import org.projectfloodlight.openflow.protocol.OFBarrierReply;
import org.projectfloodlight.openflow.protocol.OFErrorMsg;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFFeaturesReply;
import org.projectfloodlight.openflow.protocol.OFFlowRemoved;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFPacketIn;
import org.projectfloodlight.openflow.protocol.OFPacketOut;
import org.projectfloodlight.openflow.protocol.OFPortDesc;
import org.projectfloodlight.openflow.protocol.OFPortReason;
import org.projectfloodlight.openflow.protocol.OFPortStatus;
import org.projectfloodlight.openflow.protocol.OFRequest;
import org.projectfloodlight.openflow.protocol.OFStatsReply;
import org.projectfloodlight.openflow.protocol.OFStatsReplyFlags;
import org.projectfloodlight.openflow.protocol.OFStatsRequest;
import org.projectfloodlight.openflow.protocol.OFType;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.OFPort;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.SocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A live switch. Its mutable state (outbox, pending requests, recent messages) belongs to its
 * dispatch lane and is touched only there; what other threads read (ports, connected) is
 * published through volatile fields.
 *
 * <p>Output: messages sent on the lane are encoded straight into one buffer per task and written
 * with one flush when the task ends; an xid of 0 is replaced in the encoded bytes, so no message
 * is rebuilt.
 */
final class SwitchConnection implements Switch, Lane.Flushable {
    private static final Logger log = LoggerFactory.getLogger(SwitchConnection.class);
    /**
     * The most parts one multipart reply may have. Open vSwitch fills parts up to 64 KB, so this
     * reads flow tables of about a million entries; a reply with more is abandoned.
     */
    static final int MAX_MULTIPART_PARTS = 4_096;
    /** PACKET_OUTs carrying more packet data than this are not kept for naming errors. */
    private static final int RING_MAX_DATA = 256;

    private final Channel channel;
    private final Lane lane;
    private final EventBus bus;
    private final SwitchManager manager;
    private final DatapathId id;
    private final OFVersion version;
    private final OFFactory factory;
    private final OFFeaturesReply features;
    private final Instant since;
    private final SocketAddress remote;
    private final Duration requestTimeout;

    private volatile ImmutableMap<OFPort, OFPortDesc> ports;
    private volatile boolean connected = true;
    /** Our role on this connection (written on the lane). */
    private volatile SwitchRole role;
    /** Lane: bumped by every role request; only the latest one's answer sets the role. */
    private int roleRequests;
    /** Lane-written: messages a slave did not send, and packet-ins/flow-removeds it did not pass on. */
    private volatile long gatedOut;
    private volatile long gatedIn;
    /** Lane: whether apps were told about this connection (a refused newcomer never is). */
    private boolean announced;

    // Lane-thread state.
    private ByteBuf out;
    private final Map<Long, Pending<?>> pending = new HashMap<>();
    private final SentRing sent = new SentRing(1024);
    private final SwitchCounters counters = new SwitchCounters();
    private int nextXid = 0x4000_0000;
    /** Non-null while a takeover waits for the old connection to be gone: input is held here. */
    private List<OFMessage> held;

    private static final class Pending<R> {
        final CompletableFuture<R> future;
        final OFMessage request;
        final List<OFStatsReply> parts;
        ScheduledFuture<?> timeout;

        Pending(CompletableFuture<R> future, OFMessage request, boolean multipart) {
            this.future = future;
            this.request = request;
            this.parts = multipart ? new ArrayList<>() : null;
        }
    }

    SwitchConnection(Channel channel, Lane lane, EventBus bus, SwitchManager manager, HandshakeResult r,
                     Duration requestTimeout, SwitchRole initialRole) {
        this.channel = channel;
        this.role = initialRole;
        this.lane = lane;
        this.bus = bus;
        this.manager = manager;
        this.id = r.features().getDatapathId();
        this.version = r.version();
        this.factory = r.factory();
        this.features = r.features();
        this.since = r.connectedAt();
        this.remote = channel.remoteAddress();
        this.requestTimeout = requestTimeout;
        var b = ImmutableMap.<OFPort, OFPortDesc>builder();
        r.ports().forEach(p -> b.put(p.getPortNo(), p));
        this.ports = b.buildKeepingLast();
        r.sent().forEach(m -> sent.put(m.getXid(), m));
    }

    // ---- Switch -------------------------------------------------------------------------

    @Override
    public DatapathId id() {
        return id;
    }

    @Override
    public OFVersion version() {
        return version;
    }

    @Override
    public OFFactory factory() {
        return factory;
    }

    @Override
    public OFFeaturesReply features() {
        return features;
    }

    @Override
    public Collection<OFPortDesc> ports() {
        return ports.values();
    }

    @Override
    public Optional<OFPortDesc> port(OFPort number) {
        return Optional.ofNullable(ports.get(number));
    }

    @Override
    public Optional<OFPortDesc> port(String name) {
        for (OFPortDesc p : ports.values()) {
            if (p.getName().equals(name)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    @Override
    public SocketAddress remoteAddress() {
        return remote;
    }

    @Override
    public Instant connectedSince() {
        return since;
    }

    @Override
    public boolean isConnected() {
        return connected;
    }

    @Override
    public void send(OFMessage message) {
        if (lane.inLane()) {
            enqueue(message);
        } else {
            lane.execute(() -> enqueue(message));
        }
    }

    @Override
    public <R extends OFMessage> CompletableFuture<R> request(OFRequest<R> request) {
        return request(request, requestTimeout);
    }

    @Override
    public <R extends OFMessage> CompletableFuture<R> request(OFRequest<R> request, Duration timeout) {
        if (request instanceof OFStatsRequest<?>) {
            throw new IllegalArgumentException("multipart request " + request.getType() + ": use requestStats()");
        }
        CompletableFuture<R> f = new CompletableFuture<>();
        onLane(() -> startRequest(new Pending<>(f, request, false), timeout));
        return f;
    }

    @Override
    public <R extends OFStatsReply> CompletableFuture<List<R>> requestStats(OFStatsRequest<R> request) {
        CompletableFuture<List<R>> f = new CompletableFuture<>();
        onLane(() -> startRequest(new Pending<>(f, request, true), requestTimeout));
        return f;
    }

    @Override
    public CompletableFuture<OFBarrierReply> barrier() {
        return request(factory.buildBarrierRequest().build());
    }

    @Override
    public void execute(Runnable task) {
        lane.execute(task);
    }

    private void onLane(Runnable r) {
        if (lane.inLane()) {
            r.run();
        } else {
            lane.execute(r);
        }
    }

    // ---- output (lane thread) -----------------------------------------------------------------

    /** Encode a message into this task's output; returns the xid it was sent with, or -1. */
    private long enqueue(OFMessage m) {
        if (!connected) {
            return -1;
        }
        if (!role.writes() && SlaveGate.changesSwitch(m)) {
            gatedOut++;
            log.debug("{} is a slave here: {} not sent", id, m.getType());
            return -1;
        }
        if (m.getVersion() != version) {
            throw new IllegalArgumentException(id + " speaks OpenFlow " + version + "; refusing to send a "
                    + m.getVersion() + " " + m.getType() + " (build messages with sw.factory())");
        }
        if (out == null) {
            out = channel.alloc().ioBuffer(256);
            lane.markDirty(this);
        }
        int start = out.writerIndex();
        try {
            m.writeTo(out);
        } catch (RuntimeException e) {
            out.writerIndex(start);
            throw new IllegalArgumentException(id + " cannot encode " + m.getType() + ": " + e.getMessage(), e);
        }
        if (m.getType() == OFType.FLOW_MOD) {
            counters.flowMod();
        }
        long xid = m.getXid();
        if (xid == 0) {
            xid = nextXid();
            out.setInt(start + 4, (int) xid);
        }
        if (!(m instanceof OFPacketOut po) || po.getData().length <= RING_MAX_DATA) {
            sent.put(xid, m); // not large packet data: the ring would keep up to 1,024 of them alive
        }
        return xid;
    }

    private long nextXid() {
        nextXid++;
        if (nextXid == 0) {
            nextXid = 1;
        }
        return nextXid & 0xffff_ffffL;
    }

    @Override
    public void flush() {
        ByteBuf b = out;
        out = null;
        if (b == null) {
            return;
        }
        if (connected && channel.isActive()) {
            channel.writeAndFlush(b, channel.voidPromise());
        } else {
            b.release();
        }
    }

    private <R> void startRequest(Pending<R> p, Duration timeout) {
        if (!connected) {
            p.future.completeExceptionally(new SwitchDisconnectedException(id));
            return;
        }
        long xid;
        try {
            xid = enqueue(p.request);
        } catch (RuntimeException e) {
            p.future.completeExceptionally(e);
            return;
        }
        if (xid < 0) {
            p.future.completeExceptionally(new IllegalStateException(id + ": this instance is a slave of the switch; "
                    + p.request.getType() + " not sent"));
            return;
        }
        pending.put(xid, p);
        p.timeout = lane.schedule(() -> {
            if (pending.remove(xid, p)) {
                p.future.completeExceptionally(new TimeoutException(id + " did not answer " + p.request.getType()
                        + " xid " + xid + " within " + timeout.toMillis() + " ms"));
            }
        }, timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    // ---- input -----------------------------------------------------------------------------

    /**
     * Lane: a message read from the switch. The switch's own event loop is its lane, so input is
     * handled where it was read, in order, with no hand-off.
     */
    void inbound(OFMessage m) {
        if (held != null) {
            held.add(m);
        } else {
            handle(m);
        }
    }

    /**
     * Lane (the event loop): read from the switch only while its output is writable (and no
     * takeover is pending). A switch that reads our answers more slowly than we produce them is
     * slowed down by TCP instead of growing memory without bound.
     */
    void updateAutoRead() {
        boolean read = held == null && channel.isWritable();
        if (channel.config().isAutoRead() != read) {
            channel.config().setAutoRead(read);
        }
    }

    /** Lane: announce the switch, then deliver what arrived during the handshake. */
    void announce(List<OFMessage> early) {
        announced = true;
        bus.dispatch(new SwitchConnected(this));
        for (OFMessage m : early) {
            handle(m);
        }
    }

    /** Lane: hold input until {@link #releaseAfterTakeover} (the old connection is still going away). */
    void holdForTakeover() {
        held = new ArrayList<>();
        updateAutoRead();
    }

    /** Lane: the old connection is gone; announce this one and deliver what was held. */
    void releaseAfterTakeover(List<OFMessage> early) {
        List<OFMessage> h = held;
        held = null;
        announce(early);
        for (OFMessage m : h) {
            handle(m);
        }
        updateAutoRead();
    }

    Lane lane() {
        return lane;
    }

    SwitchCounters counters() {
        return counters;
    }

    /** What this connection's peer got wrong, by {@link PeerFault} ordinal (handshake included); any thread. */
    long[] peerFaults() {
        PeerFaults f = channel == null ? null : PeerFaults.peek(channel);
        return f == null ? new long[PeerFault.values().length] : f.counts();
    }

    private void handle(OFMessage m) {
        try {
            dispatch(m);
        } catch (RuntimeException e) {
            // Our bug, or Loxi's, on what a switch sent: lose this message, keep the switch.
            faults().record(PeerFault.UNEXPECTED, m.getType() + " xid " + m.getXid() + " could not be handled: " + e);
            log.debug("{} handling {} failed", id, m.getType(), e);
        }
    }

    private void dispatch(OFMessage m) {
        if (!pending.isEmpty() && completePending(m)) {
            return;
        }
        switch (m.getType()) {
            case PACKET_IN -> {
                if (role.writes()) {
                    packetIn((OFPacketIn) m);
                } else {
                    gatedIn++; // the master answers it
                }
            }
            case PORT_STATUS -> portStatus((OFPortStatus) m);
            case FLOW_REMOVED -> {
                if (role.writes()) {
                    bus.dispatch(new FlowRemoved(this, (OFFlowRemoved) m));
                } else {
                    gatedIn++;
                }
            }
            case ERROR -> error((OFErrorMsg) m, null);
            case STATS_REPLY -> faults().record(PeerFault.UNEXPECTED, "a " + m.getType() + " nobody asked for, xid "
                    + m.getXid());
            default -> log.debug("{} unsolicited {} xid {} ignored", id, m.getType(), m.getXid());
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private boolean completePending(OFMessage m) {
        long xid = m.getXid();
        Pending p = pending.get(xid);
        if (p == null) {
            return false;
        }
        if (m instanceof OFErrorMsg e) {
            pending.remove(xid);
            p.timeout.cancel(false);
            p.future.completeExceptionally(new SwitchErrorException(id, e, p.request));
            error(e, p.request);
            return true;
        }
        if (p.parts != null) {
            if (!(m instanceof OFStatsReply sr)) {
                return false;
            }
            if (p.parts.size() >= MAX_MULTIPART_PARTS) {
                // A reply that never ends must not take all our memory: fail the request; later
                // parts with this xid are unsolicited and ignored.
                pending.remove(xid);
                p.timeout.cancel(false);
                faults().record(PeerFault.MULTIPART_TOO_LARGE, p.request.getType() + " xid " + xid + ": more than "
                        + MAX_MULTIPART_PARTS + " parts");
                p.future.completeExceptionally(new IllegalStateException(id + " answered " + p.request.getType()
                        + " xid " + xid + " with more than " + MAX_MULTIPART_PARTS + " parts; request abandoned"));
                return true;
            }
            p.parts.add(sr);
            if (!sr.getFlags().contains(OFStatsReplyFlags.REPLY_MORE)) {
                pending.remove(xid);
                p.timeout.cancel(false);
                p.future.complete(List.copyOf(p.parts));
            }
            return true;
        }
        pending.remove(xid);
        p.timeout.cancel(false);
        p.future.complete(m);
        return true;
    }

    private void packetIn(OFPacketIn pi) {
        counters.packetIn();
        Optional<Ethernet> frame = Ethernet.parse(pi.getData());
        if (frame.isEmpty()) {
            faults().record(PeerFault.PACKET_IN_DROPPED, pi.getData().length + " bytes of data, not an Ethernet frame");
            return;
        }
        OFPort in = version == OFVersion.OF_10 || version == OFVersion.OF_11
                ? pi.getInPort() : pi.getMatch().get(MatchField.IN_PORT);
        if (in == null) {
            faults().record(PeerFault.PACKET_IN_DROPPED, "no in_port in its match");
            return;
        }
        Ethernet eth = frame.get();
        if (eth.unparsed().isPresent()) {
            // Still given to the apps: they see what did parse (addresses, VLAN, EtherType).
            faults().record(PeerFault.UNPARSED_FRAME, eth.unparsed().get() + " (EtherType " + eth.ethType() + ")");
        }
        bus.dispatch(new PacketIn(this, pi, in, eth));
    }

    private PeerFaults faults() {
        return PeerFaults.of(channel);
    }

    private void portStatus(OFPortStatus ps) {
        OFPortDesc desc = ps.getDesc();
        OFPortDesc previous = ports.get(desc.getPortNo());
        Map<OFPort, OFPortDesc> next = new HashMap<>(ports);
        if (ps.getReason() == OFPortReason.DELETE) {
            next.remove(desc.getPortNo());
        } else {
            next.put(desc.getPortNo(), desc);
        }
        ports = ImmutableMap.copyOf(next);
        log.debug("{} port {} {} ({})", id, desc.getPortNo(), ps.getReason(), desc.getName());
        bus.dispatch(new PortStatusChanged(this, ps.getReason(), desc, Optional.ofNullable(previous)));
    }

    private void error(OFErrorMsg e, OFMessage request) {
        counters.error();
        OFMessage req = request != null ? request : sent.get(e.getXid());
        log.warn("{} error {} for {} xid {}", id, ErrorText.describe(e),
                req == null ? "an unknown request" : req.getType(), e.getXid());
        bus.dispatch(new ErrorReceived(this, e, Optional.ofNullable(req)));
    }

    /** Whether the connection is reading (false while backpressure holds it). */
    boolean channelAutoRead() {
        return channel.config().isAutoRead();
    }

    // ---- roles ---------------------------------------------------------------------------------

    SwitchRole role() {
        return role;
    }

    /** Messages not sent because this connection is a slave, and packet-ins/flow-removeds not passed on. */
    long gatedOut() {
        return gatedOut;
    }

    long gatedIn() {
        return gatedIn;
    }

    /** Any thread: see {@link SwitchRoles#request}. */
    CompletableFuture<SwitchRole> requestRole(SwitchRole want, long generation) {
        CompletableFuture<SwitchRole> f = new CompletableFuture<>();
        onLane(() -> {
            if (!connected) {
                f.completeExceptionally(new SwitchDisconnectedException(id));
                return;
            }
            int seq = ++roleRequests;
            if (!want.writes()) {
                setRole(SwitchRole.SLAVE, "slave requested, generation " + generation); // stop writing first
            }
            CompletableFuture<? extends OFMessage> reply = version == OFVersion.OF_10
                    ? request(factory.buildNiciraControllerRoleRequest().setRole(want.nicira()).build())
                    : request(factory.buildRoleRequest().setRole(want.wire())
                            .setGenerationId(org.projectfloodlight.openflow.types.U64.of(generation)).build());
            reply.whenComplete((r, t) -> onLane(() -> {
                if (t != null) {
                    if (seq == roleRequests) {
                        setRole(SwitchRole.SLAVE, "role request (" + want + ", generation " + generation
                                + ") failed: " + t.getMessage());
                    }
                    f.completeExceptionally(t);
                    return;
                }
                SwitchRole got = r instanceof org.projectfloodlight.openflow.protocol.OFRoleReply rr
                        ? SwitchRole.of(rr.getRole())
                        : SwitchRole.of(((org.projectfloodlight.openflow.protocol.OFNiciraControllerRoleReply) r).getRole());
                if (seq == roleRequests) {
                    setRole(got, "switch confirmed, generation " + generation);
                }
                f.complete(got);
            }));
        });
        return f;
    }

    private void setRole(SwitchRole next, String why) {
        if (role == next) {
            return;
        }
        role = next;
        log.info("{} role {}: {}", id, next, why);
        manager.roleChanged(this, next);
    }

    // ---- closing -------------------------------------------------------------------------------

    /** I/O thread (or any): the connection closed. */
    void closed(String reason) {
        lane.execute(() -> disconnect(reason));
    }

    /**
     * Any thread: whether the switch answers an ECHO_REQUEST within {@code timeout} (false at once
     * if the connection is gone, or when it goes while waiting).
     */
    java.util.concurrent.CompletableFuture<Boolean> probe(Duration timeout) {
        CompletableFuture<Boolean> alive = new CompletableFuture<>();
        onLane(() -> {
            if (!connected || !channel.isActive()) {
                alive.complete(false);
                return;
            }
            request(factory.buildEchoRequest().setData(new byte[0]).build(), timeout)
                    .whenComplete((reply, e) -> alive.complete(e == null));
        });
        return alive;
    }

    /** Lane: a newcomer that may not have this datapath id; closed without ever being announced. */
    void refuse() {
        held = null;
        disconnect("refused");
        channel.close();
    }

    /** Lane: a newer connection took over this datapath id. */
    void replaced(SocketAddress by) {
        disconnect("replaced by a new connection from " + by);
        channel.close();
    }

    private void disconnect(String reason) {
        if (!connected) {
            return;
        }
        connected = false;
        if (out != null) {
            out.release();
            out = null;
        }
        for (Pending<?> p : pending.values()) {
            if (p.timeout != null) {
                p.timeout.cancel(false);
            }
            p.future.completeExceptionally(new SwitchDisconnectedException(id));
        }
        pending.clear();
        manager.unregister(this);
        if (!announced) {
            log.debug("{} connection from {} closed before it was announced: {}", id, remote, reason);
            return; // apps never saw it: nothing to take back
        }
        log.info("{} disconnected: {}", id, reason);
        bus.dispatch(new SwitchDisconnected(this, reason));
    }

    @Override
    public String toString() {
        return id.toString();
    }
}
