package dev.weft.core.openflow;

import dev.weft.api.Switch;
import dev.weft.api.SwitchService;
import dev.weft.api.event.SwitchConnected;
import dev.weft.api.event.SwitchDisconnected;
import dev.weft.core.dispatch.Dispatcher;
import dev.weft.core.dispatch.EventBus;
import dev.weft.core.dispatch.Lane;
import io.netty.channel.Channel;
import org.projectfloodlight.openflow.types.DatapathId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The registry of active switches. A second connection from a datapath id that is already
 * connected takes over: the old connection is announced as disconnected and closed (on its
 * lane), and only then is the new one announced (on its own lane), so apps see them in that
 * order.
 */
public final class SwitchManager implements SwitchService, SwitchActivator {
    private static final Logger log = LoggerFactory.getLogger(SwitchManager.class);

    private final Dispatcher dispatcher;
    private final EventBus bus;
    private final Duration requestTimeout;
    private final Map<DatapathId, SwitchConnection> active = new ConcurrentHashMap<>();
    /** Switches that live in this process (the test harness, the migration bench), not behind a connection. */
    private final Map<DatapathId, Switch> attached = new ConcurrentHashMap<>();

    public SwitchManager(Dispatcher dispatcher, EventBus bus, Duration requestTimeout) {
        this.dispatcher = dispatcher;
        this.bus = bus;
        this.requestTimeout = requestTimeout;
    }

    @Override
    public Collection<Switch> all() {
        if (attached.isEmpty()) {
            return List.copyOf(active.values());
        }
        List<Switch> all = new java.util.ArrayList<>(active.values());
        all.addAll(attached.values());
        return List.copyOf(all);
    }

    @Override
    public Optional<Switch> get(DatapathId id) {
        Switch s = active.get(id);
        return Optional.ofNullable(s != null ? s : attached.get(id));
    }

    /**
     * Register an in-process switch and announce it ({@link SwitchConnected}) on its own thread
     * ({@link Switch#execute}), as a connection's handshake would.
     */
    public void attach(Switch sw) {
        if (active.containsKey(sw.id()) || attached.putIfAbsent(sw.id(), sw) != null) {
            throw new IllegalStateException(sw.id() + " is connected already");
        }
        sw.execute(() -> bus.dispatch(new SwitchConnected(sw)));
    }

    /** Forget an in-process switch and announce it gone ({@link SwitchDisconnected}) on its thread. */
    public void detach(Switch sw, String reason) {
        if (attached.remove(sw.id(), sw)) {
            sw.execute(() -> bus.dispatch(new SwitchDisconnected(sw, reason)));
        }
    }

    @Override
    public SwitchConnection activate(Channel channel, HandshakeResult r) {
        DatapathId dpid = r.features().getDatapathId();
        Lane lane = dispatcher.laneOf(channel.eventLoop());
        SwitchConnection conn = new SwitchConnection(channel, lane, bus, this, r, requestTimeout);
        SwitchConnection previous = active.put(dpid, conn);
        log.info("{} connected from {}: OpenFlow {}, {} ports, {} tables, handshake {} ms (switch's HELLO after {} ms){}",
                dpid, channel.remoteAddress(), VersionNegotiation.wireName(r.version().getWireVersion()),
                r.ports().size(), r.features().getNTables() & 0xff, millis(r.handshakeNanos()), millis(r.helloNanos()),
                previous == null ? "" : "; replaces the connection from " + previous.remoteAddress());
        if (previous == null) {
            conn.announce(r.queued()); // we are on the switch's lane (its event loop)
        } else {
            // The old connection may live on another lane. Apps must see it disconnected before the
            // new one connects: hold the new one's input, let the old lane finish, then continue here.
            conn.holdForTakeover();
            previous.lane().execute(() -> {
                previous.replaced(channel.remoteAddress());
                lane.execute(() -> conn.releaseAfterTakeover(r.queued()));
            });
        }
        return conn;
    }

    private static String millis(long nanos) {
        return String.format("%.1f", TimeUnit.NANOSECONDS.toMicros(nanos) / 1000.0);
    }

    /** Lane: forget a connection that closed (unless a newer one already took its place). */
    void unregister(SwitchConnection conn) {
        active.remove(conn.id(), conn);
    }
}
