package dev.weft.core.hosts;

import dev.weft.api.Disposition;
import dev.weft.api.event.HostAdded;
import dev.weft.api.event.HostFlapping;
import dev.weft.api.event.HostMoved;
import dev.weft.api.event.HostRemoved;
import dev.weft.api.event.LinkAdded;
import dev.weft.api.event.NetworkEvent;
import dev.weft.api.event.PacketIn;
import dev.weft.api.host.Host;
import dev.weft.api.host.HostService;
import dev.weft.api.packet.Arp;
import dev.weft.api.packet.Ethernet;
import dev.weft.api.topology.PortRole;
import dev.weft.api.topology.SwitchPort;
import dev.weft.api.topology.TopologyService;
import dev.weft.core.dispatch.AppHandle;
import dev.weft.core.dispatch.EventBus;
import dev.weft.core.dispatch.Lane;
import dev.weft.core.topology.TopologyState;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.VlanVid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.Optional;

/**
 * Host tracking, in the core, after discovery and before every app: every PACKET_IN that came in
 * on an edge port (or a port still pending, so that a VM that just migrated is found at once)
 * teaches where its source MAC is. Never on inter-switch ports; hosts learned at a port that then
 * turns out to lead to another switch are forgotten when the link is discovered. Never STOPs
 * the chain.
 *
 * <p>Host events are delivered on the control lane, in the order the changes were made, handed
 * over in bursts ({@link dev.weft.core.dispatch.LaneHandOff}).
 */
public final class HostTracker implements HostService, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HostTracker.class);
    /** After discovery, before every app. */
    public static final int CHAIN_ORDER = -10;

    private final HostSettings settings;
    private final TopologyService topology;
    private final EventBus bus;
    private final Clock clock;
    /** Control lane only: moves and flaps are logged at most 20 per 10 s (hosts decide how many there are). */
    private final LogBudget moveLog = new LogBudget(20, 10_000);
    private final dev.weft.core.dispatch.Timers timer;
    private final HostTable table;
    private final dev.weft.core.dispatch.LaneHandOff<NetworkEvent> toControl;
    private final AppHandle handle = new AppHandle("core.hosts", CHAIN_ORDER);
    private dev.weft.api.AppContext.Cancellable aging;
    private dev.weft.api.AppContext.Cancellable ticking;
    /** The time for the per-packet path, refreshed every {@link #COARSE_MILLIS} ms. */
    private volatile long coarseNow;
    static final long COARSE_MILLIS = 250;

    public HostTracker(HostSettings settings, TopologyService topology, Lane control, EventBus bus, Clock clock,
                       dev.weft.core.dispatch.Timers timer) {
        this.settings = settings;
        this.topology = topology;
        this.bus = bus;
        this.clock = clock;
        this.timer = timer;
        // One control-lane task per burst of changes, not one per new host (a wake-up of the
        // control thread per packet-in while hosts are learned); still delivered in order.
        this.toControl = new dev.weft.core.dispatch.LaneHandOff<>(control, this::deliver);
        this.table = new HostTable(settings, this::changed, clock::millis);
        this.coarseNow = clock.millis();
    }

    public void start() {
        bus.subscribe(handle, PacketIn.class, this::packetIn);
        bus.subscribe(handle, LinkAdded.class, e -> {
            table.removeAt(e.link().src(), HostRemoved.Reason.INTER_SWITCH_PORT);
            table.removeAt(e.link().dst(), HostRemoved.Reason.INTER_SWITCH_PORT);
            return Disposition.CONTINUE;
        });
        long period = Math.max(1_000, Math.min(settings.timeout().toMillis() / 10, 30_000));
        aging = timer.every(java.time.Duration.ofMillis(period), java.time.Duration.ofMillis(period), () -> table.age(clock.millis()));
        ticking = timer.every(java.time.Duration.ofMillis(COARSE_MILLIS), java.time.Duration.ofMillis(COARSE_MILLIS),
                () -> coarseNow = clock.millis());
        log.info("host tracking on (hosts forgotten after {} s unseen, at most {}; {} moves within {} ms damp a host "
                        + "for {} ms)", settings.timeout().toSeconds(), settings.max(), settings.flapMoves(),
                settings.flapWindow().toMillis(), settings.flapHold().toMillis());
    }

    /**
     * Any lane (under the table's lock): a change to hand to the control lane. A new host that no
     * app or observer subscribes to, and that would not be logged, is not handed over at all:
     * a learning switch alone learns a host per packet-in from a new MAC, and each hand-off is
     * work on another thread for nothing. Moves and flaps are always handed over (they are logged).
     */
    void changed(NetworkEvent ev) {
        if (ev instanceof HostAdded && !log.isDebugEnabled() && !bus.hasSubscribers(HostAdded.class)) {
            return;
        }
        toControl.offer(ev);
    }

    private void deliver(NetworkEvent ev) {
        if (ev instanceof HostFlapping f) {
            if (moveLog.take(clock.millis())) {
                log.warn("host {} is flapping (now also seen at {}): kept at {} until {}{}", f.host().mac(), f.seenAt(),
                        f.host().location(), f.dampedUntil(), notLogged());
            }
        } else if (ev instanceof HostMoved m) {
            if (moveLog.take(clock.millis())) {
                log.info("host {} moved from {} to {}{}", m.host().mac(), m.previous(), m.host().location(),
                        notLogged());
            }
        } else {
            log.debug("{}", ev);
        }
        bus.dispatch(ev);
    }

    private String notLogged() {
        long n = moveLog.skippedBefore();
        return n == 0 ? "" : " (" + n + " more moves or flaps not logged before this one)";
    }

    private Disposition packetIn(PacketIn e) {
        Ethernet f = e.frame();
        MacAddress src = f.src();
        if (Ethernet.isGroup(src) || src.getLong() == 0) {
            return Disposition.CONTINUE;
        }
        PortRole role = topology.current().role(e.sw().id(), e.inPort());
        if (role == PortRole.NONE) {
            // A port the switch has just reported (PORT_STATUS ADD in the same batch) may not be
            // in the topology snapshot yet: the control lane publishes it a moment later. The
            // switch's own port table is current on this lane; such a port is pending.
            if (!e.sw().port(e.inPort()).filter(TopologyState::isWorking).isPresent()) {
                return Disposition.CONTINUE;
            }
        } else if (role != PortRole.EDGE && role != PortRole.PENDING) {
            return Disposition.CONTINUE;
        }
        table.observe(src, f.vlan().orElse(VlanVid.ZERO), e.sw().id(), e.inPort(), senderIpBits(f), coarseNow);
        return Disposition.CONTINUE;
    }

    /** The sender's own IPv4 address, when the frame shows one. */
    static IPv4Address senderIp(Ethernet f) {
        int ip = senderIpBits(f);
        return ip == 0 ? null : IPv4Address.of(ip);
    }

    /**
     * {@link #senderIp}'s 32 bits, 0 for none (0.0.0.0 is never a host's address), without
     * making an address object per packet-in.
     */
    static int senderIpBits(Ethernet f) {
        int v;
        if (f.arp().isPresent()) {
            Arp a = f.arp().get();
            if (!a.senderMac().equals(f.src())) {
                return 0;
            }
            v = a.senderIp().getInt();
        } else if (f.ipv4().isPresent()) {
            v = f.ipv4().get().srcInt();
        } else {
            return 0;
        }
        // 0.0.0.0 (DHCP), 255.255.255.255, multicast, loopback: not a host's address.
        if (v == -1 || (v >>> 28) == 0xe || (v >>> 24) == 127) {
            return 0;
        }
        return v;
    }

    // ---- HostService -------------------------------------------------------------------------

    @Override
    public Optional<Host> get(MacAddress mac, VlanVid vlan) {
        return table.get(mac, vlan);
    }

    @Override
    public Collection<Host> all() {
        return table.all();
    }

    @Override
    public Collection<Host> at(SwitchPort location) {
        return table.all().stream().filter(h -> h.location().equals(location)).toList();
    }

    @Override
    public Collection<Host> byIp(IPv4Address ip) {
        return table.all().stream().filter(h -> h.ips().contains(ip)).toList();
    }

    public int size() {
        return table.size();
    }

    public HostSettings settings() {
        return settings;
    }

    /** Forget hosts not seen within the timeout now (the timer does it periodically). */
    public void ageNow() {
        table.age(clock.millis());
    }

    public Duration agingPeriod() {
        return Duration.ofMillis(Math.max(1_000, Math.min(settings.timeout().toMillis() / 10, 30_000)));
    }

    @Override
    public void close() {
        if (aging != null) {
            aging.cancel();
            ticking.cancel();
        }
    }
}
