package dev.weft.apps.isolation;

import dev.weft.api.App;
import dev.weft.api.AppContext;
import dev.weft.apps.tenantpipeline.NetworkFlowsKeeper;

/**
 * Tenant isolation: classifies every packet entering a hypervisor into its logical network, or
 * drops it. VMs can only send as themselves (port security: own MAC, own IPs, ARP included, no
 * VLAN tags), tunnels only carry the segments both ends host, and everything else is denied.
 * Enforced in the switch (table 0), so it holds while the controller is down.
 */
public final class Isolation implements App {
    public static final String NAME = "isolation";
    private NetworkFlowsKeeper keeper;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void start(AppContext ctx) {
        keeper = NetworkFlowsKeeper.start(ctx, new IsolationCompiler());
    }

    /** For diagnostics: how many recompilation passes ran. */
    public long passes() {
        return keeper == null ? 0 : keeper.passes();
    }
}
