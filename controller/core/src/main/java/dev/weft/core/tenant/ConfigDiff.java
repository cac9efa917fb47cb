package dev.weft.core.tenant;

import dev.weft.api.tenant.LogicalNetwork;
import dev.weft.api.tenant.LogicalRouter;
import dev.weft.api.tenant.NetworkConfig;
import dev.weft.api.tenant.RouterPort;

import java.util.HashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/** What changed between two configurations, per logical network. */
public final class ConfigDiff {
    private ConfigDiff() {
    }

    /**
     * Segments added, removed, or whose network differs in any way (name, subnet, ports, DHCP), or
     * whose router differs (its ports, routes, gateway, or the external network it leads to): a
     * router's flows are compiled with the networks it joins.
     */
    public static Set<Integer> changedSegments(NetworkConfig before, NetworkConfig after) {
        Set<Integer> changed = new HashSet<>();
        for (LogicalNetwork n : after.networks()) {
            if (!Objects.equals(before.network(n.segment()).orElse(null), n)) {
                changed.add(n.segment());
            }
        }
        for (LogicalNetwork n : before.networks()) {
            if (after.network(n.segment()).isEmpty()) {
                changed.add(n.segment());
            }
        }
        routersChanged(before, after, changed);
        routersChanged(after, before, changed);
        for (var g : before.vlanGateways()) {
            if (!after.vlanGateways().contains(g)) {
                changed.add(g.segment());
            }
        }
        for (var g : after.vlanGateways()) {
            if (!before.vlanGateways().contains(g)) {
                changed.add(g.segment());
            }
        }
        return changed;
    }

    /** Segments of routers in {@code a} that are not the same in {@code b}. */
    private static void routersChanged(NetworkConfig a, NetworkConfig b, Set<Integer> changed) {
        for (LogicalRouter r : a.routers()) {
            boolean same = true;
            for (RouterPort p : r.ports()) {
                if (!b.router(p.segment()).equals(Optional.of(r))) {
                    same = false;
                    break;
                }
            }
            if (same && r.gateway().isPresent()) {
                String x = r.gateway().get().network();
                same = a.externalNetwork(x).equals(b.externalNetwork(x));
            }
            if (!same) {
                r.ports().forEach(p -> changed.add(p.segment()));
            }
        }
    }
}
