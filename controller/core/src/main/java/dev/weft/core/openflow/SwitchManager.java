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
 * The registry of active switches. A second connection that claims the datapath id of a
 * connected switch does not simply take over (anyone who can reach the port could then steal a
 * switch's traffic): the existing connection is probed with an ECHO_REQUEST first. If it answers
 * within the probe bound, the newcomer is refused and closed; if it does not (a dead or
 * half-open connection, or one that closes meanwhile), the newcomer takes over at once: the old
 * connection is announced as disconnected and closed (on its lane), and only then is the new one
 * announced (on its own lane), so apps see them in that order.
 */
public final class SwitchManager implements SwitchService, SwitchActivator, SwitchRoles {
    private static final Logger log = LoggerFactory.getLogger(SwitchManager.class);
    public static final Duration DEFAULT_TAKEOVER_PROBE = Duration.ofSeconds(1);

    private final Dispatcher dispatcher;
    private final EventBus bus;
    private final Duration requestTimeout;
    private final Duration takeoverProbe;
    private final Map<DatapathId, SwitchConnection> active = new ConcurrentHashMap<>();
    /** EQUAL alone; SLAVE in a cluster, until the cluster makes this instance master of a switch. */
    private volatile SwitchRole initialRole = SwitchRole.EQUAL;
    private final List<java.util.function.BiConsumer<DatapathId, SwitchRole>> roleListeners =
            new java.util.concurrent.CopyOnWriteArrayList<>();
    private final List<java.util.function.BiConsumer<DatapathId, Long>> demotionListeners =
            new java.util.concurrent.CopyOnWriteArrayList<>();
    /** Per connected datapath id (so bounded by the switches): refusals logged at most every 10 s. */
    private final Map<DatapathId, RateLimit> refusalLog = new ConcurrentHashMap<>();
    /** "connected" and "disconnected" lines: one by one up to ten a second, a burst summarised. */
    private final BurstLog connectLines;
    private final BurstLog disconnectLines;

    /** At most one report per period; counts what it held back. */
    private static final class RateLimit {
        private static final long PERIOD = TimeUnit.SECONDS.toNanos(10);
        private long last = Long.MIN_VALUE;
        private long held;

        /** -1: do not log; else log, with this many held back since the last report. */
        synchronized long admit(long now) {
            if (last != Long.MIN_VALUE && now - last < PERIOD) {
                held++;
                return -1;
            }
            last = now;
            long h = held;
            held = 0;
            return h;
        }
    }
    /** Per datapath id: what its connections did (bounded by the switches that ever connected). */
    private final Map<DatapathId, History> history = new ConcurrentHashMap<>();

    /** A datapath id's closed connections added up, and its live one. */
    private static final class History {
        private long connections;
        private long packetIns;
        private long flowMods;
        private long errors;
        private long handshakeNanos;
        private long lastHandshakeNanos;
        private final long[] faults = new long[PeerFault.values().length];
        private SwitchConnection live;

        synchronized void connected(SwitchConnection c, long handshake) {
            connections++;
            handshakeNanos += handshake;
            lastHandshakeNanos = handshake;
            retire(live);
            live = c;
        }

        synchronized void closed(SwitchConnection c) {
            if (live == c) {
                retire(c);
                live = null;
            }
        }

        private void retire(SwitchConnection c) {
            if (c != null) {
                packetIns += c.counters().packetIns();
                flowMods += c.counters().flowMods();
                errors += c.counters().errors();
                long[] f = c.peerFaults();
                for (int i = 0; i < f.length; i++) {
                    faults[i] += f[i];
                }
            }
        }

        synchronized SwitchTotals totals(DatapathId dpid, boolean connected) {
            SwitchCounters now = live == null ? null : live.counters();
            long[] liveFaults = live == null ? new long[faults.length] : live.peerFaults();
            java.util.EnumMap<PeerFault, Long> byKind = new java.util.EnumMap<>(PeerFault.class);
            for (PeerFault f : PeerFault.values()) {
                byKind.put(f, faults[f.ordinal()] + liveFaults[f.ordinal()]);
            }
            return new SwitchTotals(dpid, connected, connections, packetIns + (now == null ? 0 : now.packetIns()),
                    flowMods + (now == null ? 0 : now.flowMods()), errors + (now == null ? 0 : now.errors()),
                    handshakeNanos, lastHandshakeNanos, byKind);
        }
    }

    /** Per lane: the switches past their handshake waiting to be announced (touched on that lane only). */
    private final Map<Lane, Admissions> admissions = new ConcurrentHashMap<>();

    /** Per lane: what its switches were sent recently (touched on that lane only). */
    private final Map<Lane, SentRing> sentRings = new ConcurrentHashMap<>();

    /** Switches that live in this process (the test harness, the migration bench), not behind a connection. */
    private final Map<DatapathId, Switch> attached = new ConcurrentHashMap<>();

    public SwitchManager(Dispatcher dispatcher, EventBus bus, Duration requestTimeout) {
        this(dispatcher, bus, requestTimeout, DEFAULT_TAKEOVER_PROBE);
    }

    /** @param takeoverProbe how long an existing connection has to answer the echo that decides a takeover */
    public SwitchManager(Dispatcher dispatcher, EventBus bus, Duration requestTimeout, Duration takeoverProbe) {
        this(dispatcher, bus, requestTimeout, takeoverProbe, System::nanoTime);
    }

    /** {@code logClock}: the time in ns that {@link BurstLog} measures its windows with (tests). */
    SwitchManager(Dispatcher dispatcher, EventBus bus, Duration requestTimeout, Duration takeoverProbe,
                  java.util.function.LongSupplier logClock) {
        this.dispatcher = dispatcher;
        this.bus = bus;
        this.requestTimeout = requestTimeout;
        this.takeoverProbe = takeoverProbe;
        this.connectLines = new BurstLog(logClock);
        this.disconnectLines = new BurstLog(logClock);
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
        SentRing ring = sentRings.computeIfAbsent(lane, l -> new SentRing(SentRing.LANE_SIZE));
        SwitchConnection conn = new SwitchConnection(channel, lane, dispatcher.control(), bus, this, r, requestTimeout, initialRole, ring);
        if (attached.containsKey(dpid)) {
            log.warn("{} refused a connection from {}: a switch in this process has that datapath id", dpid,
                    channel.remoteAddress());
            conn.refuse();
            return conn;
        }
        // Its input waits until it is announced (or refused): announcing is not done in the read that
        // ended the handshake but in the lane's next slice of announcements (Admissions), so that the
        // switches already active on this lane are not kept waiting behind a burst of newcomers.
        conn.holdInput();
        admissions.computeIfAbsent(lane, Admissions::new).offer(() -> admit(conn, r));
        return conn;
    }

    /** Lane, in a slice of its {@link Admissions}: register and announce the switch, or contest its datapath id. */
    private void admit(SwitchConnection conn, HandshakeResult r) {
        if (!conn.isConnected()) {
            return; // gone while it waited; never announced
        }
        SwitchConnection previous = active.putIfAbsent(conn.id(), conn);
        if (previous == null) {
            logConnected(conn, r, "");
            conn.release(r.queued());
        } else {
            contest(conn, previous, r); // its input stays held until that is decided
        }
    }

    /** Any thread: {@code conn} claims the datapath id that {@code current} holds; probe {@code current}. */
    private void contest(SwitchConnection conn, SwitchConnection current, HandshakeResult r) {
        log.debug("{} claimed by a new connection from {} while connected from {}; probing the existing connection",
                conn.id(), conn.remoteAddress(), current.remoteAddress());
        long start = System.nanoTime();
        current.probe(takeoverProbe).thenAccept(alive -> conn.lane().execute(() ->
                decide(conn, current, r, alive, System.nanoTime() - start)));
    }

    /** The newcomer's lane: the probe of {@code current} is answered (or not). */
    private void decide(SwitchConnection conn, SwitchConnection current, HandshakeResult r, boolean alive,
                        long probeNanos) {
        if (!conn.isConnected()) {
            return; // the newcomer left while we probed
        }
        if (alive && current.isConnected()) {
            long suppressed = refusalLog.computeIfAbsent(conn.id(), k -> new RateLimit()).admit(System.nanoTime());
            if (suppressed >= 0) {
                log.warn("{} refused a second connection from {}: the switch connected from {} answered an echo in {} ms;"
                        + " a live switch's datapath id is not taken over{}", conn.id(), conn.remoteAddress(),
                        current.remoteAddress(), millis(probeNanos),
                        suppressed > 0 ? " (" + suppressed + " more refused since the last report)" : "");
            }
            conn.refuse();
            return;
        }
        if (!active.replace(conn.id(), current, conn) && active.putIfAbsent(conn.id(), conn) != null) {
            SwitchConnection other = active.get(conn.id());
            if (other != null) {
                contest(conn, other, r); // a third connection got there first
            } else {
                decide(conn, current, r, false, probeNanos);
            }
            return;
        }
        logConnected(conn, r, "; replaces the connection from " + current.remoteAddress() + " ("
                + (current.isConnected() ? "no echo reply within " + takeoverProbe.toMillis() + " ms" : "closed") + ")");
        // Apps must see the old connection disconnected before the new one connects: let the old
        // lane finish, then continue on the new one.
        current.lane().execute(() -> {
            current.replaced(conn.remoteAddress());
            conn.lane().execute(() -> conn.release(r.queued()));
        });
    }

    /**
     * What every switch that connected since the start did (for the metrics; any thread). A
     * connection's counts are read as they are now, without stopping it.
     */
    public List<SwitchTotals> totals() {
        List<SwitchTotals> out = new java.util.ArrayList<>();
        history.forEach((dpid, h) -> out.add(h.totals(dpid, active.containsKey(dpid))));
        out.sort(java.util.Comparator.comparing(SwitchTotals::dpid));
        return out;
    }

    private void logConnected(SwitchConnection conn, HandshakeResult r, String suffix) {
        history.computeIfAbsent(conn.id(), k -> new History()).connected(conn, r.handshakeNanos());
        if (suffix.isEmpty() && !admit(connectLines, conn.id(), "connected")) { // a takeover is always logged
            return;
        }
        log.info("{} connected from {}: OpenFlow {}, {} ports, {} tables, handshake {} ms (switch's HELLO after {} ms){}",
                conn.id(), conn.remoteAddress(), VersionNegotiation.wireName(r.version().getWireVersion()),
                r.ports().size(), r.features().getNTables() & 0xff, millis(r.handshakeNanos()), millis(r.helloNanos()),
                suffix);
    }

    /**
     * Lane: whether to write this switch's "connected" or "disconnected" line now ({@link BurstLog}:
     * at most ten a second one by one, a burst beyond that summarised a second later by the
     * control lane).
     */
    private boolean admit(BurstLog lines, DatapathId dpid, String what) {
        BurstLog.Verdict v = lines.admit(dpid);
        if (v == BurstLog.Verdict.HOLD_FIRST) {
            try {
                dispatcher.control().schedule(() -> summarise(lines, what), BurstLog.SUMMARY_DELAY_NANOS,
                        TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // stopping: no summary
            }
        }
        return v == BurstLog.Verdict.LOG;
    }

    private static void summarise(BurstLog lines, String what) {
        BurstLog.Summary s = lines.takeSummary();
        if (s.count() > 0) {
            log.info("{} more switches {} ({} first, {} last), not logged one by one: at most {} such lines a second",
                    s.count(), what, s.first(), s.last(), BurstLog.PER_SECOND);
        }
    }

    /** Lane: a connection that was announced is gone; its "disconnected" line, unless a burst holds it back. */
    void logDisconnected(DatapathId dpid, String reason) {
        if (admit(disconnectLines, dpid, "disconnected")) {
            log.info("{} disconnected: {}", dpid, reason);
        }
    }

    private static String millis(long nanos) {
        return String.format("%.1f", TimeUnit.NANOSECONDS.toMicros(nanos) / 1000.0);
    }

    /**
     * From now on, new connections start as {@link SwitchRole#SLAVE} on our side: they change
     * nothing on the switch until {@link #request} makes them master (how a cluster starts).
     */
    public void startAsSlaves() {
        initialRole = SwitchRole.SLAVE;
    }

    @Override
    public Optional<SwitchRole> role(DatapathId dpid) {
        SwitchConnection c = active.get(dpid);
        return c == null ? Optional.empty() : Optional.of(c.role());
    }

    @Override
    public java.util.concurrent.CompletableFuture<SwitchRole> request(DatapathId dpid, SwitchRole role, long generation) {
        SwitchConnection c = active.get(dpid);
        if (c == null) {
            return java.util.concurrent.CompletableFuture.failedFuture(
                    new dev.weft.api.SwitchDisconnectedException(dpid));
        }
        return c.requestRole(role, generation);
    }

    @Override
    public void onChange(java.util.function.BiConsumer<DatapathId, SwitchRole> listener) {
        roleListeners.add(listener);
    }

    @Override
    public void onDemoted(java.util.function.BiConsumer<DatapathId, Long> listener) {
        demotionListeners.add(listener);
    }

    /** Lane: the switch made a connection a slave without being asked (another controller is master). */
    void demoted(SwitchConnection conn, long generation) {
        if (active.get(conn.id()) != conn) {
            return;
        }
        for (var l : demotionListeners) {
            try {
                l.accept(conn.id(), generation);
            } catch (RuntimeException e) {
                log.warn("{} demotion listener failed", conn.id(), e);
            }
        }
    }

    /** Lane: a connection's role changed on our side. */
    void roleChanged(SwitchConnection conn, SwitchRole role) {
        if (active.get(conn.id()) != conn) {
            return;
        }
        for (var l : roleListeners) {
            try {
                l.accept(conn.id(), role);
            } catch (RuntimeException e) {
                log.warn("{} role listener failed", conn.id(), e);
            }
        }
    }

    /** Lane: forget a connection that closed (unless a newer one already took its place). */
    void unregister(SwitchConnection conn) {
        if (active.remove(conn.id(), conn)) {
            refusalLog.remove(conn.id());
        }
        History h = history.get(conn.id());
        if (h != null) {
            h.closed(conn);
        }
    }
}
