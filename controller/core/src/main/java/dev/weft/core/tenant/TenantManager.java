package dev.weft.core.tenant;

import dev.weft.api.Disposition;
import dev.weft.api.Switch;
import dev.weft.api.event.ConfigChanged;
import dev.weft.api.event.InterfaceChanged;
import dev.weft.api.event.LogicalPortLocated;
import dev.weft.api.event.PortStatusChanged;
import dev.weft.api.event.SwitchConnected;
import dev.weft.api.event.SwitchDisconnected;
import dev.weft.api.event.TransportNodeChanged;
import dev.weft.api.tenant.Binding;
import dev.weft.api.tenant.LocationControl;
import dev.weft.api.tenant.LogicalPort;
import dev.weft.api.tenant.NetworkConfig;
import dev.weft.api.tenant.PortLocation;
import dev.weft.api.tenant.TenantService;
import dev.weft.api.tenant.TransportNode;
import dev.weft.core.dispatch.AppHandle;
import dev.weft.core.dispatch.EventBus;
import dev.weft.core.dispatch.Lane;
import dev.weft.core.topology.TopologyManager;
import org.projectfloodlight.openflow.protocol.OFPortDesc;
import org.projectfloodlight.openflow.protocol.OFPortReason;
import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.OFPort;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The tenant configuration in force and where every logical port is. It watches the switches
 * (port names on transport nodes bind logical ports by interface; static bindings by switch and
 * port number) and the tunnel ports ({@code vx-<node>}) of each transport node, and announces
 * changes on the control lane: {@link ConfigChanged}, {@link InterfaceChanged},
 * {@link LogicalPortLocated}, {@link TransportNodeChanged}. All state lives on the control lane;
 * switch events are hopped onto it, with the time they arrived.
 *
 * <p>Who decides locations: by default the core (an interface-bound port is where a port with its
 * name was last added, nowhere once that port is deleted). An app that {@link LocationControl
 * takes over} (the mobility app) decides for interface- and MAC-bound ports from the
 * {@link InterfaceChanged} reports and its own observations; static bindings stay here.
 *
 * <p>A transport node (or a switch with statically bound ports) that disconnects keeps its ports'
 * locations (with fail-secure it keeps forwarding); when it reconnects, its port list is compared
 * with what was known, and what changed is reported. Any other switch is forgotten when it goes:
 * what is kept is bounded by the configuration, not by how many datapath ids ever connected.
 *
 * <p>Its parts: {@link PortLocator} (the locations and who decides them) and {@link TransportPorts}
 * (tunnel and uplink ports of the transport nodes).
 */
public final class TenantManager implements TenantService {
    private static final Logger log = LoggerFactory.getLogger(TenantManager.class);
    public static final String TUNNEL_PREFIX = "vx-";

    private final Lane control;
    private final EventBus bus;
    private final Clock clock;
    private final PortLocator locator;
    private final TransportPorts transport = new TransportPorts();

    // Published snapshot (read from any thread).
    private volatile NetworkConfig config = NetworkConfig.empty();

    // Control-lane state: what each switch last told us, by port name.
    private final Map<DatapathId, Map<String, OFPort>> portsBySwitch = new HashMap<>();
    /** The connection each connected switch has now (a takeover replaces it). */
    private final Map<DatapathId, Switch> connected = new HashMap<>();
    /** What the nodes' OVSDBs say of interfaces with an iface-id. */
    private final IfaceIds ifaceIds = new IfaceIds();
    /** The ports of the configuration bound statically (few; not worth a scan of every port). */
    private List<LogicalPort> staticPorts = List.of();
    private final CompletableFuture<Void> allNodesReported = new CompletableFuture<>();

    public TenantManager(Lane control, EventBus bus) {
        this(control, bus, Clock.systemUTC());
    }

    public TenantManager(Lane control, EventBus bus, Clock clock) {
        this.control = control;
        this.bus = bus;
        this.clock = clock;
        this.locator = new PortLocator(control, bus, () -> config);
    }

    /**
     * Completes (on the control lane, after the events it caused were handled) once every transport
     * node of the configuration in force at start has connected and reported its ports.
     */
    public CompletableFuture<Void> allNodesReported() {
        return allNodesReported;
    }

    private void checkAllReported() {
        if (!allNodesReported.isDone()
                && config.transportNodes().stream().allMatch(n -> portsBySwitch.containsKey(n.dpid()))) {
            // Queued behind what the apps deferred while handling this batch's events.
            control.execute(() -> allNodesReported.complete(null));
        }
    }

    /** The service an app uses to decide locations itself. */
    public LocationControl locationControl() {
        return locator.locationControl();
    }

    /** Whether an app decides the locations of interface- and MAC-bound ports. */
    public boolean delegated() {
        return locator.delegated();
    }

    /** Watch switches: runs before the apps (negative chain order). */
    public void subscribe() {
        AppHandle me = new AppHandle("core:tenants", -10);
        bus.subscribe(me, SwitchConnected.class, e -> {
            long nanos = System.nanoTime();
            Instant at = clock.instant();
            Switch sw = e.sw();
            Map<String, OFPort> ports = portMap(sw);
            control.execute(() -> {
                connected.put(sw.id(), sw);
                switchPorts(sw.id(), ports, new Seen("switch connected", at, nanos));
            });
            return Disposition.CONTINUE;
        });
        bus.subscribe(me, SwitchDisconnected.class, e -> {
            Switch sw = e.sw();
            control.execute(() -> {
                if (connected.remove(sw.id(), sw)) { // not a newer connection's takeover
                    forgetUnlessNeeded(sw.id());
                }
            });
            return Disposition.CONTINUE;
        });
        // Before the topology service's bookkeeping of the same port (its snapshot rebuild took
        // 0.6-10 ms on the testbed, ahead of the move on the thread that read the report): a VM's
        // port is placed, compiled and written first; the topology takes it in afterwards.
        AppHandle ports = new AppHandle("core:tenants:ports", TopologyManager.CHAIN_ORDER - 1);
        bus.subscribe(ports, PortStatusChanged.class, e -> {
            long nanos = System.nanoTime();
            Instant at = clock.instant();
            DatapathId dpid = e.sw().id();
            OFPortDesc p = e.port();
            boolean gone = e.reason() == OFPortReason.DELETE;
            String on = Thread.currentThread().getName();
            Runnable change = () -> portChanged(dpid, p.getName(), p.getPortNo(), gone, at, nanos, on, "");
            if (p.getName().startsWith(TUNNEL_PREFIX)) {
                control.execute(change);
            } else {
                // A port that may be a VM's came or went: decided, compiled and written on this
                // thread unless another runs the control lane's work now (no wait for another
                // thread to get a CPU).
                control.runHere(change);
            }
            return Disposition.CONTINUE;
        });
    }

    /** What showed a change, when it arrived and which thread read it. */
    private record Seen(String cause, Instant at, long nanos, String on) {
        Seen(String cause, Instant at, long nanos) {
            this(cause, at, nanos, "");
        }
    }

    private static Map<String, OFPort> portMap(Switch sw) {
        Map<String, OFPort> m = new HashMap<>();
        for (OFPortDesc p : sw.ports()) {
            m.put(p.getName(), p.getPortNo());
        }
        return m;
    }

    @Override
    public NetworkConfig config() {
        return config;
    }

    @Override
    public Map<String, PortLocation> locations() {
        return locator.locations();
    }

    @Override
    public Optional<PortLocation> location(String portName) {
        return Optional.ofNullable(locator.locations().get(portName));
    }

    /** The tunnel ports of a transport node, by remote node name (from its {@code vx-} ports). */
    public Map<String, OFPort> tunnelPorts(DatapathId dpid) {
        return transport.tunnelPorts(dpid);
    }

    @Override
    public Optional<OFPort> flowTunnelPort(DatapathId dpid) {
        return transport.flowTunnelPort(dpid);
    }

    /**
     * What a transport node's OVSDB reported (any thread): the interface {@code name}, with
     * {@code external_ids:iface-id} {@code ifaceId} if it has one, has OpenFlow port {@code ofport}
     * now ({@code present}) or no longer. By name it counts as PORT_STATUS does, while the switch
     * is connected (whichever of the two arrives first moves the port; the other changes nothing);
     * by iface-id it locates the ports bound {@code { iface-id: true }}.
     */
    public void interfaceReported(DatapathId dpid, String name, Optional<String> ifaceId, OFPort ofport,
                                  boolean present, Instant at, long nanos) {
        interfaceReported(dpid, name, ifaceId, ofport, present, at, nanos, false);
    }

    /**
     * As above; {@code few}: one of few changes (a VM plugged or unplugged): acted on at once on the
     * calling thread unless another runs the control lane's work now ({@link Lane#runHere}).
     */
    public void interfaceReported(DatapathId dpid, String name, Optional<String> ifaceId, OFPort ofport,
                                  boolean present, Instant at, long nanos, boolean few) {
        String on = Thread.currentThread().getName();
        onControl(few, () -> {
            if (config.node(dpid).isEmpty()) {
                return;
            }
            if (connected.containsKey(dpid)) {
                portChanged(dpid, name, ofport, !present, at, nanos, on, " (OVSDB)");
            }
            ifaceId.ifPresent(id -> ifaceIdAt(dpid, id, ofport, present, new Seen("interface " + name
                    + " (iface-id " + id + ")" + (present ? " added on " : " deleted on ") + nodeName(dpid)
                    + " (OVSDB)", at, nanos, on)));
        });
    }

    /**
     * A node's OVSDB says, as soon as the row is there (any thread), that interface {@code name} has
     * iface-id {@code ifaceId} (empty: no longer): its PORT_STATUS will locate the port, or did.
     */
    public void interfaceNamed(DatapathId dpid, String name, Optional<String> ifaceId, Instant at, long nanos) {
        interfaceNamed(dpid, name, ifaceId, at, nanos, false);
    }

    /** As above; {@code few}: as for {@link #interfaceReported}. */
    public void interfaceNamed(DatapathId dpid, String name, Optional<String> ifaceId, Instant at, long nanos,
                               boolean few) {
        String on = Thread.currentThread().getName();
        onControl(few, () -> {
            if (config.node(dpid).isEmpty() || !ifaceIds.named(dpid, name, ifaceId) || !connected.containsKey(dpid)) {
                return;
            }
            OFPort no = portsBySwitch.getOrDefault(dpid, Map.of()).get(name);
            if (no != null) {
                ifaceIdAt(dpid, ifaceId.get(), no, true, new Seen("interface " + name + " (iface-id " + ifaceId.get()
                        + ") added on " + nodeName(dpid) + " (OVSDB, after PORT_STATUS)", at, nanos, on));
            }
        });
    }

    private void onControl(boolean urgent, Runnable r) {
        if (urgent) {
            control.runHere(r);
        } else {
            control.execute(r);
        }
    }

    /** The interface with iface-id {@code id} is at (or gone from) {@code ofport}: locate its port if that is new. */
    private void ifaceIdAt(DatapathId dpid, String id, OFPort ofport, boolean present, Seen seen) {
        if (ifaceIds.at(dpid, id, ofport, present)) { // else the other of PORT_STATUS and the OVSDB report came first
            boundById(dpid, id, ofport, present, seen);
        }
    }

    private void boundById(DatapathId dpid, String id, OFPort no, boolean present, Seen seen) {
        config.port(id).filter(p -> p.binding() instanceof Binding.IfaceId)
                .ifPresent(lp -> report(lp, new PortLocation(dpid, no), present, seen));
    }

    @Override
    public Map<String, OFPort> uplinkPorts() {
        return transport.uplinks();
    }

    /** Put a new (validated) configuration in force. Any thread; applied on the control lane. */
    public void apply(NetworkConfig next) {
        control.execute(() -> applyNow(next));
    }

    private void applyNow(NetworkConfig next) {
        NetworkConfig prev = config;
        Set<Integer> changed = ConfigDiff.changedSegments(prev, next);
        boolean nodesChanged = !prev.transportNodes().equals(next.transportNodes());
        config = next;
        staticPorts = next.ports().stream().filter(p -> p.binding() instanceof Binding.Static).toList();
        // Ports that no longer exist, or are recognised differently now, are no longer anywhere
        // (the networks they were in changed, so they are recompiled anyway).
        locator.forget(name -> next.port(name)
                .map(p -> !p.binding().equals(prev.port(name).map(LogicalPort::binding).orElse(null)))
                .orElse(true));
        transport.recomputeTunnels(next, portsBySwitch);
        transport.recomputeUplinks(next, portsBySwitch);
        ifaceIds.retain(d -> next.node(d).isPresent());
        log.info("config in force: {} ({} network(s) changed{})", next, changed.size(),
                nodesChanged ? ", transport nodes changed" : "");
        bus.dispatch(new ConfigChanged(prev, next, changed, nodesChanged));
        checkAllReported();
        // Bindings may have changed: report and locate every port again from what the switches showed.
        Seen seen = new Seen("configuration changed", clock.instant(), System.nanoTime());
        for (var e : portsBySwitch.entrySet()) {
            for (var p : e.getValue().entrySet()) {
                bound(e.getKey(), p.getKey(), p.getValue(), true, seen);
            }
            locateStatic(e.getKey(), seen.cause());
        }
        ifaceIds.forEach((d, id, no) -> boundById(d, id, no, true, seen));
        for (TransportNode n : next.transportNodes()) {
            if (!prev.transportNodes().contains(n) && portsBySwitch.containsKey(n.dpid())) {
                bus.dispatch(new TransportNodeChanged(n, tunnelPorts(n.dpid())));
            }
        }
        // Switches that are gone and no longer in the configuration are forgotten now.
        List.copyOf(portsBySwitch.keySet()).forEach(this::forgetUnlessNeeded);
    }

    /** For tests: how many switches' ports are remembered (connected or needed by the config). */
    public CompletableFuture<Integer> rememberedSwitches() {
        CompletableFuture<Integer> f = new CompletableFuture<>();
        control.execute(() -> f.complete(portsBySwitch.size()));
        return f;
    }

    /** Drop a disconnected switch's ports unless the configuration needs them after a reconnect. */
    private void forgetUnlessNeeded(DatapathId dpid) {
        if (connected.containsKey(dpid) || config.node(dpid).isPresent()) {
            return;
        }
        for (LogicalPort p : staticPorts) {
            if (p.binding() instanceof Binding.Static s && s.dpid().equals(dpid)) {
                return;
            }
        }
        portsBySwitch.remove(dpid);
    }

    private void switchPorts(DatapathId dpid, Map<String, OFPort> ports, Seen seen) {
        Map<String, OFPort> before = portsBySwitch.put(dpid, new HashMap<>(ports));
        // What changed since the switch last reported (nothing is known at its first report: no
        // interface-bound port can be located there yet). Static bindings are located below.
        if (before != null) {
            for (var e : before.entrySet()) {
                if (!e.getValue().equals(ports.get(e.getKey()))) {
                    bound(dpid, e.getKey(), e.getValue(), false,
                            new Seen("port " + e.getKey() + " no longer on " + dpid, seen.at(), seen.nanos()));
                }
            }
        }
        for (var e : ports.entrySet()) {
            if (before == null || !e.getValue().equals(before.get(e.getKey()))) {
                bound(dpid, e.getKey(), e.getValue(), true, seen);
            }
        }
        locateStatic(dpid, seen.cause());
        transport.recomputeUplinks(config, portsBySwitch);
        config.node(dpid).ifPresent(n -> {
            transport.recomputeTunnels(config, n, portsBySwitch.get(dpid));
            bus.dispatch(new TransportNodeChanged(n, tunnelPorts(dpid)));
        });
        checkAllReported();
    }

    private void portChanged(DatapathId dpid, String name, OFPort no, boolean gone, Instant at, long nanos, String on,
                             String via) {
        Map<String, OFPort> ports = portsBySwitch.computeIfAbsent(dpid, d -> new HashMap<>());
        if (gone) {
            if (!no.equals(ports.get(name))) {
                return; // not the port we know by that name
            }
            ports.remove(name);
        } else if (no.equals(ports.put(name, no))) {
            return; // a modification (link state): nothing that locates anything changed
        }
        if (name.startsWith(TUNNEL_PREFIX) || TransportPorts.isUplink(config, dpid, name)) {
            config.node(dpid).ifPresent(n -> {
                transport.recomputeTunnels(config, n, ports);
                transport.recomputeUplinks(config, portsBySwitch);
                bus.dispatch(new TransportNodeChanged(n, tunnelPorts(dpid)));
            });
            return;
        }
        String what = "port " + name + (gone ? " deleted on " : " added on ") + nodeName(dpid) + via;
        ifaceIds.idOf(dpid, name).ifPresent(id -> ifaceIdAt(dpid, id, no, !gone,
                new Seen(what + ", iface-id " + id, at, nanos, on)));
        if (bound(dpid, name, no, !gone, new Seen(what, at, nanos, on))) {
            return;
        }
        for (LogicalPort p : staticPorts) {
            if (p.binding() instanceof Binding.Static s && s.dpid().equals(dpid) && s.port().equals(no)) {
                PortLocation here = new PortLocation(dpid, no);
                if (!gone) {
                    locator.relocate(p, here, what);
                } else if (here.equals(locator.locations().get(p.name()))) {
                    locator.relocate(p, null, what);
                }
            }
        }
    }

    /**
     * A port that may bind a logical port by its interface name appeared or went: report it, and
     * locate the logical port unless an app decides. Returns whether the name binds a port.
     */
    private boolean bound(DatapathId dpid, String name, OFPort no, boolean present, Seen seen) {
        if (name.startsWith(TUNNEL_PREFIX)) {
            return false;
        }
        Optional<LogicalPort> lp = config.portByInterface(name);
        if (lp.isEmpty() || !bindable(dpid, lp.get())) {
            return lp.isPresent();
        }
        report(lp.get(), new PortLocation(dpid, no), present, seen);
        return true;
    }

    /** A logical port's interface appeared or went: say so, and locate it unless an app decides. */
    private void report(LogicalPort lp, PortLocation here, boolean present, Seen seen) {
        bus.dispatch(new InterfaceChanged(lp, here, present, seen.cause(), seen.at(), seen.nanos(), seen.on()));
        if (!locator.delegated()) {
            if (present) {
                locator.relocate(lp, here, seen.cause());
            } else if (here.equals(locator.locations().get(lp.name()))) {
                locator.relocate(lp, null, seen.cause());
            }
        }
    }

    private void locateStatic(DatapathId dpid, String cause) {
        for (LogicalPort p : staticPorts) {
            if (p.binding() instanceof Binding.Static s && s.dpid().equals(dpid)) {
                locator.relocate(p, new PortLocation(dpid, s.port()), cause);
            }
        }
    }

    private String nodeName(DatapathId dpid) {
        return config.node(dpid).map(TransportNode::name).orElse(dpid.toString());
    }

    /** Interface bindings count on transport nodes only (elsewhere the tenant pipeline is not there). */
    private boolean bindable(DatapathId dpid, LogicalPort p) {
        if (config.node(dpid).isPresent()) {
            return true;
        }
        log.warn("{} has a port named like logical port {}'s interface, but is not a transport node; ignored",
                dpid, p.name());
        return false;
    }
}
