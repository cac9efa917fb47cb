package dev.weft.core.topology;

import dev.weft.api.Disposition;
import dev.weft.api.Switch;
import dev.weft.api.SwitchService;
import dev.weft.api.event.NetworkEvent;
import dev.weft.api.event.PacketIn;
import dev.weft.api.event.PortStatusChanged;
import dev.weft.api.event.SwitchConnected;
import dev.weft.api.event.SwitchDisconnected;
import dev.weft.api.topology.Link;
import dev.weft.api.topology.SwitchPort;
import dev.weft.api.topology.Topology;
import dev.weft.api.topology.TopologyService;
import dev.weft.core.dispatch.AppHandle;
import dev.weft.core.dispatch.EventBus;
import dev.weft.core.dispatch.Lane;
import org.projectfloodlight.openflow.protocol.OFPacketOut;
import org.projectfloodlight.openflow.protocol.OFPortDesc;
import org.projectfloodlight.openflow.protocol.OFPortReason;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.OFBufferId;
import org.projectfloodlight.openflow.types.OFPort;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Link discovery and the topology service. Runs in the core, before every app (a negative place
 * in the handler chain):
 * <ul>
 *   <li>on switch connect, port up and every {@code probe-interval}, an LLDP probe
 *       ({@link LinkProbes}) goes out of every working port (a PACKET_OUT: the table-miss entry
 *       of OpenFlow 1.3, or the 1.0 miss behaviour, brings it back as a PACKET_IN);</li>
 *   <li>a PACKET_IN carrying LLDP is always consumed here (STOP), whether it is a valid probe
 *       (a link from the probe's port to the port it came in on), someone else's, or forged: no
 *       app ever sees LLDP;</li>
 *   <li>port down / delete and switch disconnect remove links at once; a link whose probes stop
 *       arriving for {@code link-timeout} expires.</li>
 * </ul>
 *
 * <p>Threads: the PACKET_IN / PORT_STATUS / connect handlers run on the switches' lanes and do
 * only what must be done there (send probes, check the LLDP frame); every change to the state
 * is handed to the control lane, which owns {@link TopologyState}, publishes a new immutable
 * {@link Topology} and then delivers LinkAdded / LinkRemoved through the event bus, in order.
 */
public final class TopologyManager implements TopologyService, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TopologyManager.class);
    /** Before the host tracker and every app. */
    public static final int CHAIN_ORDER = -20;

    private final TopologySettings settings;
    private final Lane control;
    private final EventBus bus;
    private final SwitchService switches;
    private final Clock clock;
    private final dev.weft.core.dispatch.Timers timer;
    private final LinkProbes probes;
    private final AppHandle handle = new AppHandle("core.topology", CHAIN_ORDER);
    // Control lane only.
    private final TopologyState state;
    private Instant settleScheduledFor;
    private final java.util.concurrent.ConcurrentLinkedQueue<java.util.function.Supplier<TopologyState.Result>> pending =
            new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final java.util.concurrent.atomic.AtomicBoolean drainQueued = new java.util.concurrent.atomic.AtomicBoolean();
    /**
     * A batch waits until the previous one is this many times its own duration past: applying
     * changes and rebuilding the snapshot then take at most about a tenth of the control lane.
     * When a thousand switches connect one after another, each connect used to find the lane idle
     * and rebuild the whole snapshot for itself (a thousand rebuilds of up to a thousand switches
     * during the ramp, on a lane the dispatch threads share the cores with); now the connects that
     * arrive while a batch waits are applied together.
     */
    static final int BATCH_SPACING = 10;
    /** However slow a batch was, the next waits at most this long. */
    static final long MAX_BATCH_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
    private final java.util.function.LongSupplier nanoClock;
    // Control lane only.
    private long lastBatchEndNanos;
    private long batchWaitNanos;
    /** Snapshots built (for tests and diagnostics). */
    private final LongAdder rebuilds = new LongAdder();

    private volatile Topology current = TopologySnapshot.empty();
    private dev.weft.api.AppContext.Cancellable ticker;

    private final LongAdder probesSent = new LongAdder();
    /** Switches not to probe (hypervisors' integration bridges: their fabric is the tunnels). */
    private volatile java.util.function.Predicate<org.projectfloodlight.openflow.types.DatapathId> skip = d -> false;
    private final LongAdder probesValid = new LongAdder();
    private final Map<LinkProbes.Rejection, LongAdder> rejected = new EnumMap<>(LinkProbes.Rejection.class);
    private volatile long lastRejectLogNanos;

    public TopologyManager(TopologySettings settings, Lane control, EventBus bus, SwitchService switches, Clock clock,
                           dev.weft.core.dispatch.Timers timer, LinkProbes probes) {
        this(settings, control, bus, switches, clock, timer, probes, System::nanoTime);
    }

    TopologyManager(TopologySettings settings, Lane control, EventBus bus, SwitchService switches, Clock clock,
                    dev.weft.core.dispatch.Timers timer, LinkProbes probes, java.util.function.LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
        this.settings = settings;
        this.control = control;
        this.bus = bus;
        this.switches = switches;
        this.clock = clock;
        this.timer = timer;
        this.probes = probes;
        this.state = new TopologyState(settings);
        for (LinkProbes.Rejection r : LinkProbes.Rejection.values()) {
            rejected.put(r, new LongAdder());
        }
    }

    /** Subscribe to the switches' events and start the probe timer. Call before apps start. */
    public void start() {
        bus.subscribe(handle, SwitchConnected.class, this::connected);
        bus.subscribe(handle, SwitchDisconnected.class, this::disconnected);
        bus.subscribe(handle, PortStatusChanged.class, this::portStatus);
        bus.subscribe(handle, PacketIn.class, this::packetIn);
        long period = settings.probeInterval().toNanos();
        ticker = timer.every(java.time.Duration.ofNanos(period), java.time.Duration.ofNanos(period), this::tick);
        log.info("topology discovery {} (controller id {}, probe every {} ms, links expire after {} ms, edge grace {} ms)",
                settings.discovery() ? "on" : "off", probes.controllerId(), settings.probeInterval().toMillis(),
                settings.linkTimeout().toMillis(), settings.edgeGrace().toMillis());
    }

    private static String describe(dev.weft.api.event.LinkRemoved.Reason r) {
        return switch (r) {
            case PORT_DOWN -> "a port at one end went down";
            case PORT_DELETED -> "a port at one end was deleted";
            case SWITCH_DISCONNECTED -> "a switch at one end disconnected";
            case EXPIRED -> "its probes stopped arriving";
        };
    }

    @Override
    public Topology current() {
        return current;
    }

    public TopologySettings settings() {
        return settings;
    }

    /** The chain position of the core's discovery handlers (for diagnostics). */
    public AppHandle handle() {
        return handle;
    }

    /** How many times the snapshot was rebuilt since the start (one per batch of changes that changed it). */
    public long snapshotRebuilds() {
        return rebuilds.sum();
    }

    public long probesSent() {
        return probesSent.sum();
    }

    public long probesReceived() {
        return probesValid.sum();
    }

    public long probesRejected(LinkProbes.Rejection why) {
        return rejected.get(why).sum();
    }

    @Override
    public void close() {
        if (ticker != null) {
            ticker.cancel();
        }
    }

    // ---- switch lanes ----------------------------------------------------------------------

    private Disposition connected(SwitchConnected e) {
        Switch sw = e.sw();
        Instant now = clock.instant();
        List<OFPortDesc> ports = List.copyOf(sw.ports());
        submit(() -> state.switchUp(sw.id(), ports, now));
        probeAll(sw);
        return Disposition.CONTINUE;
    }

    private Disposition disconnected(SwitchDisconnected e) {
        Instant now = clock.instant();
        submit(() -> state.switchDown(e.sw().id(), now));
        return Disposition.CONTINUE;
    }

    private Disposition portStatus(PortStatusChanged e) {
        Instant now = clock.instant();
        boolean deleted = e.reason() == OFPortReason.DELETE;
        OFPortDesc p = e.port();
        // Queued on the control lane: the tenant service has already handled a VM's port on this
        // thread (it subscribes before this), and a rebuild run here would hold back the flush of
        // the batch that move wrote for this switch until the read completes.
        submit(() -> state.portChanged(e.sw().id(), p, deleted, now));
        if (!deleted && TopologyState.isWorking(p)) {
            probe(e.sw(), p);
        }
        return Disposition.CONTINUE;
    }

    private Disposition packetIn(PacketIn e) {
        if (e.frame().ethType().getValue() != LinkProbes.ETH_TYPE) {
            return Disposition.CONTINUE;
        }
        if (!settings.discovery()) {
            return Disposition.STOP;
        }
        long nowMillis = clock.millis();
        LinkProbes.Check c = probes.check(e.message().getData(), e.frame().payloadOffset(), nowMillis,
                settings.linkTimeout());
        if (!c.valid()) {
            rejected.get(c.rejection()).increment();
            long t = System.nanoTime();
            if (t - lastRejectLogNanos > 10_000_000_000L) {
                lastRejectLogNanos = t;
                log.info("{} LLDP on port {} from {} ignored: {} (further rejections logged at most every 10 s)",
                        e.sw().id(), e.inPort(), e.frame().src(), c.rejection());
            }
            return Disposition.STOP;
        }
        probesValid.increment();
        Link link = new Link(c.origin(), new SwitchPort(e.sw().id(), e.inPort()));
        Instant now = Instant.ofEpochMilli(nowMillis);
        submit(() -> state.linkSeen(link, now));
        return Disposition.STOP;
    }

    /** Switch lane (or any thread: send hops to the lane). */
    private void probeAll(Switch sw) {
        if (!settings.discovery()) {
            return;
        }
        for (OFPortDesc p : sw.ports()) {
            if (TopologyState.isWorking(p)) {
                probe(sw, p);
            }
        }
    }

    /**
     * Do not send probes to these switches: a hypervisor's integration bridge has VM ports and
     * tunnels, no cables to discover, and its VMs must not receive the controller's frames.
     */
    public void skipProbing(java.util.function.Predicate<org.projectfloodlight.openflow.types.DatapathId> which) {
        this.skip = which;
    }

    private void probe(Switch sw, OFPortDesc p) {
        if (!settings.discovery() || !sw.isConnected() || skip.test(sw.id())) {
            return;
        }
        byte[] frame = probes.encode(sw.id(), p.getPortNo(), p.getHwAddr(), clock.millis());
        OFPacketOut.Builder b = sw.factory().buildPacketOut()
                .setBufferId(OFBufferId.NO_BUFFER)
                .setActions(List.of(sw.factory().actions().output(p.getPortNo(), 0xffff)))
                .setData(frame);
        if (sw.version().compareTo(OFVersion.OF_15) < 0) {
            b.setInPort(OFPort.CONTROLLER);
        } else {
            b.setMatch(sw.factory().buildMatch().setExact(MatchField.IN_PORT, OFPort.CONTROLLER).build());
        }
        sw.send(b.build());
        probesSent.increment();
    }

    // ---- control lane ----------------------------------------------------------------------

    private void tick() {
        for (Switch sw : switches.all()) {
            sw.execute(() -> probeAll(sw));
        }
        submit(() -> state.tick(clock.instant()));
    }

    /**
     * Queue a change to the state. Changes are applied on the control lane in the order they
     * were queued, in batches: everything queued while the lane was busy, or while the batch
     * waited for its turn ({@link #BATCH_SPACING}), is applied at once and the snapshot is rebuilt
     * once per batch (a network of a thousand switches connecting would otherwise rebuild it once
     * per switch and per link), before the batch's events are delivered.
     */
    private void submit(java.util.function.Supplier<TopologyState.Result> change) {
        pending.add(change);
        if (drainQueued.compareAndSet(false, true)) {
            control.execute(this::drainInTurn);
        }
    }

    /** Control lane: drain now, or when the previous batch is far enough behind. */
    private void drainInTurn() {
        long wait = lastBatchEndNanos + batchWaitNanos - nanoClock.getAsLong();
        if (wait > 0) {
            control.schedule(this::drain, wait, TimeUnit.NANOSECONDS);
        } else {
            drain();
        }
    }

    /** Control lane. */
    private void drain() {
        long start = nanoClock.getAsLong();
        try {
            drainNow();
        } finally {
            lastBatchEndNanos = nanoClock.getAsLong();
            batchWaitNanos = Math.min(MAX_BATCH_WAIT_NANOS, (lastBatchEndNanos - start) * BATCH_SPACING);
        }
    }

    private void drainNow() {
        drainQueued.set(false);
        List<NetworkEvent> events = new ArrayList<>();
        List<SwitchPort> probe = new ArrayList<>();
        java.util.function.Supplier<TopologyState.Result> change;
        while ((change = pending.poll()) != null) {
            TopologyState.Result r = change.get();
            events.addAll(r.events());
            probe.addAll(r.probe());
        }
        Topology before = current;
        Topology t = state.snapshot();
        if (t != before) {
            rebuilds.increment();
            current = t;
            log.debug("topology now {}", t);
        }
        for (NetworkEvent ev : events) {
            if (ev instanceof dev.weft.api.event.LinkRemoved r) {
                log.info("link {} is gone ({})", r.link(), describe(r.reason()));
            } else if (ev instanceof dev.weft.api.event.LinkAdded a) {
                log.debug("link {} discovered", a.link());
            } else {
                log.debug("{}", ev);
            }
            bus.dispatch(ev);
        }
        for (SwitchPort p : probe) {
            switches.get(p.dpid()).ifPresent(sw -> sw.execute(() -> sw.port(p.port()).ifPresent(d -> probe(sw, d))));
        }
        scheduleSettle(clock.instant());
    }

    private void scheduleSettle(Instant now) {
        state.nextSettle().ifPresent(at -> {
            if (settleScheduledFor != null && !settleScheduledFor.isAfter(at) && settleScheduledFor.isAfter(now)) {
                return;
            }
            settleScheduledFor = at;
            long delay = Math.max(0, at.toEpochMilli() - now.toEpochMilli()) + 1;
            control.schedule(() -> {
                settleScheduledFor = null;
                submit(() -> state.tick(clock.instant()));
            }, delay, TimeUnit.MILLISECONDS);
        });
    }
}
