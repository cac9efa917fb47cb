package dev.weft.api.topology;

import com.google.common.graph.Graph;
import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.OFPort;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * An immutable snapshot of the physical network: the connected switches, their working ports and
 * what each port is ({@link PortRole}), the discovered links, shortest paths and the broadcast
 * tree. Every answer is a pure function of the snapshot, and deterministic (ties are broken by
 * datapath id, then port number), so every thread, app and test computes the same paths and the
 * same tree from the same snapshot.
 *
 * <p><b>Usable links.</b> Paths and the broadcast tree use a cable only when both of its
 * directions have been discovered. A port at either end of any discovered link, even a one-way
 * one, is {@link PortRole#INTER_SWITCH}: never an edge, never flooded.
 *
 * <p><b>Broadcast tree.</b> A spanning tree of each connected part of the switch graph, using at
 * most one cable between two switches. A flood that enters a switch on an edge port or a tree
 * port and leaves through {@link #floodPorts} (less the port it came in on) reaches every edge
 * port of that part of the network exactly once, whatever loops the network has.
 *
 * <p>Paths to one destination form a shortest-path tree towards it: forwarding entries built from
 * paths to the same destination never contradict each other.
 */
public interface Topology {

    /** Increases with every change; a snapshot with a higher version is newer. */
    long version();

    /** The connected switches, by datapath id. */
    Set<DatapathId> switches();

    boolean contains(DatapathId dpid);

    /** Every discovered directed link, including one-way ones. */
    Set<Link> links();

    /** Directed links that start at {@code dpid}. */
    List<Link> linksFrom(DatapathId dpid);

    /** The switch graph: an undirected edge where a cable works in both directions. */
    Graph<DatapathId> graph();

    /** The role of a port; {@link PortRole#NONE} for a port or switch the topology does not know. */
    PortRole role(DatapathId dpid, OFPort port);

    default PortRole role(SwitchPort p) {
        return role(p.dpid(), p.port());
    }

    default boolean isEdge(DatapathId dpid, OFPort port) {
        return role(dpid, port) == PortRole.EDGE;
    }

    default boolean isEdge(SwitchPort p) {
        return isEdge(p.dpid(), p.port());
    }

    default boolean isInterSwitch(SwitchPort p) {
        return role(p) == PortRole.INTER_SWITCH;
    }

    /** The working ports of a switch and their roles (empty for an unknown switch). */
    Map<OFPort, PortRole> ports(DatapathId dpid);

    Set<OFPort> edgePorts(DatapathId dpid);

    /** Every edge port of the network. */
    Set<SwitchPort> edgePorts();

    /** The broadcast tree: both directions of every cable in it. */
    Set<Link> broadcastTree();

    /** The ports of {@code dpid} that are on the broadcast tree. */
    Set<OFPort> treePorts(DatapathId dpid);

    boolean isTreePort(DatapathId dpid, OFPort port);

    /**
     * Where a flood leaves {@code dpid}: its tree ports and edge ports. Leave out the port the
     * packet came in on; flood only packets that came in on an edge port or a tree port (see
     * {@link #mayFloodFrom}).
     */
    Set<OFPort> floodPorts(DatapathId dpid);

    /**
     * Whether a packet that came in on this port may be flooded: it came from a host (edge port)
     * or along the broadcast tree. A copy that arrives over a cable outside the tree, or on a
     * port still {@link PortRole#PENDING}, must not be flooded again, or loops would form.
     */
    default boolean mayFloodFrom(DatapathId dpid, OFPort inPort) {
        return isEdge(dpid, inPort) || isTreePort(dpid, inPort);
    }

    /**
     * A shortest path (fewest hops) from switch {@code from} to switch {@code to}, as the directed
     * links to follow: empty list when {@code from} is {@code to}, empty optional when either is
     * unknown or there is no usable path.
     */
    Optional<List<Link>> path(DatapathId from, DatapathId to);

    /** The first link on the path from {@code from} towards {@code to}, if there is a path. */
    Optional<Link> nextHop(DatapathId from, DatapathId to);
}
