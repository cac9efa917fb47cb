package dev.weft.apps.fabric;

import dev.weft.api.flow.FlowSpec;
import dev.weft.api.tenant.Binding;
import dev.weft.api.tenant.LogicalPort;
import dev.weft.api.topology.Link;
import dev.weft.apps.fabric.SegmentTree.Member;
import dev.weft.apps.tenantpipeline.TenantPipeline;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.action.OFAction;
import org.projectfloodlight.openflow.protocol.instruction.OFInstruction;
import org.projectfloodlight.openflow.protocol.oxm.OFOxm;
import org.projectfloodlight.openflow.protocol.oxm.OFOxms;
import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.EthType;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFMetadata;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.OFVlanVidMatch;
import org.projectfloodlight.openflow.types.TableId;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;

import static dev.weft.apps.tenantpipeline.TenantPipeline.GROUP_BIT;
import static dev.weft.apps.tenantpipeline.TenantPipeline.METADATA_MASK;
import static dev.weft.apps.tenantpipeline.TenantPipeline.SEGMENT_MATCH_MASK;
import static dev.weft.apps.tenantpipeline.TenantPipeline.metadata;

/**
 * The fabric's flow entries: pure functions of a {@link SegmentTree}, the {@link LinkTags} and
 * each switch's {@link Target}.
 *
 * <p><b>Multi-table</b> (OpenFlow 1.3, two tables). Table 0 classifies: from a member's edge
 * port only untagged frames from its own MAC (and, when it has addresses, only IPv4 from its
 * addresses and ARP sent as itself) are admitted, into the segment (metadata, as in the tenant
 * pipeline); from a tree link only the segment's tag on that cable, popped; everything else on a
 * member's port is dropped by a per-port entry, and anything else at all by the default drop.
 * Table 1 forwards by (segment, MAC): to a local member, or along the tree with the next cable's
 * tag pushed; broadcast and multicast to every other tree port and member port of the segment.
 *
 * <p><b>Single-table</b> (OpenFlow 1.0 and table-poor hardware). Everything in table 0, the
 * pipeline encoded in priorities: admission and forwarding become one entry per (source,
 * destination): from a member's port, its own MAC and addresses, to each other member's MAC or
 * the broadcast address; from a tree link, the segment's tag on that cable, to each MAC; the tag
 * is rewritten in place from cable to cable and stripped towards members. Per-port drops below
 * them, the default drop at the bottom. Multicast other than broadcast is dropped (OpenFlow 1.0
 * cannot match the group bit), and ARP is checked by sender IP only (no sender MAC field in 1.0).
 *
 * <p>Both: LLDP to the controller (discovery keeps working), frames from a MAC-bound port's MAC to
 * the controller (so a physical server bound by MAC is found on whichever edge port it speaks).
 */
public final class FabricCompiler {
    public static final TableId CLASSIFY = TableId.of(0);
    public static final TableId FORWARD = TableId.of(1);
    static final int LLDP = 1000;
    static final int ALLOW = 200;
    static final int PORT_DROP = 100;
    /** A VLAN port's side claiming a fabric server's MAC. */
    static final int IMPERSONATION = 220;
    /** Single-table: a known source to a destination the fabric does not know, towards the VLAN port. */
    static final int UNKNOWN_SINGLE = 150;
    /** Multi-table: a destination the fabric does not know, towards the VLAN port. */
    static final int UNKNOWN = 1;
    static final int MAC_PUNT = 50;
    static final int DEFAULT_DROP = 0;
    static final EthType LLDP_TYPE = EthType.of(0x88cc);
    static final OFFactory OF = TenantPipeline.OF;
    private static final OFOxms X = OF.oxms();
    private static final OFOxm<?> UNTAGGED = X.vlanVid(OFVlanVidMatch.UNTAGGED);
    private static final OFOxm<?> BROADCAST = X.ethDst(MacAddress.BROADCAST);
    private static final OFAction TO_CONTROLLER = OF.actions().output(OFPort.CONTROLLER, 0xffff);

    private FabricCompiler() {
    }

    /** The segment's entries on every switch of its tree. */
    public static Map<DatapathId, List<FlowSpec>> segment(SegmentTree tree, LinkTags tags, FabricInputs in) {
        Map<DatapathId, List<FlowSpec>> out = new TreeMap<>();
        for (DatapathId s : tree.switches()) {
            List<FlowSpec> flows = in.target(s).singleTable()
                    ? new SingleTable(tree, tags, s).flows() : multiTable(tree, tags, s);
            out.put(s, flows);
        }
        return out;
    }

    /**
     * Entries of no segment on every fabric switch: LLDP to the controller, MAC-bound ports' MACs
     * to the controller, a drop per member port (below the port's own entries), the default drop.
     */
    public static Map<DatapathId, List<FlowSpec>> base(FabricInputs in, Iterable<SegmentTree> trees) {
        Map<DatapathId, Set<OFPort>> memberPorts = new HashMap<>();
        for (SegmentTree t : trees) {
            t.members().forEach((d, l) -> l.forEach(m -> memberPorts.computeIfAbsent(d, k -> new LinkedHashSet<>())
                    .add(m.ofPort())));
            t.vlanPort().ifPresent(v -> memberPorts.computeIfAbsent(v.dpid(), k -> new LinkedHashSet<>()).add(v.port()));
        }
        List<FlowSpec> common = new ArrayList<>();
        common.add(FlowSpec.of(CLASSIFY, LLDP, apply(TO_CONTROLLER), X.ethType(LLDP_TYPE)));
        common.add(FlowSpec.of(CLASSIFY, DEFAULT_DROP, List.of()));
        for (LogicalPort p : in.config().ports()) {
            if (p.binding() instanceof Binding.ByMac) {
                common.add(FlowSpec.of(CLASSIFY, MAC_PUNT, apply(TO_CONTROLLER), X.ethSrc(p.mac())));
            }
        }
        Map<DatapathId, List<FlowSpec>> out = new TreeMap<>();
        for (var e : in.targets().entrySet()) {
            List<FlowSpec> flows = new ArrayList<>(common);
            if (!e.getValue().singleTable()) {
                flows.add(FlowSpec.of(FORWARD, DEFAULT_DROP, List.of()));
            }
            for (OFPort p : memberPorts.getOrDefault(e.getKey(), Set.of())) {
                flows.add(FlowSpec.of(CLASSIFY, PORT_DROP, List.of(), X.inPort(p)));
            }
            out.put(e.getKey(), flows);
        }
        return out;
    }

    // ---- multi-table --------------------------------------------------------------------------

    private static List<FlowSpec> multiTable(SegmentTree tree, LinkTags tags, DatapathId s) {
        int seg = tree.segment();
        List<FlowSpec> flows = new ArrayList<>();
        List<OFInstruction> admit = List.of(OF.instructions().writeMetadata(metadata(seg, false), METADATA_MASK),
                OF.instructions().gotoTable(FORWARD));
        for (Member m : tree.membersAt(s)) {
            for (OFOxm<?>[] v : admission(m.port(), true)) {
                flows.add(FlowSpec.of(CLASSIFY, ALLOW, admit, concat(v, X.inPort(m.ofPort()), UNTAGGED,
                        X.ethSrc(m.port().mac()))));
            }
        }
        Optional<VlanPort> vp = tree.vlanPort().filter(v -> v.dpid().equals(s));
        if (vp.isPresent()) {
            OFOxm<?> in = X.inPort(vp.get().port());
            OFOxm<?> tag = vlan(vp.get().vlan());
            tree.allMembers().forEach(m -> flows.add(FlowSpec.of(CLASSIFY, IMPERSONATION, List.of(), in, tag,
                    X.ethSrc(m.port().mac()))));
            flows.add(FlowSpec.of(CLASSIFY, ALLOW, List.of(OF.instructions().applyActions(List.of(OF.actions().popVlan())),
                    OF.instructions().writeMetadata(metadata(seg, false), METADATA_MASK),
                    OF.instructions().gotoTable(FORWARD)), in, tag));
        }
        List<OFInstruction> fromLink = List.of(OF.instructions().applyActions(List.of(OF.actions().popVlan())),
                OF.instructions().writeMetadata(metadata(seg, true), METADATA_MASK), OF.instructions().gotoTable(FORWARD));
        for (Link l : tree.linksFrom(s)) {
            OptionalInt t = tags.tag(l, seg);
            if (t.isPresent()) {
                flows.add(FlowSpec.of(CLASSIFY, ALLOW, fromLink, X.inPort(l.src().port()), vlan(t.getAsInt())));
            }
        }
        OFOxm<?> inSegment = X.metadataMasked(OFMetadata.of(metadata(seg, false)), OFMetadata.of(SEGMENT_MATCH_MASK));
        Set<MacAddress> seen = new java.util.HashSet<>();
        for (Member q : tree.allMembers()) {
            if (!seen.add(q.port().mac())) {
                continue;
            }
            List<OFAction> a = toward(tree, tags, s, q, false);
            if (a != null) {
                flows.add(FlowSpec.of(FORWARD, ALLOW, apply(a), inSegment, X.ethDst(q.port().mac())));
            }
        }
        List<OFAction> unknown = towardVlan(tree, tags, s, false);
        if (unknown != null) {
            flows.add(FlowSpec.of(FORWARD, UNKNOWN, apply(unknown), inSegment));
        }
        OFOxm<?> group = X.ethDstMasked(GROUP_BIT, GROUP_BIT);
        for (OFPort in : ingressPorts(tree, s)) {
            List<OFAction> a = flood(tree, tags, s, in, false);
            if (!a.isEmpty()) {
                flows.add(FlowSpec.of(FORWARD, ALLOW, apply(a), inSegment, X.inPort(in), group));
            }
        }
        return flows;
    }

    // ---- single-table -------------------------------------------------------------------------

    /** One switch's entries for one segment in table 0. */
    private record SingleTable(SegmentTree tree, LinkTags tags, DatapathId s) {
        List<FlowSpec> flows() {
            int seg = tree.segment();
            List<FlowSpec> flows = new ArrayList<>();
            for (Member m : tree.membersAt(s)) {
                for (OFOxm<?>[] v : admission(m.port(), false)) {
                    OFOxm<?>[] from = concat(v, X.inPort(m.ofPort()), UNTAGGED, X.ethSrc(m.port().mac()));
                    for (Member q : tree.allMembers()) {
                        if (q.port().mac().equals(m.port().mac())) {
                            continue;
                        }
                        List<OFAction> a = toward(tree, tags, s, q, false);
                        if (a != null && !(q.dpid().equals(s) && q.ofPort().equals(m.ofPort()))) {
                            flows.add(FlowSpec.of(CLASSIFY, ALLOW, apply(a), concat(from, X.ethDst(q.port().mac()))));
                        }
                    }
                    flows.add(FlowSpec.of(CLASSIFY, ALLOW, apply(flood(tree, tags, s, m.ofPort(), false)),
                            concat(from, BROADCAST)));
                    List<OFAction> unknown = towardVlan(tree, tags, s, false);
                    if (unknown != null) {
                        flows.add(FlowSpec.of(CLASSIFY, UNKNOWN_SINGLE, apply(unknown), from));
                    }
                }
            }
            for (Link l : tree.linksFrom(s)) {
                OptionalInt t = tags.tag(l, seg);
                if (t.isEmpty()) {
                    continue;
                }
                OFOxm<?> in = X.inPort(l.src().port());
                OFOxm<?> tag = vlan(t.getAsInt());
                for (Member q : tree.allMembers()) {
                    if (!q.dpid().equals(s) && tree.toward(s, q.dpid()).map(l::equals).orElse(true)) {
                        continue; // behind the link it came from
                    }
                    List<OFAction> a = toward(tree, tags, s, q, true);
                    if (a != null) {
                        flows.add(FlowSpec.of(CLASSIFY, ALLOW, apply(a), in, tag, X.ethDst(q.port().mac())));
                    }
                }
                flows.add(FlowSpec.of(CLASSIFY, ALLOW, apply(flood(tree, tags, s, l.src().port(), true)),
                        in, tag, BROADCAST));
                boolean vlanBehind = tree.vlanPort().map(v -> !v.dpid().equals(s)
                        && tree.toward(s, v.dpid()).map(l::equals).orElse(true)).orElse(true);
                List<OFAction> unknown = towardVlan(tree, tags, s, true);
                if (!vlanBehind && unknown != null) {
                    flows.add(FlowSpec.of(CLASSIFY, UNKNOWN_SINGLE, apply(unknown), in, tag));
                }
            }
            Optional<VlanPort> vp = tree.vlanPort().filter(v -> v.dpid().equals(s));
            if (vp.isPresent()) {
                OFOxm<?> in = X.inPort(vp.get().port());
                OFOxm<?> tag = vlan(vp.get().vlan());
                for (Member q : tree.allMembers()) {
                    flows.add(FlowSpec.of(CLASSIFY, IMPERSONATION, List.of(), in, tag, X.ethSrc(q.port().mac())));
                    List<OFAction> a = toward(tree, tags, s, q, true);
                    if (a != null) {
                        flows.add(FlowSpec.of(CLASSIFY, ALLOW, apply(a), in, tag, X.ethDst(q.port().mac())));
                    }
                }
                flows.add(FlowSpec.of(CLASSIFY, ALLOW, apply(flood(tree, tags, s, vp.get().port(), true)),
                        in, tag, BROADCAST));
            }
            return flows;
        }
    }

    // ---- shared ---------------------------------------------------------------------------------

    /**
     * What a member may send, as match-field sets: as itself only (IPv4 from its addresses, ARP
     * from its addresses, with its own sender MAC where the target can check it), or any frame
     * from its MAC when it has no address.
     */
    private static List<OFOxm<?>[]> admission(LogicalPort p, boolean arpSha) {
        List<OFOxm<?>[]> out = new ArrayList<>();
        if (p.ips().isEmpty()) {
            out.add(new OFOxm<?>[0]);
        }
        for (IPv4Address ip : p.ips()) {
            out.add(new OFOxm<?>[] {X.ethType(EthType.IPv4), X.ipv4Src(ip)});
            out.add(arpSha ? new OFOxm<?>[] {X.ethType(EthType.ARP), X.arpSha(p.mac()), X.arpSpa(ip)}
                    : new OFOxm<?>[] {X.ethType(EthType.ARP), X.arpSpa(ip)});
        }
        return out;
    }

    /** Actions that take a frame at {@code s} to member {@code q}; null when it cannot get there. */
    private static List<OFAction> toward(SegmentTree tree, LinkTags tags, DatapathId s, Member q, boolean tagged) {
        if (q.dpid().equals(s)) {
            return egress(tagged, List.of(q.ofPort()), List.of());
        }
        var l = tree.toward(s, q.dpid());
        if (l.isEmpty()) {
            return null;
        }
        OptionalInt t = tags.tag(l.get(), tree.segment());
        return t.isEmpty() ? null : egress(tagged, List.of(), List.of(new Hop(l.get().src().port(), t.getAsInt())));
    }

    /** Actions that take a frame at {@code s} out of the segment's VLAN port; null when it has none or cannot. */
    private static List<OFAction> towardVlan(SegmentTree tree, LinkTags tags, DatapathId s, boolean tagged) {
        if (tree.vlanPort().isEmpty()) {
            return null;
        }
        VlanPort v = tree.vlanPort().get();
        if (v.dpid().equals(s)) {
            return egress(tagged, List.of(), List.of(new Hop(v.port(), v.vlan())));
        }
        var l = tree.toward(s, v.dpid());
        OptionalInt t = l.isEmpty() ? OptionalInt.empty() : tags.tag(l.get(), tree.segment());
        return t.isEmpty() ? null : egress(tagged, List.of(), List.of(new Hop(l.get().src().port(), t.getAsInt())));
    }

    /** Broadcast from ingress port {@code in} of {@code s}: every other member port, tree link and VLAN port. */
    private static List<OFAction> flood(SegmentTree tree, LinkTags tags, DatapathId s, OFPort in, boolean tagged) {
        Set<OFPort> edges = new LinkedHashSet<>();
        for (Member m : tree.membersAt(s)) {
            if (!m.ofPort().equals(in)) {
                edges.add(m.ofPort());
            }
        }
        List<Hop> hops = new ArrayList<>();
        for (Link l : tree.linksFrom(s)) {
            OptionalInt t = tags.tag(l, tree.segment());
            if (!l.src().port().equals(in) && t.isPresent()) {
                hops.add(new Hop(l.src().port(), t.getAsInt()));
            }
        }
        tree.vlanPort().filter(v -> v.dpid().equals(s) && !v.port().equals(in))
                .ifPresent(v -> hops.add(new Hop(v.port(), v.vlan())));
        return egress(tagged, List.copyOf(edges), hops);
    }

    private record Hop(OFPort port, int tag) {
    }

    /**
     * Out of edge ports (untagged) and tree links (with each cable's tag), for a frame that is
     * tagged now (single-table, from a link: retag in place, strip last) or not.
     */
    private static List<OFAction> egress(boolean tagged, List<OFPort> edges, List<Hop> hops) {
        List<OFAction> a = new ArrayList<>();
        if (!tagged) {
            edges.forEach(p -> a.add(OF.actions().output(p, 0)));
            if (!hops.isEmpty()) {
                a.add(OF.actions().pushVlan(EthType.VLAN_FRAME));
            }
        }
        for (Hop h : hops) {
            a.add(OF.actions().setField(X.vlanVid(OFVlanVidMatch.ofVlan(h.tag()))));
            a.add(OF.actions().output(h.port(), 0));
        }
        if (tagged && !edges.isEmpty()) {
            a.add(OF.actions().popVlan());
            edges.forEach(p -> a.add(OF.actions().output(p, 0)));
        }
        return a;
    }

    private static Set<OFPort> ingressPorts(SegmentTree tree, DatapathId s) {
        Set<OFPort> in = new LinkedHashSet<>();
        tree.membersAt(s).forEach(m -> in.add(m.ofPort()));
        tree.linksFrom(s).forEach(l -> in.add(l.src().port()));
        tree.vlanPort().filter(v -> v.dpid().equals(s)).ifPresent(v -> in.add(v.port()));
        return in;
    }

    static OFOxm<?> vlan(int tag) {
        return X.vlanVid(OFVlanVidMatch.ofVlan(tag));
    }

    private static OFOxm<?>[] concat(OFOxm<?>[] a, OFOxm<?>... b) {
        OFOxm<?>[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    private static List<OFInstruction> apply(OFAction... actions) {
        return apply(List.of(actions));
    }

    private static List<OFInstruction> apply(List<OFAction> actions) {
        return List.of(OF.instructions().applyActions(actions));
    }
}
