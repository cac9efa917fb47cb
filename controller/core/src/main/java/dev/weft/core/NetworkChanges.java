package dev.weft.core;

import dev.weft.api.tenant.NetworkConfig;
import dev.weft.core.config.ReloadResult;
import dev.weft.core.config.WeftConfig;
import dev.weft.core.tenant.ConfigDiff;
import dev.weft.core.tenant.TenantManager;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What putting a network configuration in force does (after {@link ConfigReloads} read and ordered
 * it): tells what changed (logical networks, transport nodes, external networks, security groups)
 * and hands the networks to the {@link TenantManager} only when something did. Controller and app
 * settings take effect at the next start; a change to them is logged.
 */
final class NetworkChanges {
    private static final Logger log = LoggerFactory.getLogger(NetworkChanges.class);

    private final ControllerSettings settings;
    private final TenantManager tenants;

    NetworkChanges(ControllerSettings settings, TenantManager tenants) {
        this.settings = settings;
        this.tenants = tenants;
    }

    synchronized ReloadResult apply(NetworkConfig next, WeftConfig whole) {
        NetworkConfig current = tenants.config();
        Set<Integer> changed = ConfigDiff.changedSegments(current, next);
        boolean nodes = !current.transportNodes().equals(next.transportNodes());
        if (whole != null && (!whole.controller().equals(settings.controllerSection())
                || !whole.apps().equals(settings.appConfig()))) {
            log.warn("controller or app settings in {} changed; they take effect at the next start", whole.source());
        }
        boolean externals = !current.externalNetworks().equals(next.externalNetworks());
        // Security groups are defined per tenant, not per network: a change to them alone is a change.
        boolean groups = !List.copyOf(current.securityGroups()).equals(List.copyOf(next.securityGroups()));
        // A tenant without networks (yet) changes no segment, but it exists: the API shows it.
        boolean names = !current.tenants().stream().map(dev.weft.api.tenant.Tenant::name).toList()
                .equals(next.tenants().stream().map(dev.weft.api.tenant.Tenant::name).toList());
        if (changed.isEmpty() && !nodes && !externals && !groups && !names) {
            log.info("config reloaded: no change to tenants or transport nodes");
            return new ReloadResult(ReloadResult.Outcome.UNCHANGED, "no change", Set.of());
        }
        tenants.apply(next);
        String msg = changed.size() + " logical network(s) changed" + (nodes ? ", transport nodes changed" : "")
                + (externals ? ", external networks changed" : "") + (groups ? ", security groups changed" : "")
                + (names && changed.isEmpty() ? ", tenants added or removed" : "");
        log.info("config reloaded: {}", msg);
        return new ReloadResult(ReloadResult.Outcome.APPLIED, msg, changed);
    }
}
