package dev.weft.core.tenant;

import dev.weft.api.Disposition;
import dev.weft.api.Switch;
import dev.weft.api.event.ConfigChanged;
import dev.weft.api.event.LogicalPortLocated;
import dev.weft.api.event.PortStatusChanged;
import dev.weft.api.event.SwitchConnected;
import dev.weft.api.event.TransportNodeChanged;
import dev.weft.api.tenant.Binding;
import dev.weft.api.tenant.LogicalNetwork;
import dev.weft.api.tenant.LogicalPort;
import dev.weft.api.tenant.NetworkConfig;
import dev.weft.api.tenant.PortLocation;
import dev.weft.api.tenant.TenantService;
import dev.weft.api.tenant.TransportNode;
import dev.weft.core.dispatch.AppHandle;
import dev.weft.core.dispatch.EventBus;
import dev.weft.core.dispatch.Lane;
import org.projectfloodlight.openflow.protocol.OFPortDesc;
import org.projectfloodlight.openflow.protocol.OFPortReason;
import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.OFPort;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The tenant configuration in force and where every logical port is. It watches the switches
 * (port names on transport nodes bind logical ports by interface; static bindings by switch and
 * port number) and the tunnel ports ({@code vx-<node>}) of each transport node, and announces
 * changes on the control lane: {@link ConfigChanged}, {@link LogicalPortLocated},
 * {@link TransportNodeChanged}. All state lives on the control lane; switch events are hopped
 * onto it.
 *
 * <p>A switch that disconnects keeps its ports' locations (with fail-secure it keeps forwarding);
 * when it reconnects, its port list is compared with what was known, and ports that are gone are
 * announced as such.
 */
public final class TenantManager implements TenantService {
    private static final Logger log = LoggerFactory.getLogger(TenantManager.class);
    public static final String TUNNEL_PREFIX = "vx-";

    private final Lane control;
    private final EventBus bus;

    // Published snapshots (read from any thread).
    private volatile NetworkConfig config = NetworkConfig.empty();
    private volatile Map<String, PortLocation> locations = Map.of();
    private volatile Map<DatapathId, Map<String, OFPort>> tunnels = Map.of();

    // Control-lane state: what each switch last told us, by port name.
    private final Map<DatapathId, Map<String, OFPort>> portsBySwitch = new HashMap<>();
    private final java.util.concurrent.CompletableFuture<Void> allNodesReported = new java.util.concurrent.CompletableFuture<>();

    /**
     * Completes (on the control lane, after the events it caused were handled) once every transport
     * node of the configuration in force at start has connected and reported its ports.
     */
    public java.util.concurrent.CompletableFuture<Void> allNodesReported() {
        return allNodesReported;
    }

    private void checkAllReported() {
        if (!allNodesReported.isDone()
                && config.transportNodes().stream().allMatch(n -> portsBySwitch.containsKey(n.dpid()))) {
            // Queued behind what the apps deferred while handling this batch's events.
            control.execute(() -> allNodesReported.complete(null));
        }
    }

    public TenantManager(Lane control, EventBus bus) {
        this.control = control;
        this.bus = bus;
    }

    /** Watch switches: runs before the apps (negative chain order). */
    public void subscribe() {
        AppHandle me = new AppHandle("core:tenants", -10);
        bus.subscribe(me, SwitchConnected.class, e -> {
            Switch sw = e.sw();
            Map<String, OFPort> ports = portMap(sw);
            control.execute(() -> switchPorts(sw.id(), ports, "switch connected"));
            return Disposition.CONTINUE;
        });
        bus.subscribe(me, PortStatusChanged.class, e -> {
            DatapathId dpid = e.sw().id();
            OFPortDesc p = e.port();
            boolean gone = e.reason() == OFPortReason.DELETE;
            control.execute(() -> portChanged(dpid, p.getName(), p.getPortNo(), gone));
            return Disposition.CONTINUE;
        });
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
        return locations;
    }

    @Override
    public Optional<PortLocation> location(String portName) {
        return Optional.ofNullable(locations.get(portName));
    }

    /** The tunnel ports of a transport node, by remote node name (from its {@code vx-} ports). */
    public Map<String, OFPort> tunnelPorts(DatapathId dpid) {
        return tunnels.getOrDefault(dpid, Map.of());
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
        // Ports that no longer exist are no longer anywhere.
        Map<String, PortLocation> locs = new LinkedHashMap<>(locations);
        locs.keySet().removeIf(name -> next.port(name).isEmpty());
        locations = Map.copyOf(locs);
        recomputeTunnels();
        log.info("config in force: {} ({} network(s) changed{})", next, changed.size(),
                nodesChanged ? ", transport nodes changed" : "");
        bus.dispatch(new ConfigChanged(prev, next, changed, nodesChanged));
        checkAllReported();
        // Bindings may have changed: locate every port again from what the switches reported.
        for (var e : portsBySwitch.entrySet()) {
            locateOn(e.getKey(), e.getValue(), "configuration changed");
        }
        for (TransportNode n : next.transportNodes()) {
            if (!prev.transportNodes().contains(n) && portsBySwitch.containsKey(n.dpid())) {
                bus.dispatch(new TransportNodeChanged(n, tunnelPorts(n.dpid())));
            }
        }
    }

    private void switchPorts(DatapathId dpid, Map<String, OFPort> ports, String cause) {
        portsBySwitch.put(dpid, new HashMap<>(ports));
        // Ports previously located on this switch that it no longer has are gone.
        for (var e : Map.copyOf(locations).entrySet()) {
            PortLocation at = e.getValue();
            if (at.dpid().equals(dpid) && !ports.containsValue(at.port())) {
                config.port(e.getKey()).ifPresent(p -> relocate(p, null, "port no longer on " + dpid));
            }
        }
        locateOn(dpid, ports, cause);
        config.node(dpid).ifPresent(n -> {
            recomputeTunnels();
            bus.dispatch(new TransportNodeChanged(n, tunnelPorts(dpid)));
        });
        checkAllReported();
    }

    private void portChanged(DatapathId dpid, String name, OFPort no, boolean gone) {
        Map<String, OFPort> ports = portsBySwitch.computeIfAbsent(dpid, d -> new HashMap<>());
        if (gone) {
            ports.remove(name);
        } else {
            ports.put(name, no);
        }
        if (name.startsWith(TUNNEL_PREFIX)) {
            config.node(dpid).ifPresent(n -> {
                recomputeTunnels();
                bus.dispatch(new TransportNodeChanged(n, tunnelPorts(dpid)));
            });
            return;
        }
        Optional<LogicalPort> lp = config.portByInterface(name);
        if (lp.isEmpty()) {
            for (LogicalPort p : config.ports()) {
                if (p.binding() instanceof Binding.Static s && s.dpid().equals(dpid) && s.port().equals(no)) {
                    lp = Optional.of(p);
                }
            }
        }
        if (lp.isEmpty()) {
            return;
        }
        PortLocation here = new PortLocation(dpid, no);
        if (gone) {
            if (here.equals(locations.get(lp.get().name()))) {
                relocate(lp.get(), null, "port " + name + " deleted on " + dpid);
            }
        } else if (bindable(dpid, lp.get())) {
            relocate(lp.get(), here, "port " + name + " added on " + dpid);
        }
    }

    private void locateOn(DatapathId dpid, Map<String, OFPort> ports, String cause) {
        NetworkConfig c = config;
        for (var e : ports.entrySet()) {
            c.portByInterface(e.getKey()).filter(p -> bindable(dpid, p))
                    .ifPresent(p -> relocate(p, new PortLocation(dpid, e.getValue()), cause));
        }
        for (LogicalPort p : c.ports()) {
            if (p.binding() instanceof Binding.Static s && s.dpid().equals(dpid)) {
                relocate(p, new PortLocation(dpid, s.port()), cause);
            }
        }
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

    private void relocate(LogicalPort p, PortLocation to, String cause) {
        PortLocation from = locations.get(p.name());
        if (Objects.equals(from, to)) {
            return;
        }
        Map<String, PortLocation> locs = new LinkedHashMap<>(locations);
        if (to == null) {
            locs.remove(p.name());
        } else {
            locs.put(p.name(), to);
        }
        locations = Map.copyOf(locs);
        log.info("logical port {} ({}/{}) {}: {}", p.name(), p.tenant(), p.network(),
                to == null ? "gone from " + from : from == null ? "at " + to : "moved " + from + " -> " + to, cause);
        bus.dispatch(new LogicalPortLocated(p, Optional.ofNullable(to), Optional.ofNullable(from), cause));
    }

    private void recomputeTunnels() {
        Map<DatapathId, Map<String, OFPort>> t = new HashMap<>();
        for (TransportNode n : config.transportNodes()) {
            Map<String, OFPort> ports = portsBySwitch.get(n.dpid());
            if (ports == null) {
                continue;
            }
            Map<String, OFPort> byRemote = new HashMap<>();
            for (TransportNode other : config.transportNodes()) {
                OFPort p = ports.get(n.tunnelPortTo(other));
                if (p != null && !other.equals(n)) {
                    byRemote.put(other.name(), p);
                }
            }
            t.put(n.dpid(), Map.copyOf(byRemote));
        }
        tunnels = Map.copyOf(t);
    }

    /** The networks with at least one located port on {@code dpid} (control lane). */
    public Set<Integer> networksOn(DatapathId dpid) {
        Set<Integer> s = new HashSet<>();
        for (LogicalNetwork n : config.networks()) {
            for (LogicalPort p : n.ports()) {
                PortLocation l = locations.get(p.name());
                if (l != null && l.dpid().equals(dpid)) {
                    s.add(n.segment());
                    break;
                }
            }
        }
        return s;
    }

    /** For tests: every known port name on a switch. */
    List<String> knownPorts(DatapathId dpid) {
        return List.copyOf(portsBySwitch.getOrDefault(dpid, Map.of()).keySet());
    }
}
