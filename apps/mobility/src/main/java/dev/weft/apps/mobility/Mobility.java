package dev.weft.apps.mobility;

import dev.weft.api.App;
import dev.weft.api.AppContext;
import dev.weft.api.Disposition;
import dev.weft.api.Switch;
import dev.weft.api.event.ConfigChanged;
import dev.weft.api.event.HostMoved;
import dev.weft.api.event.InterfaceChanged;
import dev.weft.api.event.LogicalPortFlapping;
import dev.weft.api.event.LogicalPortMoved;
import dev.weft.api.event.PacketIn;
import dev.weft.api.event.PortStatusChanged;
import dev.weft.api.event.SwitchConnected;
import dev.weft.api.flow.FlowService;
import dev.weft.api.state.StateStore;
import dev.weft.api.tenant.Migration;
import dev.weft.apps.mobility.api.MobilityService;
import dev.weft.apps.mobility.api.PortCounters;
import dev.weft.api.packet.Arp;
import dev.weft.api.packet.Ethernet;
import dev.weft.api.tenant.Binding;
import dev.weft.api.tenant.LocationControl;
import dev.weft.api.tenant.LogicalPort;
import dev.weft.api.tenant.NetworkConfig;
import dev.weft.api.tenant.PortLocation;
import dev.weft.api.tenant.TenantService;
import org.projectfloodlight.openflow.protocol.OFPortDesc;
import org.projectfloodlight.openflow.protocol.OFPortReason;
import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * VM mobility: decides where every logical port is ({@link PortTracker}: interface, gratuitous
 * ARP/RARP, dual presence, damping), has the core relocate it (the tenant apps then recompile
 * that one network, and the reconciler sends the new hypervisor, the old one and every sender its
 * delta with a barrier), measures each migration from the message that revealed it to the last
 * barrier reply, keeps the port's counters across locations and the last migrations, and reports
 * each migration as a {@link LogicalPortMoved} event and one log line.
 *
 * <p>Hosts without a binding (learning-switch and forwarding worlds) are followed by the core's
 * host tracker and their apps; their moves are kept in the history too.
 *
 * <p>State of the tracker lives on the control lane; packet-ins are hopped there. This class takes
 * the inputs and carries out the tracker's decisions; {@link Migrations} measures and records what
 * follows a move, {@link Traps} and {@link PortCounterKeeper} do what their names say.
 */
public final class Mobility implements App, MobilityService {
    public static final String NAME = "mobility";
    private static final Logger log = LoggerFactory.getLogger(Mobility.class);
    private static final long HOP_THROTTLE_NANOS = 1_000_000;

    private AppContext ctx;
    private MobilityConfig cfg;
    private PortTracker tracker;
    private MigrationHistory history;
    private TenantService tenants;
    private LocationControl control;
    private FlowService flows;
    private AppContext.Cancellable ticker;
    private PortCounterKeeper counters;
    private Traps traps;
    private NodeNames names;
    private Migrations migrations;

    // Read on switch lanes (packet-ins), written on the control lane.
    private volatile Map<MacAddress, LogicalPort> byMac = Map.of();
    private volatile Map<String, Instant> dampedView = Map.of();
    private final Map<PortLocation, Long> lastHop = new ConcurrentHashMap<>();

    // Control lane.
    /** The frame that announced a port, sent on through the new location's pipeline once it is in place. */
    private final Map<String, PacketIn> replays = new HashMap<>();
    /** Per segment, the ports waiting at a second place (to tell who began and who stopped waiting). */
    private final Map<Integer, Set<String>> waiting = new HashMap<>();

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void start(AppContext ctx) {
        this.ctx = ctx;
        this.cfg = ctx.config(MobilityConfig.class);
        this.tenants = ctx.service(TenantService.class).orElse(null);
        this.names = new NodeNames(tenants);
        this.tracker = new PortTracker(cfg.flapMoves(), cfg.flapWindow(), cfg.flapHold(), names::where);
        StateStore state = ctx.service(StateStore.class).orElse(null);
        this.history = new MigrationHistory(cfg.history(), Journals.open(state, "migrations"));
        this.control = ctx.service(LocationControl.class).orElse(null);
        this.flows = ctx.service(FlowService.class).orElse(null);
        this.migrations = new Migrations(ctx, flows, tenants, history, names);
        this.counters = new PortCounterKeeper(ctx, tenants, Journals.open(state, "port-counters"));
        this.traps = new Traps(flows);
        if (tenants != null && control != null) {
            control.takeOver();
            ctx.on(InterfaceChanged.class, e -> {
                apply(tracker.interfaceChanged(e.port(), e.at(), e.present(),
                        new PortTracker.Seen(e.cause(), e.seenAt(), e.seenNanos(), e.seenOn())));
                return Disposition.CONTINUE;
            });
            ctx.on(ConfigChanged.class, e -> {
                configChanged(e.current());
                return Disposition.CONTINUE;
            });
            ctx.on(PacketIn.class, this::packetIn);
            ctx.on(PortStatusChanged.class, this::portStatus);
            ctx.on(SwitchConnected.class, this::switchConnected);
        }
        ctx.on(HostMoved.class, e -> {
            migrations.hostMoved(e);
            return Disposition.CONTINUE;
        });
        ctx.provide(MobilityService.class, this);
        Duration tick = cfg.flapHold().compareTo(Duration.ofSeconds(10)) < 0
                ? cfg.flapHold().dividedBy(4).plusMillis(1) : Duration.ofSeconds(1);
        ticker = ctx.schedule(tick, tick, () -> ctx.defer(this::tick));
        log.info("mobility on: {} moves within {} ms damp a port for {} ms; history of {}",
                cfg.flapMoves() == 0 ? "no damping," : cfg.flapMoves(), cfg.flapWindow().toMillis(),
                cfg.flapHold().toMillis(), cfg.history());
    }

    @Override
    public void stop() {
        if (ticker != null) {
            ticker.cancel();
        }
    }

    // ---- inputs ---------------------------------------------------------------------------------

    private void configChanged(NetworkConfig next) {
        Map<MacAddress, LogicalPort> macs = new HashMap<>();
        for (LogicalPort p : next.ports()) {
            if (p.binding() instanceof Binding.ByMac) {
                macs.put(p.mac(), p);
            }
        }
        byMac = Map.copyOf(macs);
        apply(tracker.configChanged(next));
        traps.setAnnouncements(next, !macs.isEmpty());
    }

    /** Switch lane: a trapped frame from a pending place, or a MAC-bound VM's announcement. */
    private Disposition packetIn(PacketIn e) {
        Map<PortLocation, LogicalPort> trapped = traps.index();
        Map<MacAddress, LogicalPort> macs = byMac;
        if (trapped.isEmpty() && macs.isEmpty()) {
            return Disposition.CONTINUE;
        }
        PortLocation at = new PortLocation(e.sw().id(), e.inPort());
        Ethernet f = e.frame();
        LogicalPort p = trapped.get(at);
        if (p != null) {
            if (!f.src().equals(p.mac())) {
                return Disposition.STOP;
            }
        } else {
            p = macs.get(f.src());
            if (p == null || !announcement(f, p) || !edge(e)) {
                return Disposition.CONTINUE;
            }
        }
        long nanos = System.nanoTime();
        Long prev = lastHop.put(at, nanos);
        if (prev != null && nanos - prev < HOP_THROTTLE_NANOS) {
            return Disposition.STOP; // a burst: the first one is on its way
        }
        Instant now = ctx.clock().instant();
        LogicalPort port = p;
        String how = describe(f) + " from " + p.mac() + " on " + names.where(at);
        String on = Thread.currentThread().getName();
        ctx.defer(() -> {
            List<PortTracker.Decision> ds = tracker.announced(port, at, new PortTracker.Seen(how, now, nanos, on));
            if (ds.stream().anyMatch(d -> d instanceof PortTracker.Locate l && l.to().equals(Optional.of(at)))) {
                replays.put(port.name(), e);
            }
            apply(ds);
        });
        return Disposition.STOP;
    }

    /** A gratuitous ARP, an ARP or a RARP that a VM sends as itself. */
    static boolean announcement(Ethernet f, LogicalPort p) {
        if (f.ethType().equals(TrapFlows.RARP)) {
            return f.src().equals(p.mac());
        }
        if (f.arp().isEmpty()) {
            return false;
        }
        Arp a = f.arp().get();
        return a.senderMac().equals(p.mac()) && f.src().equals(p.mac())
                && (p.ips().isEmpty() || p.ips().contains(a.senderIp()) || a.senderIp().equals(IPv4Address.NONE));
    }

    private boolean edge(PacketIn e) {
        if (tenants.config().node(e.sw().id()).isEmpty() || e.inPort().getPortNumber() < 0
                || e.inPort().equals(OFPort.LOCAL)) {
            return false;
        }
        return e.sw().port(e.inPort()).map(d -> !d.getName().startsWith("vx-")).orElse(false);
    }

    private static String describe(Ethernet f) {
        if (f.ethType().equals(TrapFlows.RARP)) {
            return "RARP";
        }
        if (f.arp().isPresent()) {
            return f.arp().get().isGratuitous() ? "gratuitous ARP" : "ARP";
        }
        return "first frame (" + (f.ipv4().isPresent() ? "IPv4" : f.ethType().toString()) + ")";
    }

    /** Switch lane: a deleted port no longer holds a MAC-bound port. */
    private Disposition portStatus(PortStatusChanged e) {
        if (e.reason() == OFPortReason.DELETE && !byMac.isEmpty()) {
            PortLocation at = new PortLocation(e.sw().id(), e.port().getPortNo());
            PortTracker.Seen seen = new PortTracker.Seen("port " + e.port().getName() + " deleted on " + names.where(at),
                    ctx.clock().instant(), System.nanoTime());
            ctx.defer(() -> apply(tracker.switchPortGone(at, seen)));
        }
        return Disposition.CONTINUE;
    }

    /** Switch lane: a switch that reconnects without a port a MAC-bound port was at. */
    private Disposition switchConnected(SwitchConnected e) {
        if (byMac.isEmpty()) {
            return Disposition.CONTINUE;
        }
        DatapathId dpid = e.sw().id();
        Set<OFPort> ports = e.sw().ports().stream().map(OFPortDesc::getPortNo).collect(Collectors.toSet());
        PortTracker.Seen seen = new PortTracker.Seen("switch " + dpid + " reconnected", ctx.clock().instant(),
                System.nanoTime());
        ctx.defer(() -> {
            for (LogicalPort p : byMac.values()) {
                tracker.located(p.name()).filter(l -> l.dpid().equals(dpid) && !ports.contains(l.port()))
                        .ifPresent(l -> apply(tracker.switchPortGone(l, seen)));
            }
        });
        return Disposition.CONTINUE;
    }

    private void tick() {
        if (!dampedView.isEmpty()) {
            apply(tracker.tick(ctx.clock().instant(), System.nanoTime()));
        }
    }

    // ---- decisions ------------------------------------------------------------------------------

    /** Control lane. */
    private void apply(List<PortTracker.Decision> decisions) {
        Set<Integer> segments = new HashSet<>();
        for (PortTracker.Decision d : decisions) {
            if (d instanceof PortTracker.Locate l) {
                locate(l);
            } else if (d instanceof PortTracker.Damped dm) {
                log.warn("logical port {} ({}/{}) is flapping (now also at {}): kept {} until {}", dm.port().name(),
                        dm.port().tenant(), dm.port().network(), names.where(dm.seenAt()),
                        dm.kept().map(k -> "at " + names.where(k)).orElse("nowhere"), dm.until());
                ctx.publish(new LogicalPortFlapping(dm.port(), dm.kept(), dm.seenAt(), dm.until()));
            } else if (d instanceof PortTracker.PendingChanged pc) {
                segments.add(pc.segment());
            }
        }
        for (int seg : segments) {
            refreshTraps(seg);
        }
        if (!decisions.isEmpty()) {
            dampedView = Map.copyOf(tracker.damped());
        }
    }

    private void locate(PortTracker.Locate l) {
        LogicalPort p = l.port();
        long decided = System.nanoTime();
        String decidedOn = Thread.currentThread().getName();
        // Read the counters of the place it leaves before its entries are deleted there.
        l.from().ifPresent(at -> counters.capture(p, at));
        control.locate(p, l.to(), l.seen().cause());
        migrations.located(l, replays.remove(p.name()), decided, decidedOn);
    }

    private void refreshTraps(int seg) {
        Map<PortLocation, LogicalPort> places = tracker.pendingOf(seg, tenants.config());
        traps.setPending(seg, places);
        Set<String> now = places.values().stream().map(LogicalPort::name).collect(Collectors.toSet());
        Set<String> before = waiting.getOrDefault(seg, Set.of());
        migrations.watching(places.values().stream().filter(p -> !before.contains(p.name())).distinct().toList());
        migrations.notWatching(before.stream().filter(n -> !now.contains(n)).toList());
        if (now.isEmpty()) {
            waiting.remove(seg);
        } else {
            waiting.put(seg, now);
        }
        if (!places.isEmpty()) {
            log.info("waiting for {} to announce itself at {}", places.values().stream().map(LogicalPort::name)
                    .distinct().collect(Collectors.joining(", ")), places.keySet().stream().map(names::where)
                    .collect(Collectors.joining(", ")));
        }
    }

    // ---- MobilityService ------------------------------------------------------------------------

    @Override
    public List<Migration> history() {
        return history.all();
    }

    @Override
    public Optional<Migration> last(String subject) {
        return history.last(subject);
    }

    @Override
    public CompletableFuture<PortCounters> counters(String port) {
        return counters.counters(port);
    }

    @Override
    public CompletableFuture<Map<String, PortCounters>> allCounters() {
        return counters.all();
    }

    @Override
    public Map<String, Instant> damped() {
        return dampedView;
    }

    @Override
    public Map<String, List<PortLocation>> pending() {
        return traps.pending();
    }

    @Override
    public boolean locatedByPeer(String port, PortLocation at, String cause, Instant seenAt) {
        if (tenants == null || control == null) {
            return false;
        }
        LogicalPort p = tenants.config().port(port).orElse(null);
        if (p == null || p.binding() instanceof Binding.Static || tenants.config().node(at.dpid()).isEmpty()) {
            return false; // not (or no longer) a port of ours that moves, or not a place it can be
        }
        if (p.binding() instanceof Binding.ByMac) {
            Optional<Switch> sw = ctx.switches().get(at.dpid());
            if (sw.isPresent() && sw.get().port(at.port()).isEmpty()) {
                log.info("logical port {}: a peer located it at {}, a port that is gone here; not followed",
                        port, names.where(at));
                return false;
            }
        }
        // Measured from the peer's observation (the clocks of a cluster's instances are assumed in step).
        Instant now = ctx.clock().instant();
        long ago = Math.max(0, Duration.between(seenAt, now).toNanos());
        PortTracker.Seen seen = new PortTracker.Seen(cause, seenAt.isAfter(now) ? now : seenAt, System.nanoTime() - ago);
        Optional<PortLocation> before = tenants.location(port);
        apply(tracker.reported(p, at, seen));
        return !before.equals(tenants.location(port));
    }
}
