package dev.weft.apps.forwarding;

import dev.weft.api.App;
import dev.weft.api.AppContext;
import dev.weft.api.AppCookie;
import dev.weft.api.Disposition;
import dev.weft.api.Switch;
import dev.weft.api.SwitchService;
import dev.weft.api.event.FlowRemoved;
import dev.weft.api.event.HostMoved;
import dev.weft.api.event.HostRemoved;
import dev.weft.api.event.LinkRemoved;
import dev.weft.api.event.PacketIn;
import dev.weft.api.event.PortStatusChanged;
import dev.weft.api.event.SwitchDisconnected;
import dev.weft.api.host.Host;
import dev.weft.api.host.HostService;
import dev.weft.api.packet.Ethernet;
import dev.weft.api.topology.Link;
import dev.weft.api.topology.PortRole;
import dev.weft.api.topology.SwitchPort;
import dev.weft.api.topology.Topology;
import dev.weft.api.topology.TopologyService;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFFlowAdd;
import org.projectfloodlight.openflow.protocol.OFFlowDelete;
import org.projectfloodlight.openflow.protocol.OFFlowDeleteStrict;
import org.projectfloodlight.openflow.protocol.OFFlowModFlags;
import org.projectfloodlight.openflow.protocol.OFFlowRemoved;
import org.projectfloodlight.openflow.protocol.OFFlowRemovedReason;
import org.projectfloodlight.openflow.protocol.OFPacketOut;
import org.projectfloodlight.openflow.protocol.OFPortReason;
import org.projectfloodlight.openflow.protocol.OFPortState;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.action.OFAction;
import org.projectfloodlight.openflow.protocol.match.Match;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFBufferId;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.OFVlanVidMatch;
import org.projectfloodlight.openflow.types.U64;
import org.projectfloodlight.openflow.types.VlanVid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Forwarding across a network of switches, with loops or without, using the controller's
 * topology and host services.
 * <ul>
 *   <li><b>Known destination</b> (a host the host service has at an edge port): entries are
 *       installed on every switch of the shortest path, from the destination's switch back to
 *       the packet's, each matching (in_port, source MAC, destination MAC, VLAN), and the packet
 *       continues along the path.</li>
 *   <li><b>Broadcast, multicast, unknown destination</b>: the packet is sent out of the switch's
 *       broadcast-tree ports and edge ports (never back where it came from), and only when it came
 *       in on an edge port or a tree port. Nothing is installed for floods; every copy comes back
 *       to the controller at the next switch, so a flood follows the current tree exactly and
 *       reaches every host once.</li>
 *   <li><b>Link down</b>: entries that send into the dead link are deleted at once, and every
 *       path that used it is recomputed and installed again (proactively, without waiting for
 *       traffic). <b>Host moved or gone</b>: every entry to or from it is deleted; the next
 *       packet finds it at its new place.</li>
 * </ul>
 * Entries carry the app's cookie, so they can be deleted without touching anyone else's.
 *
 * <p>Threads: packet-ins, flow-removed and port events run on each switch's lane; link and host
 * events on the control lane. The route table is a concurrent map, written per key.
 */
public final class Forwarding implements App {
    private static final Logger log = LoggerFactory.getLogger(Forwarding.class);
    public static final String NAME = "forwarding";

    private ForwardingConfig config = ForwardingConfig.defaults();
    private TopologyService topology;
    private HostService hosts;
    private SwitchService switches;
    private U64 cookie;
    private int appId;
    private final Map<Route.Key, Route> routes = new ConcurrentHashMap<>();
    private final LongAdder floods = new LongAdder();
    private final LongAdder paths = new LongAdder();
    private final LongAdder reroutes = new LongAdder();
    private final LongAdder drops = new LongAdder();
    private final LongAdder oversized = new LongAdder();

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void start(AppContext ctx) {
        config = ctx.config(ForwardingConfig.class);
        topology = ctx.service(TopologyService.class).orElseThrow(
                () -> new IllegalStateException("forwarding needs the controller's topology service"));
        hosts = ctx.service(HostService.class).orElseThrow(
                () -> new IllegalStateException("forwarding needs host tracking (topology: hosts: tracking: true)"));
        switches = ctx.switches();
        cookie = ctx.cookie().toU64();
        appId = ctx.cookie().appId();
        ctx.on(PacketIn.class, this::packetIn);
        ctx.on(FlowRemoved.class, this::flowRemoved);
        ctx.on(PortStatusChanged.class, this::portStatus);
        ctx.on(SwitchDisconnected.class, e -> {
            routes.values().removeIf(r -> r.key().ingress().dpid().equals(e.sw().id()));
            return Disposition.CONTINUE;
        });
        ctx.on(LinkRemoved.class, e -> {
            linkRemoved(e.link());
            return Disposition.CONTINUE;
        });
        ctx.on(HostMoved.class, e -> {
            forget(e.host());
            return Disposition.CONTINUE;
        });
        ctx.on(HostRemoved.class, e -> {
            forget(e.host());
            return Disposition.CONTINUE;
        });
    }

    /** Paths currently remembered (for tests and diagnostics). */
    public int routeCount() {
        return routes.size();
    }

    public long floods() {
        return floods.sum();
    }

    public long pathsInstalled() {
        return paths.sum();
    }

    public long reroutes() {
        return reroutes.sum();
    }

    /** Packets not sent back because no PACKET_OUT can carry them (see {@code PacketIn.packetOut}). */
    public long oversized() {
        return oversized.sum();
    }

    // ---- packet-ins (switch lane) --------------------------------------------------------------

    private Disposition packetIn(PacketIn e) {
        Ethernet frame = e.frame();
        if (Ethernet.isGroup(frame.src())) {
            drops.increment();
            return Disposition.STOP; // never a valid source
        }
        Topology t = topology.current();
        if (!Ethernet.isGroup(frame.dst())) {
            VlanVid vlan = frame.vlan().orElse(VlanVid.ZERO);
            Optional<Host> dst = hosts.get(frame.dst(), vlan);
            if (dst.isPresent() && attached(t, dst.get().location())) {
                forward(e, t, dst.get().location(), vlan);
                return Disposition.STOP;
            }
        }
        flood(e, t);
        return Disposition.STOP;
    }

    private static boolean attached(Topology t, SwitchPort p) {
        PortRole r = t.role(p);
        return r == PortRole.EDGE || r == PortRole.PENDING;
    }

    private void flood(PacketIn e, Topology t) {
        Switch sw = e.sw();
        if (!t.mayFloodFrom(sw.id(), e.inPort())) {
            drops.increment();
            return; // off the tree (or on a port not yet known): flooding it could loop
        }
        Set<OFPort> out = t.floodPorts(sw.id());
        List<OFAction> actions = new ArrayList<>(out.size());
        for (OFPort p : out) {
            if (!p.equals(e.inPort())) {
                actions.add(sw.factory().actions().output(p, 0xffff));
            }
        }
        if (!actions.isEmpty()) {
            Optional<OFPacketOut> po = e.packetOut(actions);
            if (po.isPresent()) {
                floods.increment();
                sw.send(po.get());
            } else {
                oversized.increment(); // see PacketIn.packetOut: larger than any link carries
            }
        }
    }

    private void forward(PacketIn e, Topology t, SwitchPort dst, VlanVid vlan) {
        Switch sw = e.sw();
        Optional<List<Link>> path = t.path(sw.id(), dst.dpid());
        if (path.isEmpty()) {
            drops.increment();
            log.debug("{} no path to {} for {}", sw.id(), dst, e.frame().dst());
            return;
        }
        if (path.get().isEmpty() && dst.port().equals(e.inPort())) {
            drops.increment();
            return; // the destination is behind the port it came from
        }
        Route.Key key = new Route.Key(e.frame().src(), e.frame().dst(), vlan, new SwitchPort(sw.id(), e.inPort()));
        Route route = Route.along(key, path.get(), dst);
        if (!install(route, e)) {
            drops.increment();
            return;
        }
        paths.increment();
        if (routes.size() < config.maxRoutes() || routes.containsKey(key)) {
            routes.put(key, route);
        }
    }

    /**
     * Install a route's entries, the destination's switch first so the packet does not outrun
     * them; the first hop's entry releases the switch's buffer, or the packet is sent out.
     * False if a switch on the path is gone.
     */
    private boolean install(Route r, PacketIn trigger) {
        List<Route.Hop> hops = r.hops();
        List<Switch> on = new ArrayList<>(hops.size());
        for (Route.Hop h : hops) {
            Optional<Switch> s = h.in().dpid().equals(trigger == null ? null : trigger.sw().id())
                    ? Optional.of(trigger.sw()) : switches.get(h.in().dpid());
            if (s.isEmpty()) {
                return false;
            }
            on.add(s.get());
        }
        for (int i = hops.size() - 1; i >= 0; i--) {
            Switch sw = on.get(i);
            Route.Hop h = hops.get(i);
            OFFactory f = sw.factory();
            List<OFAction> actions = List.of(f.actions().output(h.out(), 0xffff));
            OFFlowAdd.Builder add = f.buildFlowAdd()
                    .setCookie(cookie)
                    .setPriority(config.priority())
                    .setIdleTimeout((int) config.idleTimeout().toSeconds())
                    .setHardTimeout((int) config.hardTimeout().toSeconds())
                    .setMatch(match(f, h.in().port(), r.key()))
                    .setActions(actions);
            if (i == 0) {
                // The ingress entry tells us when the path is no longer used.
                add.setFlags(Set.of(OFFlowModFlags.SEND_FLOW_REM));
                if (trigger != null) {
                    add.setBufferId(trigger.bufferId());
                }
            }
            sw.send(add.build());
            if (i == 0 && trigger != null && OFBufferId.NO_BUFFER.equals(trigger.bufferId())) {
                Optional<OFPacketOut> out = trigger.packetOut(actions);
                if (out.isPresent()) {
                    sw.send(out.get());
                } else {
                    oversized.increment(); // the entries are installed; this one packet is too large to resend
                }
            }
        }
        return true;
    }

    private static Match match(OFFactory f, OFPort in, Route.Key k) {
        Match.Builder m = f.buildMatch()
                .setExact(MatchField.IN_PORT, in)
                .setExact(MatchField.ETH_SRC, k.src())
                .setExact(MatchField.ETH_DST, k.dst());
        if (!VlanVid.ZERO.equals(k.vlan())) {
            m.setExact(MatchField.VLAN_VID, OFVlanVidMatch.ofVlanVid(k.vlan()));
        } else if (f.getVersion() != OFVersion.OF_10) {
            m.setExact(MatchField.VLAN_VID, OFVlanVidMatch.UNTAGGED);
        }
        return m.build();
    }

    // ---- entries going away (switch lane) ------------------------------------------------------

    private Disposition flowRemoved(FlowRemoved e) {
        OFFlowRemoved m = e.message();
        if (!AppCookie.ownedBy(m.getCookie(), appId)) {
            return Disposition.CONTINUE;
        }
        OFFlowRemovedReason why = m.getReason();
        if (why != OFFlowRemovedReason.IDLE_TIMEOUT && why != OFFlowRemovedReason.HARD_TIMEOUT) {
            return Disposition.CONTINUE; // we deleted it ourselves, and may have replaced it already
        }
        Match match = m.getMatch();
        OFPort in = match.get(MatchField.IN_PORT);
        MacAddress src = match.get(MatchField.ETH_SRC);
        MacAddress dst = match.get(MatchField.ETH_DST);
        if (in == null || src == null || dst == null) {
            return Disposition.CONTINUE;
        }
        OFVlanVidMatch v = match.get(MatchField.VLAN_VID);
        VlanVid vlan = v == null || v.equals(OFVlanVidMatch.UNTAGGED) ? VlanVid.ZERO : v.getVlanVid();
        routes.remove(new Route.Key(src, dst, vlan, new SwitchPort(e.sw().id(), in)));
        return Disposition.CONTINUE;
    }

    private Disposition portStatus(PortStatusChanged e) {
        boolean gone = e.reason() == OFPortReason.DELETE || e.port().getState().contains(OFPortState.LINK_DOWN);
        if (!gone) {
            return Disposition.CONTINUE;
        }
        SwitchPort p = new SwitchPort(e.sw().id(), e.port().getPortNo());
        e.sw().send(deleteOut(e.sw().factory(), p.port()));
        // Paths that end there lead nowhere now; paths through it are rerouted on LinkRemoved.
        routes.values().removeIf(r -> r.egress().equals(p));
        return Disposition.CONTINUE;
    }

    private OFFlowDelete deleteOut(OFFactory f, OFPort port) {
        OFFlowDelete.Builder del = f.buildFlowDelete().setOutPort(port);
        if (f.getVersion() != OFVersion.OF_10) {
            del.setCookie(cookie).setCookieMask(AppCookie.APP_MASK);
        }
        return del.build();
    }

    // ---- network events (control lane) ---------------------------------------------------------

    private void linkRemoved(Link link) {
        switches.get(link.src().dpid()).ifPresent(sw -> sw.send(deleteOut(sw.factory(), link.src().port())));
        Topology t = topology.current();
        for (Route r : List.copyOf(routes.values())) {
            if (r.crosses(link)) {
                reroute(r, t);
            }
        }
    }

    /** Move a route off a dead link: install the new path, then delete what the old one left. */
    private void reroute(Route old, Topology t) {
        Optional<Host> dst = hosts.get(old.key().dst(), old.key().vlan());
        Optional<List<Link>> path = dst.isPresent() && attached(t, dst.get().location())
                ? t.path(old.key().ingress().dpid(), dst.get().location().dpid()) : Optional.empty();
        Route fresh = path.map(p -> Route.along(old.key(), p, dst.get().location())).orElse(null);
        if (fresh != null && install(fresh, null)) {
            routes.put(old.key(), fresh);
            reroutes.increment();
            log.debug("rerouted {} -> {} via {}", old.key().src(), old.key().dst(), fresh.hops());
        } else {
            routes.remove(old.key(), old);
            fresh = null;
        }
        // An entry with the same match (switch, in_port) was replaced by the new path's ADD.
        Set<SwitchPort> replaced = new HashSet<>();
        if (fresh != null) {
            fresh.hops().forEach(h -> replaced.add(h.in()));
        }
        for (Route.Hop h : old.hops()) {
            if (!replaced.contains(h.in())) {
                switches.get(h.in().dpid()).ifPresent(sw -> sw.send(deleteStrict(sw.factory(), h, old.key())));
            }
        }
    }

    private OFFlowDeleteStrict deleteStrict(OFFactory f, Route.Hop h, Route.Key k) {
        OFFlowDeleteStrict.Builder del = f.buildFlowDeleteStrict()
                .setPriority(config.priority())
                .setMatch(match(f, h.in().port(), k));
        if (f.getVersion() != OFVersion.OF_10) {
            del.setCookie(cookie).setCookieMask(AppCookie.APP_MASK);
        }
        return del.build();
    }

    /** A host moved or went away: delete every entry to or from it, everywhere. */
    private void forget(Host h) {
        routes.values().removeIf(r -> r.involves(h.mac(), h.vlan()));
        for (Switch sw : switches.all()) {
            OFFactory f = sw.factory();
            for (MatchField<MacAddress> field : List.of(MatchField.ETH_DST, MatchField.ETH_SRC)) {
                OFFlowDelete.Builder del = f.buildFlowDelete()
                        .setMatch(f.buildMatch().setExact(field, h.mac()).build());
                if (f.getVersion() != OFVersion.OF_10) {
                    del.setCookie(cookie).setCookieMask(AppCookie.APP_MASK);
                }
                sw.send(del.build());
            }
        }
    }

    /** For tests: the route table's keys. */
    Set<Route.Key> routeKeys() {
        return Set.copyOf(routes.keySet());
    }
}
