package dev.weft.core.openflow;

import dev.weft.api.Switch;
import dev.weft.api.SwitchDisconnectedException;
import dev.weft.api.event.SwitchConnected;
import dev.weft.api.event.SwitchDisconnected;
import dev.weft.core.dispatch.EventBus;
import dev.weft.core.dispatch.Lane;
import io.netty.channel.Channel;
import org.projectfloodlight.openflow.protocol.OFBarrierReply;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFFeaturesReply;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFPortDesc;
import org.projectfloodlight.openflow.protocol.OFRequest;
import org.projectfloodlight.openflow.protocol.OFStatsReply;
import org.projectfloodlight.openflow.protocol.OFStatsRequest;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.OFPort;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.SocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A live switch. Its mutable state belongs to its dispatch lane and is touched only there; what
 * other threads read (ports, connected) is published through volatile fields. It turns what the
 * switch sends into events and keeps the connection's life (announce, takeover, close); its
 * parts: {@link SwitchOutput} (encoding and flushing what we send), {@link PendingRequests}
 * (replies matched to requests by xid) and {@link ConnectionRole} (master/slave, and what a slave
 * holds back).
 */
final class SwitchConnection implements Switch {
    private static final Logger log = LoggerFactory.getLogger(SwitchConnection.class);
    private final Channel channel;
    private final Lane lane;
    /** The control lane, whose work may run borrowed on this switch's thread ({@link Lane#runHere}). */
    private final Lane control;
    private final EventBus bus;
    private final SwitchManager manager;
    private final DatapathId id;
    private final OFVersion version;
    private final OFFactory factory;
    private final OFFeaturesReply features;
    private final Instant since;
    private final SocketAddress remote;
    private final Duration requestTimeout;

    private final SwitchPorts ports;
    private volatile boolean connected = true;
    private final ConnectionRole role;
    /** Lane: whether apps were told about this connection (a refused newcomer never is). */
    private boolean announced;

    // Lane-thread state.
    private final SwitchCounters counters = new SwitchCounters();
    private final SwitchOutput output;
    private final PendingRequests pending;
    private final SwitchInput input;
    /** Non-null until the switch is announced (or while a takeover waits for the old connection to go): input is held here. */
    private List<OFMessage> held;

    /**
     * What other threads asked of this switch (send, request, a task), run on the lane in the order
     * asked, a batch per lane task (one flush). The lane's own work sends at once (an app handling
     * this switch's event answers ahead of what other threads queued). The control lane's work,
     * which runs on its own thread or, borrowed, on a switch's thread, sends at once only when
     * nothing asked earlier waits here: what it sends must not overtake what it sent a moment before
     * from the other thread (a move's deletes for the old location would undo the new flows).
     */
    private final Queue<Runnable> inbox = new ConcurrentLinkedQueue<>();
    /** Items added to {@link #inbox} and not yet run (counted after they are added). */
    private final AtomicInteger inboxed = new AtomicInteger();
    private final Runnable drainInbox = this::drainInbox;
    /** Lane: an item of the inbox is running (it is still counted in {@link #inboxed}). */
    private boolean draining;
    /** Items the lane runs from the inbox in one task before letting its other switches in. */
    private static final int INBOX_BATCH = 256;

    SwitchConnection(Channel channel, Lane lane, Lane control, EventBus bus, SwitchManager manager, HandshakeResult r,
                     Duration requestTimeout, SwitchRole initialRole, SentRing laneRing) {
        this.channel = channel;
        this.control = control;
        this.role = new ConnectionRole(this, manager, initialRole);
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
        this.ports = new SwitchPorts(r.ports());
        this.output = new SwitchOutput(channel, lane, control, id, version, counters, r.sent(), laneRing);
        this.pending = new PendingRequests(id, lane, this::faults);
        this.input = new SwitchInput(this, bus, ports, pending, role, output, counters);
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
        return ports.all();
    }

    @Override
    public Optional<OFPortDesc> port(OFPort number) {
        return ports.get(number);
    }

    @Override
    public Optional<OFPortDesc> port(String name) {
        return ports.named(name);
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
        if (runsNow()) {
            enqueue(message);
        } else {
            toLane(() -> enqueue(message));
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
        onLane(() -> startRequest(f, request, false, timeout));
        return f;
    }

    @Override
    public <R extends OFStatsReply> CompletableFuture<List<R>> requestStats(OFStatsRequest<R> request) {
        CompletableFuture<List<R>> f = new CompletableFuture<>();
        onLane(() -> startRequest(f, request, true, requestTimeout));
        return f;
    }

    @Override
    public CompletableFuture<OFBarrierReply> barrier() {
        return request(factory.buildBarrierRequest().build());
    }

    @Override
    public void execute(Runnable task) {
        toLane(task);
    }

    @Override
    public void executeHere(Runnable task) {
        onLane(task);
    }

    /** Runs {@code r} now when on the lane (and nothing asked earlier waits), else queues it there. */
    void onLane(Runnable r) {
        if (runsNow()) {
            r.run();
        } else {
            toLane(r);
        }
    }

    /**
     * On the lane; for the control lane's work borrowed here, also with nothing asked earlier
     * still waiting in the inbox (the item being run aside).
     */
    private boolean runsNow() {
        return lane.inLane() && (!control.heldHere() || inboxed.get() == (draining ? 1 : 0));
    }

    /** Any thread: queue work for the lane, behind what was asked before it. */
    private void toLane(Runnable r) {
        inbox.add(r);
        if (inboxed.getAndIncrement() == 0) {
            lane.execute(drainInbox);
        }
    }

    /** Lane: run what was asked, in order; output is flushed once when this lane task ends. */
    private void drainInbox() {
        for (int n = 0; n < INBOX_BATCH; n++) {
            Runnable r = inbox.poll(); // never null: an item is counted only after it is added
            draining = true;
            try {
                r.run();
            } catch (RuntimeException e) {
                log.error("{}: a task for this switch failed", id, e);
            } finally {
                draining = false;
            }
            if (inboxed.decrementAndGet() == 0) {
                return;
            }
        }
        lane.execute(drainInbox); // more waiting: after the lane's other work
    }

    // ---- output (lane thread) -----------------------------------------------------------------

    /** Lane: encodes a message into this task's output; returns the xid it was sent with, or -1. */
    private long enqueue(OFMessage m) {
        if (!connected || role.holdsBack(m)) {
            return -1;
        }
        return output.write(m);
    }

    private <R> void startRequest(CompletableFuture<R> f, OFMessage request, boolean multipart, Duration timeout) {
        if (!connected) {
            f.completeExceptionally(new SwitchDisconnectedException(id));
            return;
        }
        long xid;
        try {
            xid = enqueue(request);
        } catch (RuntimeException e) {
            f.completeExceptionally(e);
            return;
        }
        if (xid < 0) {
            f.completeExceptionally(new IllegalStateException(id + ": this instance is a slave of the switch; "
                    + request.getType() + " not sent"));
            return;
        }
        pending.add(xid, f, request, multipart, timeout);
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
    private void announce(List<OFMessage> early) {
        announced = true;
        bus.dispatch(new SwitchConnected(this));
        for (OFMessage m : early) {
            handle(m);
        }
    }

    /**
     * Lane: hold input (and stop reading) until {@link #release}: the switch waits for its
     * announcement, or for the old connection of its datapath id to be gone.
     */
    void holdInput() {
        held = new ArrayList<>();
        updateAutoRead();
    }

    /** Lane: announce this connection, deliver what arrived during the handshake and since, and read on. */
    void release(List<OFMessage> early) {
        List<OFMessage> h = held;
        held = null;
        updateAutoRead(); // before the apps hear of it (the next read comes after this task anyway)
        announce(early);
        for (OFMessage m : h) {
            handle(m);
        }
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
        input.handle(m);
    }

    PeerFaults faults() {
        return PeerFaults.of(channel);
    }

    /** Whether the connection is reading (false while backpressure holds it). */
    boolean channelAutoRead() {
        return channel.config().isAutoRead();
    }

    // ---- roles ---------------------------------------------------------------------------------

    SwitchRole role() {
        return role.get();
    }

    /** Messages not sent because this connection is a slave, and packet-ins/flow-removeds not passed on. */
    long gatedOut() {
        return role.gatedOut();
    }

    long gatedIn() {
        return role.gatedIn();
    }

    /** Any thread: see {@link SwitchRoles#request}. */
    CompletableFuture<SwitchRole> requestRole(SwitchRole want, long generation) {
        CompletableFuture<SwitchRole> f = new CompletableFuture<>();
        onLane(() -> {
            if (!connected) {
                f.completeExceptionally(new SwitchDisconnectedException(id));
                return;
            }
            role.request(want, generation, f);
        });
        return f;
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
        output.discard();
        pending.failAll();
        manager.unregister(this);
        if (!announced) {
            log.debug("{} connection from {} closed before it was announced: {}", id, remote, reason);
            return; // apps never saw it: nothing to take back
        }
        manager.logDisconnected(id, reason);
        bus.dispatch(new SwitchDisconnected(this, reason));
    }

    @Override
    public String toString() {
        return id.toString();
    }
}
