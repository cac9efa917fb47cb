package dev.weft.apps.dhcp;

import dev.weft.api.App;
import dev.weft.api.AppContext;
import dev.weft.api.Disposition;
import dev.weft.api.event.PacketIn;
import dev.weft.api.event.SwitchDisconnected;
import dev.weft.api.tenant.TenantService;
import dev.weft.apps.tenantpipeline.NetworkFlowsKeeper;
import dev.weft.apps.tenantpipeline.PuntLimiter;

/**
 * DHCP for tenant networks: a VM's request goes from its hypervisor's L3 stage to the controller
 * (and nowhere else), which answers on that hypervisor with the logical port's configured address
 * (or the one the range gave it), the router as gateway, DNS servers, the MTU under VXLAN and the
 * lease time. Only logical ports Weft knows get an answer: isolation lets a VM without an address
 * send nothing but its DHCP requests, and only from its own MAC on its own port.
 *
 * <p>Apart from {@code routers} because each is useful alone (static addresses with routing;
 * DHCP on a network that no router joins), and each stays small.
 */
public final class Dhcp implements App {
    public static final String NAME = "dhcp";
    private NetworkFlowsKeeper keeper;
    private DhcpResponder responder;
    private PuntLimiter limiter;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void start(AppContext ctx) {
        DhcpConfig cfg = ctx.config(DhcpConfig.class);
        TenantService tenants = ctx.service(TenantService.class)
                .orElseThrow(() -> new IllegalStateException("this controller has no tenant service"));
        keeper = NetworkFlowsKeeper.start(ctx, new DhcpCompiler());
        limiter = new PuntLimiter(ctx.clock(), cfg.puntRate(), cfg.puntBurst());
        responder = new DhcpResponder(tenants, limiter, ctx.cookie().appId());
        ctx.on(PacketIn.class, responder::handle);
        ctx.on(SwitchDisconnected.class, e -> {
            limiter.forget(e.sw().id());
            return Disposition.CONTINUE;
        });
    }

    public long passes() {
        return keeper == null ? 0 : keeper.passes();
    }

    /** Offers, acks and naks sent; requests dropped by the rate limit. */
    public long offers() {
        return responder == null ? 0 : responder.offers();
    }

    public long acks() {
        return responder == null ? 0 : responder.acks();
    }

    public long naks() {
        return responder == null ? 0 : responder.naks();
    }

    public long dropped() {
        return limiter == null ? 0 : limiter.dropped();
    }
}
