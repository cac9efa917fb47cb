package dev.weft.apps.securitygroups;

import dev.weft.api.tenant.LogicalNetwork;
import dev.weft.api.tenant.LogicalPort;
import dev.weft.api.tenant.NetworkConfig;
import dev.weft.api.tenant.SecurityGroup;
import dev.weft.api.tenant.Tenant;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Which networks a configuration change reaches through security groups, beyond the networks
 * that changed themselves: a group whose rules changed is recompiled where its members are; a
 * group that gained or lost a member (or a member's addresses) is recompiled where the members
 * of the groups naming it as remote are. Only those: adding a VM to a group touches the entries
 * that name its addresses, not every port of the tenant.
 */
final class Affected {
    private Affected() {
    }

    static Set<Integer> of(NetworkConfig before, NetworkConfig after, Set<Integer> changed) {
        Set<String> redefined = redefined(before, after);
        // Groups whose membership (or members' addresses) changed: from the ports of changed networks.
        Set<String> membership = new HashSet<>();
        for (int seg : changed) {
            Optional<LogicalNetwork> a = after.network(seg);
            Optional<LogicalNetwork> b = before.network(seg);
            Map<String, LogicalPort> was = b.map(n -> n.ports().stream()
                    .collect(Collectors.toMap(LogicalPort::name, Function.identity()))).orElse(Map.of());
            Set<String> seen = new HashSet<>();
            for (LogicalPort p : a.map(LogicalNetwork::ports).orElse(List.of())) {
                seen.add(p.name());
                LogicalPort q = was.get(p.name());
                if (q == null || !Objects.equals(q.ips(), p.ips())
                        || !q.policy().securityGroups().equals(p.policy().securityGroups())) {
                    p.policy().securityGroups().forEach(g -> membership.add(p.tenant() + "/" + g));
                    if (q != null) {
                        q.policy().securityGroups().forEach(g -> membership.add(q.tenant() + "/" + g));
                    }
                }
            }
            for (LogicalPort q : was.values()) {
                if (!seen.contains(q.name())) {
                    q.policy().securityGroups().forEach(g -> membership.add(q.tenant() + "/" + g));
                }
            }
        }
        Set<String> recompile = new HashSet<>(redefined);
        for (String g : membership) {
            int slash = g.indexOf('/');
            String tenant = g.substring(0, slash);
            String name = g.substring(slash + 1);
            after.referrers(tenant, name).forEach(r -> recompile.add(r.qualifiedName()));
        }
        Set<Integer> out = new HashSet<>();
        for (String g : recompile) {
            int slash = g.indexOf('/');
            for (LogicalPort p : after.members(g.substring(0, slash), g.substring(slash + 1))) {
                out.add(p.segment());
            }
        }
        return out;
    }

    /**
     * The groups (tenant/name) added, removed or whose rules changed. Tenants whose groups are the
     * same are skipped without looking at each group (a membership change compares one list per
     * tenant, not every group of the site); tenants in the same order (the usual case) are
     * compared pairwise.
     */
    static Set<String> redefined(NetworkConfig before, NetworkConfig after) {
        List<Tenant> a = before.tenants();
        List<Tenant> b = after.tenants();
        Set<String> out = new HashSet<>();
        if (a.size() == b.size()) {
            boolean aligned = true;
            for (int i = 0; i < a.size() && aligned; i++) {
                Tenant x = a.get(i);
                Tenant y = b.get(i);
                if (!x.name().equals(y.name())) {
                    aligned = false;
                } else if (!x.securityGroups().equals(y.securityGroups())) {
                    differing(x.securityGroups(), y.securityGroups(), out);
                }
            }
            if (aligned) {
                return out;
            }
            out.clear();
        }
        Map<String, List<SecurityGroup>> was = new HashMap<>();
        a.forEach(t -> was.put(t.name(), t.securityGroups()));
        for (Tenant t : b) {
            List<SecurityGroup> old = was.remove(t.name());
            if (old == null || !old.equals(t.securityGroups())) {
                differing(old == null ? List.of() : old, t.securityGroups(), out);
            }
        }
        was.values().forEach(gs -> differing(gs, List.of(), out));
        return out;
    }

    /** Adds to {@code out} the groups of one tenant that are not the same in both lists. */
    private static void differing(List<SecurityGroup> before, List<SecurityGroup> after, Set<String> out) {
        Map<String, SecurityGroup> old = before.stream()
                .collect(Collectors.toMap(SecurityGroup::qualifiedName, Function.identity()));
        for (SecurityGroup g : after) {
            if (!g.equals(old.remove(g.qualifiedName()))) {
                out.add(g.qualifiedName());
            }
        }
        out.addAll(old.keySet());
    }
}
