package dev.weft.fakes;

import dev.weft.api.Switch;
import dev.weft.api.SwitchDisconnectedException;
import org.projectfloodlight.openflow.protocol.OFBarrierReply;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFFeaturesReply;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFPortConfig;
import org.projectfloodlight.openflow.protocol.OFPortDesc;
import org.projectfloodlight.openflow.protocol.OFPortFeatures;
import org.projectfloodlight.openflow.protocol.OFPortState;
import org.projectfloodlight.openflow.protocol.OFRequest;
import org.projectfloodlight.openflow.protocol.OFStatsReply;
import org.projectfloodlight.openflow.protocol.OFStatsRequest;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * A switch for app tests: records what the app sends, answers requests through a function the
 * test sets (by default it answers a flow-statistics request as an empty switch does), and runs
 * {@link #execute(Runnable)} inline, one task at a time (a lock stands for the switch's lane:
 * the test thread and the controller's control lane may both reach it).
 */
public final class FakeSwitch implements Switch {
    private final DatapathId id;
    private final OFFactory factory;
    private final Map<OFPort, OFPortDesc> ports = java.util.Collections.synchronizedMap(new LinkedHashMap<>());
    private final List<OFMessage> sent = java.util.Collections.synchronizedList(new ArrayList<>());
    private final java.util.concurrent.locks.ReentrantLock lane = new java.util.concurrent.locks.ReentrantLock();
    private volatile boolean connected = true;
    private volatile Function<OFMessage, Optional<OFMessage>> responder = this::emptySwitch;

    public FakeSwitch(DatapathId id, OFVersion version) {
        this.id = id;
        this.factory = OFFactories.getFactory(version);
    }

    /** A switch with ports 1..n named {@code s<dpid>-eth<n>}. */
    public static FakeSwitch withPorts(long dpid, OFVersion version, int n) {
        FakeSwitch sw = new FakeSwitch(DatapathId.of(dpid), version);
        for (int i = 1; i <= n; i++) {
            sw.addPort(i, "s" + dpid + "-eth" + i);
        }
        return sw;
    }

    public OFPortDesc addPort(int number, String name) {
        OFPortDesc p = portDesc(factory, OFPort.of(number), name, false);
        ports.put(p.getPortNo(), p);
        return p;
    }

    public void removePort(int number) {
        ports.remove(OFPort.of(number));
    }

    /** A port description as a switch would report it (link down when {@code down}). */
    public static OFPortDesc portDesc(OFFactory f, OFPort no, String name, boolean down) {
        long mac = 0x0200_0000_0000L | (no.getPortNumber() & 0xffff);
        var b = f.buildPortDesc()
                .setPortNo(no)
                .setName(name)
                .setHwAddr(MacAddress.of(mac))
                .setConfig(EnumSet.noneOf(OFPortConfig.class))
                .setState(down ? EnumSet.of(OFPortState.LINK_DOWN) : EnumSet.noneOf(OFPortState.class));
        if (f.getVersion().compareTo(OFVersion.OF_14) < 0) {
            b.setCurr(EnumSet.of(OFPortFeatures.PF_1GB_FD)).setAdvertised(EnumSet.noneOf(OFPortFeatures.class))
                    .setSupported(EnumSet.noneOf(OFPortFeatures.class)).setPeer(EnumSet.noneOf(OFPortFeatures.class));
        }
        return b.build();
    }

    /** What an empty switch answers: no flow entries. */
    private Optional<OFMessage> emptySwitch(OFMessage request) {
        if (request instanceof org.projectfloodlight.openflow.protocol.OFFlowStatsRequest r) {
            return Optional.of(factory.buildFlowStatsReply().setXid(r.getXid()).setEntries(List.of()).build());
        }
        return Optional.empty();
    }

    /** Answer requests (and barriers) with what {@code f} returns; empty leaves the future pending. */
    public void respondWith(Function<OFMessage, Optional<OFMessage>> f) {
        this.responder = f;
    }

    /** Everything sent so far, in order. */
    public List<OFMessage> sent() {
        synchronized (sent) {
            return List.copyOf(sent);
        }
    }

    public <T extends OFMessage> List<T> sent(Class<T> type) {
        return sent().stream().filter(type::isInstance).map(type::cast).toList();
    }

    public void clearSent() {
        sent.clear();
    }

    public void disconnect() {
        connected = false;
    }

    @Override
    public DatapathId id() {
        return id;
    }

    @Override
    public OFVersion version() {
        return factory.getVersion();
    }

    @Override
    public OFFactory factory() {
        return factory;
    }

    @Override
    public OFFeaturesReply features() {
        var b = factory.buildFeaturesReply().setDatapathId(id).setNTables((short) 4).setNBuffers(256);
        if (factory.getVersion() == OFVersion.OF_10) {
            b.setPorts(List.copyOf(ports()));
        }
        return b.build();
    }

    @Override
    public Collection<OFPortDesc> ports() {
        synchronized (ports) {
            return List.copyOf(ports.values());
        }
    }

    @Override
    public Optional<OFPortDesc> port(OFPort number) {
        return Optional.ofNullable(ports.get(number));
    }

    @Override
    public Optional<OFPortDesc> port(String name) {
        return ports().stream().filter(p -> p.getName().equals(name)).findFirst();
    }

    @Override
    public SocketAddress remoteAddress() {
        return InetSocketAddress.createUnresolved("fake-switch", (int) (id.getLong() & 0xffff));
    }

    @Override
    public Instant connectedSince() {
        return Instant.EPOCH;
    }

    @Override
    public boolean isConnected() {
        return connected;
    }

    @Override
    public void send(OFMessage message) {
        if (message.getVersion() != factory.getVersion()) {
            throw new IllegalArgumentException("version mismatch: switch speaks " + factory.getVersion()
                    + ", message is " + message.getVersion());
        }
        if (connected) {
            sent.add(message);
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public <R extends OFMessage> CompletableFuture<R> request(OFRequest<R> request) {
        send(request);
        CompletableFuture<R> f = new CompletableFuture<>();
        if (!connected) {
            f.completeExceptionally(new SwitchDisconnectedException(id));
            return f;
        }
        responder.apply(request).ifPresent(r -> f.complete((R) r));
        return f;
    }

    @Override
    public <R extends OFMessage> CompletableFuture<R> request(OFRequest<R> request, Duration timeout) {
        return request(request);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <R extends OFStatsReply> CompletableFuture<List<R>> requestStats(OFStatsRequest<R> request) {
        send(request);
        CompletableFuture<List<R>> f = new CompletableFuture<>();
        responder.apply(request).ifPresent(r -> f.complete(List.of((R) r)));
        return f;
    }

    @Override
    public CompletableFuture<OFBarrierReply> barrier() {
        var req = factory.buildBarrierRequest().build();
        send(req);
        return CompletableFuture.completedFuture(factory.buildBarrierReply().setXid(req.getXid()).build());
    }

    @Override
    public void execute(Runnable task) {
        lane.lock();
        try {
            task.run();
        } finally {
            lane.unlock();
        }
    }

    @Override
    public String toString() {
        return "FakeSwitch(" + id + ", " + factory.getVersion() + ")";
    }
}
