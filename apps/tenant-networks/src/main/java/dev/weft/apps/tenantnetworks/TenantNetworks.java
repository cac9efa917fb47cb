package dev.weft.apps.tenantnetworks;

import dev.weft.api.App;
import dev.weft.api.AppContext;
import dev.weft.apps.tenantpipeline.NetworkFlowsKeeper;

/**
 * Logical L2 networks per tenant: forwarding by (network, MAC) inside each hypervisor and across
 * hypervisors in VXLAN tunnels keyed by the network's segment id, broadcast confined to the
 * network, and ARP for configured addresses answered by the asker's own hypervisor. Works with
 * the {@code isolation} app, which classifies packets into networks first.
 */
public final class TenantNetworks implements App {
    public static final String NAME = "tenant-networks";
    private NetworkFlowsKeeper keeper;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void start(AppContext ctx) {
        keeper = NetworkFlowsKeeper.start(ctx, new L2Compiler());
    }

    public long passes() {
        return keeper == null ? 0 : keeper.passes();
    }
}
