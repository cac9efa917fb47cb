package dev.weft.apps.securitygroups;

import dev.weft.api.flow.FlowSpec;
import dev.weft.api.tenant.FabricView;
import dev.weft.api.tenant.LogicalNetwork;
import dev.weft.api.tenant.LogicalPort;
import dev.weft.api.tenant.NetworkConfig;
import dev.weft.api.tenant.PortLocation;
import dev.weft.api.tenant.SecurityGroup;
import dev.weft.api.tenant.Tenant;
import dev.weft.apps.tenantpipeline.PipelineModel;
import dev.weft.sim.packet.Frames;
import org.junit.jupiter.api.Test;
import org.projectfloodlight.openflow.types.DatapathId;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static dev.weft.api.tenant.SecurityRule.Protocol.TCP;
import static dev.weft.apps.securitygroups.Site.HV1;
import static dev.weft.apps.securitygroups.Site.HV2;
import static dev.weft.apps.securitygroups.Site.at;
import static dev.weft.apps.securitygroups.Site.icmpIn;
import static dev.weft.apps.securitygroups.Site.in;
import static dev.weft.apps.securitygroups.Site.port;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Adding a VM to a group that other groups name as remote: only the networks of the ports whose
 * rules name it are recompiled, and of their entries only those naming the new member's address
 * change (the flow-mods the change costs); the new member gets in, nothing else changes.
 * Three networks: "front" (web1, whose group web lets in ping from group admin), "ops" (the
 * admins, ops2 that joins, and web2 in group web), "other" (a port whose group names nobody).
 */
class IncrementalTest {
    static final List<SecurityGroup> GROUPS = List.of(
            new SecurityGroup("acme", "web", List.of(in(TCP, 80, null), icmpIn("admin"))),
            new SecurityGroup("acme", "admin", List.of()),
            new SecurityGroup("acme", "plain", List.of(in(TCP, 22, null))));
    static final LogicalPort WEB1 = port("web1", "acme", 5001, 1, "10.0.1.11", List.of("web"));
    static final LogicalPort ADMIN1 = port("admin1", "acme", 5002, 2, "10.0.1.21", List.of("admin"));
    static final LogicalPort WEB2 = port("web2", "acme", 5002, 5, "10.0.1.25", List.of("web"));
    static final LogicalPort OTHER = port("other", "acme", 5003, 3, "10.0.1.31", List.of("plain"));
    static final Map<String, PortLocation> WHERE = Map.of("web1", at(HV1, 1), "admin1", at(HV2, 1),
            "ops2", at(HV2, 2), "other", at(HV1, 3), "web2", at(HV1, 5));

    static NetworkConfig config(LogicalPort ops2) {
        return new NetworkConfig(List.of(HV1, HV2), List.of(new Tenant("acme", List.of(
                net(5001, WEB1), net(5002, ADMIN1, ops2, WEB2), net(5003, OTHER)), List.of(), GROUPS)));
    }

    static LogicalNetwork net(int seg, LogicalPort... ports) {
        return new LogicalNetwork("acme", "n" + seg, seg, Optional.empty(), List.of(ports));
    }

    @Test
    void aNewMemberOfARemoteGroupTouchesOnlyTheEntriesThatNameIt() {
        LogicalPort outside = port("ops2", "acme", 5002, 4, "10.0.1.22", List.of());
        LogicalPort joined = port("ops2", "acme", 5002, 4, "10.0.1.22", List.of("admin"));
        NetworkConfig before = config(outside);
        NetworkConfig after = config(joined);
        // The ops network changed (ops2's groups); through group admin, so does front; other does not.
        Set<Integer> also = Affected.of(before, after, Set.of(5002));
        assertEquals(Set.of(5001, 5002), union(also, Set.of(5002)), "recompiled networks");
        Zones z = new Zones();
        PolicyCompiler c = new PolicyCompiler(z, d -> true, 0);
        FabricView vb = Site.view(before, WHERE);
        FabricView va = Site.view(after, WHERE);
        int changed = 0;
        for (int seg : List.of(5001, 5002, 5003)) {
            Map<DatapathId, List<FlowSpec>> b = c.network(before.network(seg).orElseThrow(), vb);
            Map<DatapathId, List<FlowSpec>> a = c.network(after.network(seg).orElseThrow(), va);
            int d = diff(b, a);
            if (!also.contains(seg) && seg != 5002) {
                assertEquals(0, d, "network " + seg + " is not recompiled, and would not have changed");
            }
            changed += d;
        }
        // web1's and web2's ingress: one entry each for ping from ops2's address. ops2's own, now
        // that it is filtered: 7 egress entries (broadcast, untracked, est, rel, allow-any,
        // deny, non-IP) and 4 ingress (track, est, rel, deny).
        assertEquals(2 + 11, changed, "flow-mods of the change");
        // The same compiler compiled both configurations: what it memoised for the first (the
        // rule matches of each set of groups) was not used for the second.
        PolicyCompiler fresh = new PolicyCompiler(new Zones(), d -> true, 0);
        for (int seg : List.of(5001, 5002, 5003)) {
            LogicalNetwork n = after.network(seg).orElseThrow();
            assertEquals(0, diff(fresh.network(n, va), c.network(n, va)),
                    "network " + seg + ", as a compiler that never saw the old configuration compiles it");
        }
        // And what it does: ops2 gets its ping through to web2 (its network; web1's is another).
        PipelineModel pb = Site.model(vb, new PolicyCompiler(new Zones(), d -> true, 0), new Zones(), new Site.Clock());
        PipelineModel pa = Site.model(va, new PolicyCompiler(new Zones(), d -> true, 0), new Zones(), new Site.Clock());
        byte[] ping = Frames.from(joined.mac(), joined.ips().get(0)).to(WEB2.mac(), WEB2.ips().get(0)).echoRequest(9, 1);
        assertTrue(pb.send("ops2", ping).reachedNobody(), "before: not in admin");
        assertTrue(pa.send("ops2", ping).reachedOnly("web2"), "after: in admin");
    }

    @Test
    void aChangedRuleRecompilesWhereItsGroupsMembersAre() {
        NetworkConfig before = config(port("ops2", "acme", 5002, 4, "10.0.1.22", List.of()));
        List<SecurityGroup> edited = List.of(GROUPS.get(0), GROUPS.get(1),
                new SecurityGroup("acme", "plain", List.of(in(TCP, 2222, null))));
        NetworkConfig after = new NetworkConfig(List.of(HV1, HV2), List.of(new Tenant("acme",
                before.tenants().get(0).networks(), List.of(), edited)));
        assertEquals(Set.of(5003), Affected.of(before, after, Set.of()), "only where members of 'plain' are");
    }

    @Test
    void portsWithTheSameGroupsShareOneComputationOfTheirRuleMatchesPerConfiguration() {
        // front: web1 and two more ports in group web; ops: web2 (web), admin1 (admin).
        LogicalPort web3 = port("web3", "acme", 5001, 6, "10.0.1.13", List.of("web"));
        LogicalPort web4 = port("web4", "acme", 5001, 7, "10.0.1.14", List.of("web"));
        NetworkConfig cfg = new NetworkConfig(List.of(HV1, HV2), List.of(new Tenant("acme", List.of(
                net(5001, WEB1, web3, web4), net(5002, ADMIN1, WEB2), net(5003, OTHER)), List.of(), GROUPS)));
        Map<String, PortLocation> where = new java.util.HashMap<>(WHERE);
        where.put("web3", at(HV1, 6));
        where.put("web4", at(HV2, 7));
        FabricView v = Site.view(cfg, where);
        PolicyCompiler c = new PolicyCompiler(new Zones(), d -> true, 0);
        c.network(cfg.network(5001).orElseThrow(), v);
        assertEquals(1, c.groupSetsComputed(), "three ports in group web: computed once");
        c.network(cfg.network(5002).orElseThrow(), v);
        assertEquals(2, c.groupSetsComputed(), "web2 (web) reuses it; admin1 (admin) is a second set");
        c.network(cfg.network(5001).orElseThrow(), v);
        assertEquals(2, c.groupSetsComputed(), "recompiling under the same configuration computes nothing again");
        // The same tenant under a new configuration (ops2 joins admin): computed afresh.
        NetworkConfig next = config(port("ops2", "acme", 5002, 4, "10.0.1.22", List.of("admin")));
        c.network(next.network(5001).orElseThrow(), Site.view(next, WHERE));
        assertEquals(3, c.groupSetsComputed(), "a new configuration: the rule matches of group web again");
    }

    @Test
    void onlyTheGroupsThatChangedAreRedefinedWhateverTheTenantsOrder() {
        NetworkConfig before = config(port("ops2", "acme", 5002, 4, "10.0.1.22", List.of()));
        Tenant acme = before.tenants().get(0);
        Tenant globex = new Tenant("globex", List.of(), List.of(), List.of(new SecurityGroup("globex", "web",
                List.of(in(TCP, 443, null)))));
        Tenant globexEdited = new Tenant("globex", List.of(), List.of(), List.of(new SecurityGroup("globex", "web",
                List.of(in(TCP, 444, null)))));
        NetworkConfig two = new NetworkConfig(List.of(HV1, HV2), List.of(acme, globex));
        assertEquals(Set.of(), Affected.redefined(two, two), "nothing changed");
        assertEquals(Set.of("globex/web"), Affected.redefined(before, two), "a tenant added");
        assertEquals(Set.of("globex/web"), Affected.redefined(two, before), "a tenant removed");
        assertEquals(Set.of("globex/web"), Affected.redefined(two,
                new NetworkConfig(List.of(HV1, HV2), List.of(acme, globexEdited))), "a rule changed, same order");
        assertEquals(Set.of("globex/web"), Affected.redefined(two,
                new NetworkConfig(List.of(HV1, HV2), List.of(globexEdited, acme))), "a rule changed, tenants reordered");
        assertEquals(Set.of(), Affected.redefined(two,
                new NetworkConfig(List.of(HV1, HV2), List.of(globex, acme))), "only reordered");
    }

    static Set<Integer> union(Set<Integer> a, Set<Integer> b) {
        Set<Integer> s = new HashSet<>(a);
        s.addAll(b);
        return s;
    }

    /** Entries added, removed or changed between two compilations (what the flow programmer sends). */
    static int diff(Map<DatapathId, List<FlowSpec>> before, Map<DatapathId, List<FlowSpec>> after) {
        Set<DatapathId> all = new HashSet<>(before.keySet());
        all.addAll(after.keySet());
        int n = 0;
        for (DatapathId d : all) {
            Map<FlowSpec.Key, FlowSpec> b = new java.util.HashMap<>();
            before.getOrDefault(d, List.of()).forEach(f -> b.put(f.key(), f));
            for (FlowSpec f : after.getOrDefault(d, List.of())) {
                FlowSpec was = b.remove(f.key());
                if (!f.equals(was)) {
                    n++;
                }
            }
            n += b.size();
        }
        return n;
    }
}
