package dev.weft.apps.securitygroups;

import dev.weft.api.tenant.LogicalNetwork;
import dev.weft.api.tenant.LogicalPort;
import dev.weft.api.tenant.NetworkConfig;
import dev.weft.api.tenant.SecurityGroup;

import java.util.HashSet;
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
        Set<String> redefined = new HashSet<>();
        Map<String, SecurityGroup> old = before.securityGroups().stream()
                .collect(Collectors.toMap(SecurityGroup::qualifiedName, Function.identity()));
        for (SecurityGroup g : after.securityGroups()) {
            if (!g.equals(old.remove(g.qualifiedName()))) {
                redefined.add(g.qualifiedName());
            }
        }
        redefined.addAll(old.keySet());
        // Groups whose membership (or members' addresses) changed: from the ports of changed networks.
        Set<String> membership = new HashSet<>();
        for (int seg : changed) {
            Optional<LogicalNetwork> a = after.network(seg);
            Optional<LogicalNetwork> b = before.network(seg);
            Map<String, LogicalPort> was = b.map(n -> n.ports().stream()
                    .collect(Collectors.toMap(LogicalPort::name, Function.identity()))).orElse(Map.of());
            Set<String> seen = new HashSet<>();
            for (LogicalPort p : a.map(LogicalNetwork::ports).orElse(java.util.List.of())) {
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
}
