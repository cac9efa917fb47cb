package dev.weft.cli;

import dev.weft.api.Switch;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.DefaultEventLoop;
import org.projectfloodlight.openflow.protocol.OFBarrierReply;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFFeaturesReply;
import org.projectfloodlight.openflow.protocol.OFFlowMod;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFPortDesc;
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
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A switch in memory: keeps its ports, counts flow-mods, answers barriers and stats at once, on
 * the thread given (as a connection's replies arrive on its lane). For the migration bench and
 * the warm-up's rehearsal: the controller's real code path with nothing on the wire.
 */
final class InMemorySwitch implements Switch {
    private static final OFFactory F = OFFactories.getFactory(OFVersion.OF_13);
    private final DatapathId id;
    private final DefaultEventLoop lane;
    private final Map<OFPort, OFPortDesc> ports = new ConcurrentHashMap<>();
    private final AtomicLong flowMods = new AtomicLong();
    private final Instant since = Instant.now();

    InMemorySwitch(DatapathId id, DefaultEventLoop lane) {
        this.id = id;
        this.lane = lane;
    }

    OFPortDesc add(OFPort no, String name) {
        OFPortDesc d = F.buildPortDesc().setPortNo(no).setName(name).setHwAddr(MacAddress.of(0x0200_0000_0000L
                + no.getPortNumber())).build();
        ports.put(no, d);
        return d;
    }

    OFPortDesc remove(OFPort no) {
        return ports.remove(no);
    }

    long flowMods() {
        return flowMods.get();
    }

    @Override
    public DatapathId id() {
        return id;
    }

    @Override
    public OFVersion version() {
        return OFVersion.OF_13;
    }

    @Override
    public OFFactory factory() {
        return F;
    }

    @Override
    public OFFeaturesReply features() {
        return F.buildFeaturesReply().setDatapathId(id).setNTables((short) 254).build();
    }

    @Override
    public Collection<OFPortDesc> ports() {
        return List.copyOf(ports.values());
    }

    @Override
    public Optional<OFPortDesc> port(OFPort number) {
        return Optional.ofNullable(ports.get(number));
    }

    @Override
    public Optional<OFPortDesc> port(String name) {
        return ports.values().stream().filter(p -> p.getName().equals(name)).findFirst();
    }

    @Override
    public SocketAddress remoteAddress() {
        return new InetSocketAddress("127.0.0.1", 0);
    }

    @Override
    public Instant connectedSince() {
        return since;
    }

    @Override
    public boolean isConnected() {
        return true;
    }

    @Override
    public void send(OFMessage message) {
        if (message instanceof OFFlowMod) {
            flowMods.incrementAndGet();
        }
        // Serialized as a connection serializes it, into bytes that are then dropped: the encoding
        // is part of what a rehearsal warms, and of what the bench's switches cost. Into a buffer of
        // the kind a connection writes into (its channel's allocator, the default one: a pooled
        // direct buffer), so that the rehearsal compiles Loxi's writers for the buffer class of the
        // real path: with a heap buffer here, the first real move found them compiled for another
        // class, and the JVM threw that code away and ran them in its interpreter again.
        ByteBuf out = encodingBuffer();
        try {
            message.writeTo(out);
        } finally {
            out.release();
        }
    }

    /** A buffer as a connection's channel gives one to encode into (release it). */
    static ByteBuf encodingBuffer() {
        return ByteBufAllocator.DEFAULT.ioBuffer(256);
    }

    @Override
    public <R extends OFMessage> CompletableFuture<R> request(OFRequest<R> request) {
        return CompletableFuture.failedFuture(new UnsupportedOperationException("bench switch"));
    }

    @Override
    public <R extends OFMessage> CompletableFuture<R> request(OFRequest<R> request, Duration timeout) {
        return request(request);
    }

    @Override
    public <R extends OFStatsReply> CompletableFuture<List<R>> requestStats(OFStatsRequest<R> request) {
        return CompletableFuture.completedFuture(List.of());
    }

    @Override
    public CompletableFuture<OFBarrierReply> barrier() {
        // Answered on the switches' thread, as a reply would arrive.
        CompletableFuture<OFBarrierReply> f = new CompletableFuture<>();
        lane.execute(() -> f.complete(F.buildBarrierReply().build()));
        return f;
    }

    @Override
    public void execute(Runnable task) {
        lane.execute(task);
    }

    @Override
    public String toString() {
        return "in-memory switch " + id;
    }
}
