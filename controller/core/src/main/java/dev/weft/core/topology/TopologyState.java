package dev.weft.core.topology;

import dev.weft.api.event.LinkAdded;
import dev.weft.api.event.LinkRemoved;
import dev.weft.api.event.NetworkEvent;
import dev.weft.api.topology.Link;
import dev.weft.api.topology.SwitchPort;
import dev.weft.api.topology.Topology;
import org.projectfloodlight.openflow.protocol.OFPortConfig;
import org.projectfloodlight.openflow.protocol.OFPortDesc;
import org.projectfloodlight.openflow.protocol.OFPortState;
import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.OFPort;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What discovery knows, as plain state: switches and their working ports, links and when each
 * was last confirmed. Every method takes the time and returns what changed (events to announce,
 * ports to probe), so the logic is tested without threads or timers (Faucet style). Not
 * thread-safe: the topology manager uses it from the control lane only.
 *
 * <p>Port lifecycle: a working port is <em>pending</em> from the moment it is first probed (on
 * switch connect or port up) until {@code edgeGrace} has passed; a port at the end of a link is
 * inter-switch; the others are edge ports. When a link goes away because its far end vanished
 * (switch disconnected, probes expired), the surviving end is probed again and pending again, so
 * a switch that comes back is found before anything is flooded towards it.
 */
public final class TopologyState {

    /** Events to deliver and ports to probe now. */
    record Result(List<NetworkEvent> events, List<SwitchPort> probe) {
        static final Result NONE = new Result(List.of(), List.of());

        boolean isEmpty() {
            return events.isEmpty() && probe.isEmpty();
        }
    }

    private static final class PortInfo {
        Instant probedAt;
        boolean settled;
    }

    private final boolean discovery;
    private final Duration linkTimeout;
    private final Duration edgeGrace;
    private final Map<DatapathId, Map<OFPort, PortInfo>> switches = new TreeMap<>();
    private final Map<Link, Instant> links = new HashMap<>();
    private long version;
    private boolean dirty = true;
    private Topology snapshot = TopologySnapshot.empty();

    TopologyState(boolean discovery, Duration linkTimeout, Duration edgeGrace) {
        this.discovery = discovery;
        this.linkTimeout = linkTimeout;
        this.edgeGrace = edgeGrace;
    }

    TopologyState(TopologySettings s) {
        this(s.discovery(), s.linkTimeout(), s.edgeGrace());
    }

    /** A port that can carry traffic: numbered, not down, not administratively down. */
    public static boolean isWorking(OFPortDesc p) {
        return SwitchPort.isPhysical(p.getPortNo()) && !p.getState().contains(OFPortState.LINK_DOWN)
                && !p.getConfig().contains(OFPortConfig.PORT_DOWN);
    }

    /**
     * A switch connected with these ports; the caller has just probed every working one. A switch
     * already known (a new connection replacing the old) starts over.
     */
    Result switchUp(DatapathId dpid, Collection<OFPortDesc> ports, Instant now) {
        List<NetworkEvent> events = new ArrayList<>();
        List<SwitchPort> probe = new ArrayList<>();
        if (switches.containsKey(dpid)) {
            removeLinks(l -> l.src().dpid().equals(dpid) || l.dst().dpid().equals(dpid),
                    LinkRemoved.Reason.SWITCH_DISCONNECTED, dpid, events, probe, now);
        }
        Map<OFPort, PortInfo> m = new TreeMap<>();
        for (OFPortDesc p : ports) {
            if (isWorking(p)) {
                m.put(p.getPortNo(), newPort(now));
            }
        }
        switches.put(dpid, m);
        dirty = true;
        return new Result(List.copyOf(events), List.copyOf(probe));
    }

    Result switchDown(DatapathId dpid, Instant now) {
        if (!switches.containsKey(dpid)) {
            return Result.NONE;
        }
        List<NetworkEvent> events = new ArrayList<>();
        List<SwitchPort> probe = new ArrayList<>();
        switches.remove(dpid);
        removeLinks(l -> l.src().dpid().equals(dpid) || l.dst().dpid().equals(dpid),
                LinkRemoved.Reason.SWITCH_DISCONNECTED, dpid, events, probe, now);
        dirty = true;
        return new Result(List.copyOf(events), List.copyOf(probe));
    }

    /**
     * A PORT_STATUS. A port that is now working and was not is added (the caller has probed it);
     * one that stopped working, or was deleted, takes its links with it at once.
     */
    Result portChanged(DatapathId dpid, OFPortDesc desc, boolean deleted, Instant now) {
        Map<OFPort, PortInfo> ports = switches.get(dpid);
        if (ports == null || !SwitchPort.isPhysical(desc.getPortNo())) {
            return Result.NONE;
        }
        OFPort no = desc.getPortNo();
        boolean working = !deleted && isWorking(desc);
        boolean known = ports.containsKey(no);
        if (working == known) {
            return Result.NONE;
        }
        dirty = true;
        if (working) {
            ports.put(no, newPort(now));
            return Result.NONE;
        }
        ports.remove(no);
        SwitchPort sp = new SwitchPort(dpid, no);
        List<NetworkEvent> events = new ArrayList<>();
        List<SwitchPort> probe = new ArrayList<>();
        removeLinks(l -> l.touches(sp), deleted ? LinkRemoved.Reason.PORT_DELETED : LinkRemoved.Reason.PORT_DOWN,
                null, events, probe, now);
        return new Result(List.copyOf(events), List.copyOf(probe));
    }

    /**
     * A valid probe sent out of {@code link.src()} arrived at {@code link.dst()}. A new link is
     * announced, and the other direction is probed at once if it is not known yet.
     */
    Result linkSeen(Link link, Instant now) {
        if (link.src().equals(link.dst()) || !working(link.src()) || !working(link.dst())) {
            return Result.NONE;
        }
        Instant before = links.put(link, now);
        if (before != null) {
            return Result.NONE;
        }
        dirty = true;
        List<SwitchPort> probe = links.containsKey(link.reversed()) ? List.of() : List.of(link.dst());
        return new Result(List.of(new LinkAdded(link)), probe);
    }

    /** Settle pending ports whose grace has passed; expire links whose probes stopped. */
    Result tick(Instant now) {
        for (Map<OFPort, PortInfo> ports : switches.values()) {
            for (PortInfo p : ports.values()) {
                if (!p.settled && p.probedAt != null && !now.isBefore(p.probedAt.plus(edgeGrace))) {
                    p.settled = true;
                    dirty = true;
                }
            }
        }
        Instant oldest = now.minus(linkTimeout);
        if (links.values().stream().noneMatch(t -> t.isBefore(oldest))) {
            return Result.NONE;
        }
        List<NetworkEvent> events = new ArrayList<>();
        List<SwitchPort> probe = new ArrayList<>();
        removeLinks(l -> links.get(l).isBefore(oldest), LinkRemoved.Reason.EXPIRED, null, events, probe, now);
        return new Result(List.copyOf(events), List.copyOf(probe));
    }

    /** When the next pending port settles, if any is waiting. */
    Optional<Instant> nextSettle() {
        Instant next = null;
        for (Map<OFPort, PortInfo> ports : switches.values()) {
            for (PortInfo p : ports.values()) {
                if (!p.settled && p.probedAt != null) {
                    Instant t = p.probedAt.plus(edgeGrace);
                    if (next == null || t.isBefore(next)) {
                        next = t;
                    }
                }
            }
        }
        return Optional.ofNullable(next);
    }

    /** The current snapshot; rebuilt (with a new version) only after a change. */
    Topology snapshot() {
        if (dirty) {
            TopologySnapshot.Builder b = TopologySnapshot.builder().version(++version);
            switches.forEach((dpid, ports) -> {
                b.addSwitch(dpid);
                ports.forEach((no, info) -> b.addPort(new SwitchPort(dpid, no), info.settled));
            });
            links.keySet().forEach(b::addLink);
            snapshot = b.build();
            dirty = false;
        }
        return snapshot;
    }

    int linkCount() {
        return links.size();
    }

    private PortInfo newPort(Instant now) {
        PortInfo p = new PortInfo();
        if (discovery) {
            p.probedAt = now;
            p.settled = edgeGrace.isZero();
        } else {
            p.settled = true;
        }
        return p;
    }

    private boolean working(SwitchPort p) {
        Map<OFPort, PortInfo> ports = switches.get(p.dpid());
        return ports != null && ports.containsKey(p.port());
    }

    /**
     * Remove matching links. When a link goes because the far end vanished ({@code gone}: the
     * switch that disconnected; or the link expired), the surviving end is probed again and
     * pending again.
     */
    private void removeLinks(java.util.function.Predicate<Link> which, LinkRemoved.Reason reason, DatapathId gone,
                             List<NetworkEvent> events, List<SwitchPort> probe, Instant now) {
        List<Link> removed = new ArrayList<>();
        for (Iterator<Link> it = links.keySet().iterator(); it.hasNext(); ) {
            Link l = it.next();
            if (which.test(l)) {
                it.remove();
                removed.add(l);
            }
        }
        removed.sort(null);
        for (Link l : removed) {
            events.add(new LinkRemoved(l, reason));
            dirty = true;
        }
        if (!discovery || (reason != LinkRemoved.Reason.EXPIRED && reason != LinkRemoved.Reason.SWITCH_DISCONNECTED)) {
            return;
        }
        for (Link l : removed) {
            for (SwitchPort end : List.of(l.src(), l.dst())) {
                if (end.dpid().equals(gone) || probe.contains(end) || stillLinked(end)) {
                    continue;
                }
                Map<OFPort, PortInfo> ports = switches.get(end.dpid());
                PortInfo info = ports == null ? null : ports.get(end.port());
                if (info != null) {
                    info.probedAt = now;
                    info.settled = edgeGrace.isZero();
                    probe.add(end);
                }
            }
        }
    }

    private boolean stillLinked(SwitchPort p) {
        for (Link l : links.keySet()) {
            if (l.touches(p)) {
                return true;
            }
        }
        return false;
    }
}
