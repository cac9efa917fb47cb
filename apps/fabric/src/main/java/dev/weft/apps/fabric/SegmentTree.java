package dev.weft.apps.fabric;

import dev.weft.api.tenant.LogicalNetwork;
import dev.weft.api.tenant.LogicalPort;
import dev.weft.api.tenant.PortLocation;
import dev.weft.api.topology.Link;
import dev.weft.api.topology.PortRole;
import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.OFPort;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Where one logical network lives on the fabric: its members (logical ports located on fabric
 * edge ports) and a loop-free tree joining their switches. The tree is the union of the
 * topology's shortest paths from each member switch to a root (the lowest member datapath id);
 * paths towards one destination form a tree (see {@link dev.weft.api.topology.Topology}), so the
 * union has no loop. Members the root cannot reach (a partitioned fabric) root trees of their own.
 * Paths only cross fabric switches. Unicast and broadcast both follow the tree: every frame of
 * the segment stays on it, and a failed link gives a new tree from the next topology snapshot.
 * A pure function of {@link FabricInputs}.
 */
public final class SegmentTree {
    /** A logical port on a fabric edge port. */
    public record Member(LogicalPort port, DatapathId dpid, OFPort ofPort) {
    }

    private final LogicalNetwork network;
    private final Map<DatapathId, List<Member>> members;
    /** Where the segment continues outside the fabric (at most one). */
    private final Optional<VlanPort> vlanPort;
    private final Map<DatapathId, List<Link>> out;
    /** dst switch → (switch → the tree link leaving it towards dst). */
    private final Map<DatapathId, Map<DatapathId, Link>> toward = new HashMap<>();

    private SegmentTree(LogicalNetwork network, Map<DatapathId, List<Member>> members, Optional<VlanPort> vlanPort,
                        Map<DatapathId, List<Link>> out) {
        this.network = network;
        this.members = members;
        this.vlanPort = vlanPort;
        this.out = out;
        for (DatapathId d : anchors(members, vlanPort)) {
            Map<DatapathId, Link> next = new HashMap<>();
            ArrayDeque<DatapathId> queue = new ArrayDeque<>(List.of(d));
            Set<DatapathId> seen = new HashSet<>(List.of(d));
            while (!queue.isEmpty()) {
                DatapathId x = queue.poll();
                for (Link l : out.getOrDefault(x, List.of())) {
                    DatapathId y = l.dst().dpid();
                    if (seen.add(y)) {
                        next.put(y, l.reversed());
                        queue.add(y);
                    }
                }
            }
            toward.put(d, next);
        }
    }

    public static SegmentTree of(LogicalNetwork net, FabricInputs in) {
        Map<DatapathId, List<Member>> members = membersOf(net, in);
        Optional<VlanPort> vlan = vlanPortOf(net, in);
        Map<DatapathId, Set<Link>> out = new TreeMap<>();
        List<DatapathId> roots = new ArrayList<>();
        for (DatapathId m : anchors(members, vlan)) {
            List<Link> path = null;
            for (DatapathId r : roots) {
                Optional<List<Link>> p = in.topology().path(m, r);
                if (p.isPresent() && p.get().stream().allMatch(l -> in.isFabric(l.dst().dpid()))) {
                    path = p.get();
                    break;
                }
            }
            if (path == null) {
                roots.add(m);
                continue;
            }
            for (Link l : path) {
                out.computeIfAbsent(l.src().dpid(), d -> new TreeSet<>()).add(l);
                out.computeIfAbsent(l.dst().dpid(), d -> new TreeSet<>()).add(l.reversed());
            }
        }
        Map<DatapathId, List<Link>> frozen = new TreeMap<>();
        out.forEach((d, s) -> frozen.put(d, List.copyOf(s)));
        return new SegmentTree(net, members, vlan, frozen);
    }

    /** The network's logical ports located on fabric edge ports, by switch. */
    private static Map<DatapathId, List<Member>> membersOf(LogicalNetwork net, FabricInputs in) {
        Map<DatapathId, List<Member>> members = new TreeMap<>();
        for (LogicalPort p : net.ports()) {
            Optional<PortLocation> at = in.location(p);
            if (at.isEmpty() || !in.isFabric(at.get().dpid()) || !in.topology().contains(at.get().dpid())
                    || in.topology().role(at.get().dpid(), at.get().port()) == PortRole.INTER_SWITCH) {
                continue;
            }
            members.computeIfAbsent(at.get().dpid(), d -> new ArrayList<>())
                    .add(new Member(p, at.get().dpid(), at.get().port()));
        }
        return members;
    }

    private static Optional<VlanPort> vlanPortOf(LogicalNetwork net, FabricInputs in) {
        return in.vlanPorts().stream().filter(v -> v.segment() == net.segment()
                && in.isFabric(v.dpid()) && in.topology().contains(v.dpid())).findFirst();
    }

    /**
     * Whether {@link #of} would build this very tree from {@code in}, given that {@code in} differs
     * from the inputs of this tree only by a topology that lost links, ports or switches (and gained
     * none): the same members and VLAN port, and every link of the tree still there. A shortest path
     * that used no lost link is still the one chosen (ties go the same way), so the tree stands.
     */
    public boolean holdsUnder(FabricInputs in) {
        if (!vlanPort.equals(vlanPortOf(network, in)) || !members.equals(membersOf(network, in))) {
            return false;
        }
        Set<Link> links = in.topology().links();
        for (List<Link> ls : out.values()) {
            for (Link l : ls) {
                if (!links.contains(l)) {
                    return false;
                }
            }
        }
        return true;
    }

    /** The switches the tree joins: those with members, and the VLAN port's. */
    private static Set<DatapathId> anchors(Map<DatapathId, List<Member>> members, Optional<VlanPort> vlan) {
        Set<DatapathId> s = new TreeSet<>(members.keySet());
        vlan.ifPresent(v -> s.add(v.dpid()));
        return s;
    }

    /** Where the segment continues outside the fabric, tagged, if it does. */
    public Optional<VlanPort> vlanPort() {
        return vlanPort;
    }

    /** Whether the segment has anything on the fabric. */
    public boolean isEmpty() {
        return members.isEmpty() && vlanPort.isEmpty();
    }

    public LogicalNetwork network() {
        return network;
    }

    public int segment() {
        return network.segment();
    }

    /** Switches with members, by datapath id. */
    public Map<DatapathId, List<Member>> members() {
        return members;
    }

    public List<Member> membersAt(DatapathId dpid) {
        return members.getOrDefault(dpid, List.of());
    }

    /** Every member, switch by switch. */
    public List<Member> allMembers() {
        List<Member> l = new ArrayList<>();
        members.values().forEach(l::addAll);
        return l;
    }

    /** Every switch the segment needs entries on: member switches and the transit switches of its tree. */
    public Set<DatapathId> switches() {
        Set<DatapathId> s = anchors(members, vlanPort);
        s.addAll(out.keySet());
        return s;
    }

    /** The tree links leaving {@code dpid}. */
    public List<Link> linksFrom(DatapathId dpid) {
        return out.getOrDefault(dpid, List.of());
    }

    /** The tree link leaving {@code from} towards member switch {@code dst}; empty if none (same switch, or not joined). */
    public Optional<Link> toward(DatapathId from, DatapathId dst) {
        return Optional.ofNullable(toward.getOrDefault(dst, Map.of()).get(from));
    }

    /** The cables of the tree, each once ({@link LinkTags#cable}). */
    public Set<Link> cables() {
        Set<Link> s = new TreeSet<>();
        out.values().forEach(l -> l.forEach(x -> s.add(LinkTags.cable(x))));
        return s;
    }
}
