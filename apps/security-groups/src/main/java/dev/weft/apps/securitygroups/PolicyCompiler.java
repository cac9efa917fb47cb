package dev.weft.apps.securitygroups;

import dev.weft.api.flow.FlowSpec;
import dev.weft.api.tenant.FabricView;
import dev.weft.api.tenant.LogicalNetwork;
import dev.weft.api.tenant.LogicalPort;
import dev.weft.api.tenant.NetworkConfig;
import dev.weft.api.tenant.PortLocation;
import dev.weft.api.tenant.RateLimit;
import dev.weft.api.tenant.SecurityGroup;
import dev.weft.api.tenant.SecurityRule;
import dev.weft.apps.tenantpipeline.NetworkFlowsKeeper;
import dev.weft.apps.tenantpipeline.TenantPipeline;
import dev.weft.ovsext.CtState;
import dev.weft.ovsext.NxCt;
import dev.weft.ovsext.NxCtClear;
import org.projectfloodlight.openflow.protocol.instruction.OFInstruction;
import org.projectfloodlight.openflow.protocol.oxm.OFOxm;
import org.projectfloodlight.openflow.protocol.oxm.OFOxms;
import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.EthType;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.IpProtocol;
import org.projectfloodlight.openflow.types.OFMetadata;
import org.projectfloodlight.openflow.types.TransportPort;
import org.projectfloodlight.openflow.types.U16;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

import static dev.weft.apps.tenantpipeline.TenantPipeline.EGRESS_ACL;
import static dev.weft.apps.tenantpipeline.TenantPipeline.GROUP_BIT;
import static dev.weft.apps.tenantpipeline.TenantPipeline.INGRESS_ACL;
import static dev.weft.apps.tenantpipeline.TenantPipeline.OF;
import static dev.weft.apps.tenantpipeline.TenantPipeline.SEGMENT_MATCH_MASK;
import static dev.weft.apps.tenantpipeline.TenantPipeline.metadata;

/**
 * The two ACL stages of the tenant pipeline for one logical network, on the hypervisor where
 * each of its ports with policy is (so a port's policy goes wherever it goes):
 * <ul>
 *   <li>Egress (from the port, by in_port): what it broadcasts or multicasts goes through its
 *       broadcast meter; the rest through its bandwidth meter. With security groups, IPv4 is
 *       tracked in the port's zone; established and related packets pass, a new connection that an
 *       egress rule allows (any, when its groups have no egress rule) is committed and passes,
 *       anything else is dropped. Non-IP (ARP: port security already checked it) passes.</li>
 *   <li>Ingress (to the port, by network and destination MAC, after L3): IPv4 not yet tracked in
 *       the port's zone is (after ct_clear: it may come tracked from another port's zone) tracked
 *       there; established and related pass; new connections that an ingress rule allows are
 *       committed and pass; the rest is dropped (default deny). Non-IP passes.</li>
 * </ul>
 * Broadcast and multicast are rate-limited, not filtered by security groups. A port without
 * groups is not filtered at all, as before security groups existed. For a port that moved a
 * moment ago ({@link Grace}), connections it had are picked up in the middle: a TCP segment
 * without SYN that its rules allow the other way round is committed too. Pure, given the port
 * zones and the ports in grace.
 */
final class PolicyCompiler implements NetworkFlowsKeeper.Compiler {
    static final int BROADCAST = 400;
    static final int UNTRACKED = 300;
    static final int ESTABLISHED = 290;
    static final int ALLOWED = 200;
    /** A moved port's connections picked up in the middle, for a grace period (see {@link Grace}). */
    static final int PICKED_UP = 190;
    static final int DENIED = 150;
    static final int TRACK = 100;
    static final int OTHER = 50;

    private static final OFOxm<?> IPV4 = OF.oxms().ethType(EthType.IPv4);
    private static final OFOxm<?> GROUP_DST = OF.oxms().ethDstMasked(GROUP_BIT, GROUP_BIT);
    private static final OFOxm<?> NOT_TRACKED = CtState.match("-trk");
    private static final OFOxm<?> EST = CtState.match("+trk+est-inv");
    private static final OFOxm<?> REL = CtState.match("+trk+rel-inv");
    private static final OFOxm<?> NEW = CtState.match("+trk+new-inv");
    private static final OFOxm<?> TRACKED = CtState.match("+trk");
    private static final OFOxm<?> TCP = OF.oxms().ipProto(IpProtocol.TCP);
    /** A TCP segment in the middle of a connection: ACK without SYN (tcp_flags=+ack-syn). */
    private static final OFOxm<?> MID_STREAM = OF.oxms().ovsTcpFlagsMasked(U16.of(0x010), U16.of(0x012));

    private final Zones zones;
    private final Grace grace;
    /** The rule matches of each set of groups, for the configuration they were computed from. */
    private volatile Memo memo;
    /** For tests: how many times the rule matches of a set of groups were computed. */
    private final java.util.concurrent.atomic.LongAdder groupSetsComputed = new java.util.concurrent.atomic.LongAdder();
    private final Predicate<DatapathId> metered;
    /** Broadcast packet-rate limit of ports that set none (0: none). */
    private final long defaultBroadcastPps;

    PolicyCompiler(Zones zones, Predicate<DatapathId> metered, long defaultBroadcastPps) {
        this(zones, new Grace(), metered, defaultBroadcastPps);
    }

    PolicyCompiler(Zones zones, Grace grace, Predicate<DatapathId> metered, long defaultBroadcastPps) {
        this.zones = zones;
        this.grace = grace;
        this.metered = metered;
        this.defaultBroadcastPps = defaultBroadcastPps;
    }

    /** The limits a port gets: its own, with the default broadcast limit when it sets none. */
    RateLimit limits(LogicalPort p) {
        RateLimit r = p.policy().rateLimit();
        return r.broadcastPps() == 0 && defaultBroadcastPps > 0
                ? new RateLimit(r.kbps(), r.burstKb(), defaultBroadcastPps) : r;
    }

    /** True when the port needs entries of this app (groups, or limits). */
    boolean hasPolicy(LogicalPort p) {
        return p.policy().filtered() || !limits(p).isNone();
    }

    @Override
    public Map<DatapathId, List<FlowSpec>> network(LogicalNetwork net, FabricView view) {
        Map<DatapathId, List<FlowSpec>> out = new HashMap<>();
        for (LogicalPort p : net.ports()) {
            Optional<PortLocation> at = view.location(p);
            if (at.isEmpty() || view.config().node(at.get().dpid()).isEmpty() || !hasPolicy(p)) {
                continue;
            }
            DatapathId dpid = at.get().dpid();
            int zone = zones.assign(dpid, p.name(), Reserved.zones(view.config(), dpid));
            List<FlowSpec> flows = out.computeIfAbsent(dpid, d -> new ArrayList<>());
            port(p, at.get(), zone, metered.test(dpid), view, flows);
        }
        return out;
    }

    /** Where an entry comes from: a rule of a group ({@code group} set), or a stage of the pipeline. */
    record Origin(String group, String direction, String what) {
        static Origin stage(String direction, String what) {
            return new Origin(null, direction, what);
        }
    }

    /** The origin of each entry of one port (for its counters); nothing when the port has no policy. */
    Map<FlowSpec.Key, Origin> origins(LogicalPort p, PortLocation at, int zone, boolean meters, FabricView view) {
        Map<FlowSpec.Key, Origin> out = new java.util.LinkedHashMap<>();
        if (hasPolicy(p)) {
            port(p, at, zone, meters, view, new ArrayList<>(), (f, o) -> out.putIfAbsent(f.key(), o));
        }
        return out;
    }

    private interface Labels {
        void add(FlowSpec f, Origin o);
    }

    private static void add(List<FlowSpec> flows, Labels labels, FlowSpec f, Origin o) {
        flows.add(f);
        if (labels != null) {
            labels.add(f, o);
        }
    }

    private void port(LogicalPort p, PortLocation at, int zone, boolean meters, FabricView view, List<FlowSpec> flows) {
        port(p, at, zone, meters, view, flows, null);
    }

    private void port(LogicalPort p, PortLocation at, int zone, boolean meters, FabricView view, List<FlowSpec> flows,
                      Labels l) {
        OFOxms x = OF.oxms();
        OFOxm<?> in = x.inPort(at.port());
        RateLimit limit = limits(p);
        OFInstruction bw = meters && limit.kbps() > 0 ? OF.instructions().meter(Zones.bandwidthMeter(zone)) : null;
        OFInstruction bc = meters && limit.broadcastPps() > 0 ? OF.instructions().meter(Zones.broadcastMeter(zone))
                : null;
        OFInstruction next = OF.instructions().gotoTable(TenantPipeline.next(EGRESS_ACL));
        if (bc != null || p.policy().filtered()) {
            add(flows, l, FlowSpec.of(EGRESS_ACL, BROADCAST, with(bc, next), in, GROUP_DST),
                    Origin.stage("egress", "broadcast and multicast"));
        }
        if (bw != null || p.policy().filtered()) {
            add(flows, l, FlowSpec.of(EGRESS_ACL, OTHER, with(bw, next), in), Origin.stage("egress", "not IPv4"));
        }
        if (!p.policy().filtered()) {
            return;
        }
        OFOxm<?> ctZone = x.connTrackingZone(U16.of(zone));
        // Egress: track, then decide.
        add(flows, l, FlowSpec.of(EGRESS_ACL, UNTRACKED, with(bw, apply(NxCt.track(zone, EGRESS_ACL))), in, IPV4,
                NOT_TRACKED), Origin.stage("egress", "IPv4 (tracked)"));
        add(flows, l, FlowSpec.of(EGRESS_ACL, ESTABLISHED, List.of(next), in, IPV4, EST, ctZone),
                Origin.stage("egress", "established"));
        add(flows, l, FlowSpec.of(EGRESS_ACL, ESTABLISHED, List.of(next), in, IPV4, REL, ctZone),
                Origin.stage("egress", "related"));
        List<OFInstruction> commitOut = List.of(apply(NxCt.commit(zone)), next);
        // The rule part of each entry is the same for every port of the tenant with these groups:
        // computed once per configuration, merged here with the port's own fields.
        GroupMatches rules = groupMatches(p, view.config());
        OFOxm<?>[] egressBase = sorted(in, IPV4, NEW, ctZone);
        for (RuleMatch m : rules.egress()) {
            add(flows, l, merged(EGRESS_ACL, ALLOWED, commitOut, egressBase, m.fields()), m.origin());
        }
        boolean moved = grace.contains(p.name());
        if (moved) {
            // Connections the port served before it moved: its replies, as an ingress rule allows
            // the other way (the tracker here picks them up in the middle, as +new).
            for (RuleMatch m : rules.ingress()) {
                reversedTcp(m.fields()).ifPresent(r -> add(flows, l,
                        spec(EGRESS_ACL, PICKED_UP, commitOut, r, in, IPV4, NEW, ctZone), pickedUp(m.origin())));
            }
        }
        add(flows, l, FlowSpec.of(EGRESS_ACL, DENIED, List.of(), in, IPV4), Origin.stage("egress", "denied"));
        // Ingress: by (network, destination MAC), wherever the packet comes from.
        OFOxm<?> net = x.metadataMasked(OFMetadata.of(metadata(p.segment(), false)), OFMetadata.of(SEGMENT_MATCH_MASK));
        OFOxm<?> dst = x.ethDst(p.mac());
        OFInstruction toL2 = OF.instructions().gotoTable(TenantPipeline.next(INGRESS_ACL));
        add(flows, l, FlowSpec.of(INGRESS_ACL, TRACK, List.of(apply(NxCtClear.INSTANCE, NxCt.track(zone, INGRESS_ACL))),
                net, dst, IPV4), Origin.stage("ingress", "IPv4 (tracked)"));
        add(flows, l, FlowSpec.of(INGRESS_ACL, ESTABLISHED, List.of(toL2), net, dst, IPV4, EST, ctZone),
                Origin.stage("ingress", "established"));
        add(flows, l, FlowSpec.of(INGRESS_ACL, ESTABLISHED, List.of(toL2), net, dst, IPV4, REL, ctZone),
                Origin.stage("ingress", "related"));
        List<OFInstruction> commitIn = List.of(apply(NxCt.commit(zone)), toL2);
        OFOxm<?>[] ingressBase = sorted(net, dst, IPV4, NEW, ctZone);
        for (RuleMatch m : rules.ingress()) {
            add(flows, l, merged(INGRESS_ACL, ALLOWED, commitIn, ingressBase, m.fields()), m.origin());
        }
        if (moved) {
            // Connections the port opened before it moved: what comes back, as an egress rule
            // allows the other way.
            for (RuleMatch m : rules.egress()) {
                reversedTcp(m.fields()).ifPresent(r -> add(flows, l,
                        spec(INGRESS_ACL, PICKED_UP, commitIn, r, net, dst, IPV4, NEW, ctZone), pickedUp(m.origin())));
            }
        }
        add(flows, l, FlowSpec.of(INGRESS_ACL, DENIED, List.of(), net, dst, IPV4, TRACKED, ctZone),
                Origin.stage("ingress", "denied"));
    }

    private static Origin pickedUp(Origin o) {
        return new Origin(o.group(), o.direction(), o.what() + " (reversed: connections picked up after a move)");
    }

    /** One match of a rule: the fields it adds to its port's entry, in canonical order, and the rule. */
    record RuleMatch(List<OFOxm<?>> fields, Origin origin) {
    }

    /** The rule matches of a tenant's set of groups in both directions, without duplicates. */
    record GroupMatches(List<RuleMatch> egress, List<RuleMatch> ingress) {
    }

    /** A tenant's groups, as a port lists them. */
    record GroupSet(String tenant, List<String> groups) {
    }

    /** Rule matches by set of groups, valid for one configuration (they name its members' addresses). */
    private record Memo(NetworkConfig config, Map<GroupSet, GroupMatches> bySet) {
    }

    /**
     * The rule matches of the port's groups: the same for every port of its tenant that lists the
     * same groups, so computed once per configuration (a new configuration starts afresh: a group's
     * members, and so its remote addresses, may have changed).
     */
    GroupMatches groupMatches(LogicalPort p, NetworkConfig config) {
        Memo m = memo;
        if (m == null || m.config() != config) {
            m = new Memo(config, new ConcurrentHashMap<>());
            memo = m;
        }
        return m.bySet().computeIfAbsent(new GroupSet(p.tenant(), p.policy().securityGroups()), s -> {
            groupSetsComputed.increment();
            return new GroupMatches(matches(s, SecurityRule.Direction.EGRESS, config),
                    matches(s, SecurityRule.Direction.INGRESS, config));
        });
    }

    /** For tests: how many sets of groups had their rule matches computed. */
    long groupSetsComputed() {
        return groupSetsComputed.sum();
    }

    /**
     * The rule matches of a set of groups in one direction, without duplicates, each with the
     * first rule that gave it. Egress with no egress rule in any of the groups: one empty match
     * (anything).
     */
    static List<RuleMatch> matches(GroupSet set, SecurityRule.Direction d, NetworkConfig config) {
        Map<List<OFOxm<?>>, Origin> out = new java.util.LinkedHashMap<>();
        boolean any = false;
        String dir = d.name().toLowerCase(java.util.Locale.ROOT);
        for (String g : set.groups()) {
            Optional<SecurityGroup> group = config.securityGroup(set.tenant(), g);
            if (group.isEmpty()) {
                continue;
            }
            for (SecurityRule r : group.get().rules()) {
                if (r.direction() == d) {
                    any = true;
                    Origin o = new Origin(g, dir, r.toString());
                    for (List<OFOxm<?>> m : RuleMatches.of(r, set.tenant(), config)) {
                        out.putIfAbsent(List.of(sorted(m.toArray(new OFOxm<?>[0]))), o);
                    }
                }
            }
        }
        if (!any && d == SecurityRule.Direction.EGRESS) {
            out.put(List.of(), Origin.stage(dir, "anything (its groups have no egress rule)"));
        }
        List<RuleMatch> l = new ArrayList<>(out.size());
        out.forEach((m, o) -> l.add(new RuleMatch(m, o)));
        return List.copyOf(l);
    }

    private static OFOxm<?>[] sorted(OFOxm<?>... fields) {
        OFOxm<?>[] a = fields.clone();
        java.util.Arrays.sort(a, FlowSpec.FIELD_ORDER);
        return a;
    }

    /** An entry whose match is the port's fields and a rule's (both in canonical order), merged. */
    private static FlowSpec merged(org.projectfloodlight.openflow.types.TableId t, int prio, List<OFInstruction> ins,
                                   OFOxm<?>[] base, List<OFOxm<?>> rule) {
        OFOxm<?>[] out = new OFOxm<?>[base.length + rule.size()];
        int i = 0;
        int j = 0;
        int k = 0;
        while (i < base.length && j < rule.size()) {
            out[k++] = FlowSpec.FIELD_ORDER.compare(base[i], rule.get(j)) <= 0 ? base[i++] : rule.get(j++);
        }
        while (i < base.length) {
            out[k++] = base[i++];
        }
        while (j < rule.size()) {
            out[k++] = rule.get(j++);
        }
        return new FlowSpec(t, prio, List.of(out), ins);
    }

    /**
     * Rule matches seen from the other end, TCP only, for segments in the middle of a connection:
     * the remote address as the other side (source for destination), the rule's port as the
     * segment's source port, ACK without SYN. A rule of another protocol has none; a rule of any
     * protocol becomes TCP.
     */
    static Optional<List<OFOxm<?>>> reversedTcp(List<OFOxm<?>> rule) {
        OFOxms x = OF.oxms();
        List<OFOxm<?>> r = new ArrayList<>();
        boolean proto = false;
        for (OFOxm<?> o : rule) {
            Object v = o.getValue();
            Object mask = o.isMasked() ? o.getMask() : null;
            switch (o.getMatchField().id) {
                case IP_PROTO -> {
                    if (!IpProtocol.TCP.equals(v)) {
                        return Optional.empty();
                    }
                    proto = true;
                    r.add(o);
                }
                case IPV4_SRC -> r.add(mask == null ? x.ipv4Dst((IPv4Address) v)
                        : x.ipv4DstMasked((IPv4Address) v, (IPv4Address) mask));
                case IPV4_DST -> r.add(mask == null ? x.ipv4Src((IPv4Address) v)
                        : x.ipv4SrcMasked((IPv4Address) v, (IPv4Address) mask));
                case TCP_DST -> r.add(mask == null ? x.tcpSrc((TransportPort) v)
                        : x.tcpSrcMasked((TransportPort) v, (TransportPort) mask));
                default -> {
                    return Optional.empty();
                }
            }
        }
        if (!proto) {
            r.add(0, TCP);
        }
        r.add(MID_STREAM);
        return Optional.of(r);
    }

    private static FlowSpec spec(org.projectfloodlight.openflow.types.TableId t, int prio, List<OFInstruction> ins,
                                 List<OFOxm<?>> rule, OFOxm<?>... base) {
        List<OFOxm<?>> f = new ArrayList<>(List.of(base));
        f.addAll(rule);
        return new FlowSpec(t, prio, f, ins);
    }

    private static List<OFInstruction> with(OFInstruction meter, OFInstruction then) {
        return meter == null ? List.of(then) : List.of(meter, then);
    }

    private static OFInstruction apply(org.projectfloodlight.openflow.protocol.action.OFAction... actions) {
        return OF.instructions().applyActions(List.of(actions));
    }

    /** Zones a port must not take on a node: those of routers whose way out is there. */
    static final class Reserved {
        private Reserved() {
        }

        static Set<Integer> zones(NetworkConfig c, DatapathId dpid) {
            // Only a gateway node has routers' zones: most nodes are none (and scanning every
            // tenant's routers per port made a full compilation quadratic).
            if (c.externalNetworks().stream().noneMatch(x -> x.dpid().equals(dpid))) {
                return Set.of();
            }
            Set<Integer> out = new HashSet<>();
            for (var r : c.routers()) {
                if (r.gateway().isPresent() && !r.ports().isEmpty()
                        && c.gatewayNode(r.ports().get(0).segment()).filter(dpid::equals).isPresent()) {
                    out.add(r.gateway().get().zone());
                }
            }
            return out;
        }
    }
}
