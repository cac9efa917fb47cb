package dev.weft.core.topology;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import com.google.common.collect.ImmutableSortedSet;
import com.google.common.graph.Graph;
import com.google.common.graph.GraphBuilder;
import com.google.common.graph.ImmutableGraph;
import dev.weft.api.topology.Link;
import dev.weft.api.topology.PortRole;
import dev.weft.api.topology.SwitchPort;
import dev.weft.api.topology.Topology;
import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.OFPort;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@link Topology} snapshot the topology manager publishes: an immutable snapshot of the physical network: the connected switches, their working ports and
 * what each port is ({@link PortRole}), the discovered links, shortest paths and the broadcast
 * tree. Everything is a pure function of the switches, ports and links given to the
 * {@link Builder}, and deterministic (ties are broken by datapath id, then port number), so that
 * every thread, app and test computes the same paths and the same tree from the same snapshot.
 *
 * <p><b>Usable links.</b> Paths and the broadcast tree use a cable only when both of its
 * directions have been discovered. A port at either end of any discovered link, even a one-way
 * one, is {@link PortRole#INTER_SWITCH}: never an edge, never flooded.
 *
 * <p><b>Broadcast tree.</b> A BFS spanning tree of each connected part of the switch graph, rooted
 * at its lowest datapath id, using at most one cable between two switches. A flood that enters a
 * switch on an edge port or a tree port and leaves through {@link #floodPorts} (less the port it
 * came in on) reaches every edge port of that part of the network exactly once, whatever loops the
 * network has.
 *
 * <p>Paths are computed lazily per destination (one BFS each, cached in the snapshot) and form a
 * shortest-path tree towards that destination: forwarding entries built from paths to the same
 * destination never contradict each other.
 */
public final class TopologySnapshot implements Topology {
    private static final TopologySnapshot EMPTY = builder().build();

    private final long version;
    private final ImmutableSortedSet<DatapathId> switches;
    private final ImmutableSortedSet<Link> links;
    private final ImmutableMap<DatapathId, ImmutableMap<OFPort, PortRole>> roles;
    private final ImmutableGraph<DatapathId> graph;
    /** Per switch: one usable link to each neighbour (the lowest-numbered cable), by neighbour dpid. */
    private final ImmutableMap<DatapathId, ImmutableList<Link>> usable;
    private final ImmutableSortedSet<Link> tree;
    private final ImmutableMap<DatapathId, ImmutableSortedSet<OFPort>> treePorts;
    private final ImmutableMap<DatapathId, ImmutableSortedSet<OFPort>> edgePorts;
    private final ImmutableMap<DatapathId, ImmutableSortedSet<OFPort>> floodPorts;
    /** Destination → (switch → its first link towards the destination). */
    private final Map<DatapathId, Map<DatapathId, Link>> toward = new ConcurrentHashMap<>();

    private TopologySnapshot(Builder b) {
        this.version = b.version;
        this.switches = ImmutableSortedSet.copyOf(b.ports.keySet());
        this.links = ImmutableSortedSet.copyOf(b.links);

        Set<SwitchPort> linked = new HashSet<>();
        for (Link l : b.links) {
            linked.add(l.src());
            linked.add(l.dst());
        }
        var roleMap = ImmutableMap.<DatapathId, ImmutableMap<OFPort, PortRole>>builder();
        var edges = ImmutableMap.<DatapathId, ImmutableSortedSet<OFPort>>builder();
        Map<DatapathId, SortedSet<OFPort>> edgeSets = new HashMap<>();
        for (Map.Entry<DatapathId, TreeMap<OFPort, Boolean>> sw : b.ports.entrySet()) {
            var r = ImmutableMap.<OFPort, PortRole>builder();
            SortedSet<OFPort> e = new TreeSet<>();
            for (Map.Entry<OFPort, Boolean> p : sw.getValue().entrySet()) {
                PortRole role = linked.contains(new SwitchPort(sw.getKey(), p.getKey())) ? PortRole.INTER_SWITCH
                        : p.getValue() ? PortRole.EDGE : PortRole.PENDING;
                r.put(p.getKey(), role);
                if (role == PortRole.EDGE) {
                    e.add(p.getKey());
                }
            }
            roleMap.put(sw.getKey(), r.build());
            edges.put(sw.getKey(), ImmutableSortedSet.copyOf(e));
            edgeSets.put(sw.getKey(), e);
        }
        this.roles = roleMap.build();
        this.edgePorts = edges.build();

        // Usable (bidirectional) links, one cable per pair of switches: the one that sorts first
        // seen from the lower dpid, so that both ends pick the same cable.
        ImmutableGraph.Builder<DatapathId> g = GraphBuilder.undirected().allowsSelfLoops(false).immutable();
        switches.forEach(g::addNode);
        Map<List<DatapathId>, Link> cables = new HashMap<>();
        for (Link l : b.links) {
            DatapathId a = l.src().dpid();
            DatapathId z = l.dst().dpid();
            if (a.compareTo(z) >= 0 || !b.links.contains(l.reversed())) {
                continue;
            }
            g.putEdge(a, z);
            cables.merge(List.of(a, z), l, (x, y) -> x.compareTo(y) <= 0 ? x : y);
        }
        this.graph = g.build();
        Map<DatapathId, TreeMap<DatapathId, Link>> best = new HashMap<>();
        for (Link c : cables.values()) {
            best.computeIfAbsent(c.src().dpid(), k -> new TreeMap<>()).put(c.dst().dpid(), c);
            best.computeIfAbsent(c.dst().dpid(), k -> new TreeMap<>()).put(c.src().dpid(), c.reversed());
        }
        var u = ImmutableMap.<DatapathId, ImmutableList<Link>>builder();
        for (DatapathId d : switches) {
            TreeMap<DatapathId, Link> m = best.get(d);
            u.put(d, m == null ? ImmutableList.of() : ImmutableList.copyOf(m.values()));
        }
        this.usable = u.build();

        // Broadcast tree: BFS from the lowest dpid of each connected part.
        Set<Link> treeLinks = new TreeSet<>();
        Set<DatapathId> seen = new HashSet<>();
        for (DatapathId root : switches) {
            if (!seen.add(root)) {
                continue;
            }
            ArrayDeque<DatapathId> queue = new ArrayDeque<>();
            queue.add(root);
            while (!queue.isEmpty()) {
                DatapathId x = queue.poll();
                for (Link l : usable.get(x)) {
                    if (seen.add(l.dst().dpid())) {
                        // Both directions of the same cable, so both ends agree on the tree port.
                        treeLinks.add(l);
                        treeLinks.add(l.reversed());
                        queue.add(l.dst().dpid());
                    }
                }
            }
        }
        this.tree = ImmutableSortedSet.copyOf(treeLinks);
        Map<DatapathId, SortedSet<OFPort>> tp = new HashMap<>();
        for (Link l : treeLinks) {
            tp.computeIfAbsent(l.src().dpid(), k -> new TreeSet<>()).add(l.src().port());
        }
        var tps = ImmutableMap.<DatapathId, ImmutableSortedSet<OFPort>>builder();
        var fps = ImmutableMap.<DatapathId, ImmutableSortedSet<OFPort>>builder();
        for (DatapathId d : switches) {
            SortedSet<OFPort> t = tp.getOrDefault(d, Collections.emptySortedSet());
            tps.put(d, ImmutableSortedSet.copyOf(t));
            SortedSet<OFPort> f = new TreeSet<>(t);
            f.addAll(edgeSets.get(d));
            fps.put(d, ImmutableSortedSet.copyOf(f));
        }
        this.treePorts = tps.build();
        this.floodPorts = fps.build();
    }

    /** A topology with nothing in it (version 0). */
    public static TopologySnapshot empty() {
        return EMPTY;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Increases with every change; a snapshot with a higher version is newer. */
    @Override
    public long version() {
        return version;
    }

    /** The connected switches, by datapath id. */
    @Override
    public Set<DatapathId> switches() {
        return switches;
    }

    @Override
    public boolean contains(DatapathId dpid) {
        return roles.containsKey(dpid);
    }

    /** Every discovered directed link, including one-way ones. */
    @Override
    public Set<Link> links() {
        return links;
    }

    /** Directed links that start at {@code dpid}. */
    @Override
    public List<Link> linksFrom(DatapathId dpid) {
        List<Link> out = new ArrayList<>();
        for (Link l : links) {
            if (l.src().dpid().equals(dpid)) {
                out.add(l);
            }
        }
        return out;
    }

    /** The switch graph: an undirected edge where a cable works in both directions. */
    @Override
    public Graph<DatapathId> graph() {
        return graph;
    }

    /** The role of a port; {@link PortRole#NONE} for a port or switch the topology does not know. */
    @Override
    public PortRole role(DatapathId dpid, OFPort port) {
        ImmutableMap<OFPort, PortRole> r = roles.get(dpid);
        if (r == null) {
            return PortRole.NONE;
        }
        PortRole role = r.get(port);
        return role == null ? PortRole.NONE : role;
    }

    /** The working ports of a switch and their roles (empty for an unknown switch). */
    @Override
    public Map<OFPort, PortRole> ports(DatapathId dpid) {
        ImmutableMap<OFPort, PortRole> r = roles.get(dpid);
        return r == null ? ImmutableMap.of() : r;
    }

    @Override
    public Set<OFPort> edgePorts(DatapathId dpid) {
        ImmutableSortedSet<OFPort> s = edgePorts.get(dpid);
        return s == null ? ImmutableSortedSet.of() : s;
    }

    /** Every edge port of the network. */
    @Override
    public Set<SwitchPort> edgePorts() {
        Set<SwitchPort> all = new TreeSet<>();
        edgePorts.forEach((d, ports) -> ports.forEach(p -> all.add(new SwitchPort(d, p))));
        return Collections.unmodifiableSet(all);
    }

    /** The broadcast tree: both directions of every cable in it. */
    @Override
    public Set<Link> broadcastTree() {
        return tree;
    }

    /** The ports of {@code dpid} that are on the broadcast tree. */
    @Override
    public Set<OFPort> treePorts(DatapathId dpid) {
        ImmutableSortedSet<OFPort> s = treePorts.get(dpid);
        return s == null ? ImmutableSortedSet.of() : s;
    }

    @Override
    public boolean isTreePort(DatapathId dpid, OFPort port) {
        ImmutableSortedSet<OFPort> s = treePorts.get(dpid);
        return s != null && s.contains(port);
    }

    /**
     * Where a flood leaves {@code dpid}: its tree ports and edge ports. Leave out the port the
     * packet came in on; flood only packets that came in on an edge port or a tree port (see
     * {@link #mayFloodFrom}).
     */
    @Override
    public Set<OFPort> floodPorts(DatapathId dpid) {
        ImmutableSortedSet<OFPort> s = floodPorts.get(dpid);
        return s == null ? ImmutableSortedSet.of() : s;
    }

    /**
     * A shortest path (fewest hops) from switch {@code from} to switch {@code to}, as the directed
     * links to follow: empty list when {@code from} is {@code to}, empty optional when either is
     * unknown or there is no usable path.
     */
    @Override
    public Optional<List<Link>> path(DatapathId from, DatapathId to) {
        if (!contains(from) || !contains(to)) {
            return Optional.empty();
        }
        if (from.equals(to)) {
            return Optional.of(List.of());
        }
        Map<DatapathId, Link> next = toward.computeIfAbsent(to, this::bfsToward);
        List<Link> path = new ArrayList<>();
        DatapathId at = from;
        while (!at.equals(to)) {
            Link l = next.get(at);
            if (l == null || path.size() > switches.size()) {
                return Optional.empty();
            }
            path.add(l);
            at = l.dst().dpid();
        }
        return Optional.of(List.copyOf(path));
    }

    /** The first link on the path from {@code from} towards {@code to}, if there is a path. */
    @Override
    public Optional<Link> nextHop(DatapathId from, DatapathId to) {
        if (!contains(from) || !contains(to) || from.equals(to)) {
            return Optional.empty();
        }
        return Optional.ofNullable(toward.computeIfAbsent(to, this::bfsToward).get(from));
    }

    private Map<DatapathId, Link> bfsToward(DatapathId dst) {
        Map<DatapathId, Link> next = new HashMap<>();
        Set<DatapathId> seen = new HashSet<>();
        seen.add(dst);
        ArrayDeque<DatapathId> queue = new ArrayDeque<>();
        queue.add(dst);
        while (!queue.isEmpty()) {
            DatapathId y = queue.poll();
            for (Link out : usable.get(y)) {
                DatapathId x = out.dst().dpid();
                if (seen.add(x)) {
                    next.put(x, out.reversed());
                    queue.add(x);
                }
            }
        }
        return Map.copyOf(next);
    }

    @Override
    public String toString() {
        long ports = roles.values().stream().mapToLong(Map::size).sum();
        long edge = edgePorts.values().stream().mapToLong(Set::size).sum();
        return "TopologySnapshot{version=" + version + ", " + switches.size() + " switches, " + ports + " ports (" + edge
                + " edge), " + links.size() + " links, tree of " + tree.size() / 2 + " cables}";
    }

    /** Builds a snapshot; the controller's topology manager is the usual builder, tests are the other. */
    public static final class Builder {
        private long version;
        private final TreeMap<DatapathId, TreeMap<OFPort, Boolean>> ports = new TreeMap<>();
        private final Set<Link> links = new HashSet<>();

        private Builder() {
        }

        public Builder version(long v) {
            this.version = v;
            return this;
        }

        /** A connected switch (possibly without ports yet). */
        public Builder addSwitch(DatapathId dpid) {
            ports.computeIfAbsent(Objects.requireNonNull(dpid), k -> new TreeMap<>());
            return this;
        }

        /**
         * A working port. {@code settled}: discovery has had time to find a link behind it; an
         * unsettled port without a link is {@link PortRole#PENDING}.
         */
        public Builder addPort(SwitchPort p, boolean settled) {
            addSwitch(p.dpid());
            ports.get(p.dpid()).merge(p.port(), settled, Boolean::logicalOr);
            return this;
        }

        /** A settled port (an edge port unless a link ends there). */
        public Builder addPort(long dpid, int port) {
            return addPort(SwitchPort.of(dpid, port), true);
        }

        /** A discovered directed link; its switches and ports are added if missing. */
        public Builder addLink(Link l) {
            addPort(l.src(), true);
            addPort(l.dst(), true);
            links.add(l);
            return this;
        }

        /** Both directions of a cable. */
        public Builder addCable(SwitchPort a, SwitchPort b) {
            return addLink(new Link(a, b)).addLink(new Link(b, a));
        }

        public Builder addCable(long dpidA, int portA, long dpidB, int portB) {
            return addCable(SwitchPort.of(dpidA, portA), SwitchPort.of(dpidB, portB));
        }

        public TopologySnapshot build() {
            return new TopologySnapshot(this);
        }
    }
}
