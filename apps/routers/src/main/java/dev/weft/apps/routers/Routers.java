package dev.weft.apps.routers;

import dev.weft.api.App;
import dev.weft.api.AppContext;
import dev.weft.api.Disposition;
import dev.weft.api.event.PacketIn;
import dev.weft.api.event.SwitchConnected;
import dev.weft.api.event.SwitchDisconnected;
import dev.weft.api.tenant.TenantService;
import dev.weft.apps.tenantpipeline.NetworkFlowsKeeper;
import dev.weft.apps.tenantpipeline.PuntLimiter;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logical routers, distributed: a tenant's packet to its router is routed on the hypervisor where
 * it is sent (MACs rewritten, TTL decremented, straight into the destination network's L2
 * stage), never through a central node; the routers' addresses answer ARP and ping there too.
 * What a flow cannot do (ICMP errors) the controller answers from a packet-in on that hypervisor.
 * Runs with {@code isolation} and {@code tenant-networks}, after them in the chain.
 */
public final class Routers implements App {
    public static final String NAME = "routers";
    private static final Logger log = LoggerFactory.getLogger(Routers.class);
    /** OpenFlow 1.3 asynchronous config: packet-in reasons no-match, action and invalid TTL. */
    static final long PACKET_IN_WITH_INVALID_TTL = 0b111;
    static final long ALL_PORT_STATUS = 0b111;
    static final long ALL_FLOW_REMOVED = 0b1111;

    private NetworkFlowsKeeper keeper;
    private IcmpErrors icmp;
    private PuntLimiter limiter;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void start(AppContext ctx) {
        RoutersConfig cfg = ctx.config(RoutersConfig.class);
        TenantService tenants = ctx.service(TenantService.class)
                .orElseThrow(() -> new IllegalStateException("this controller has no tenant service"));
        keeper = NetworkFlowsKeeper.start(ctx, new RouterCompiler());
        limiter = new PuntLimiter(ctx.clock(), cfg.puntRate(), cfg.puntBurst());
        icmp = new IcmpErrors(tenants, limiter, ctx.cookie().appId());
        ctx.on(PacketIn.class, icmp::handle);
        // Open vSwitch (like the OpenFlow 1.3 default) sends no packet-in when a TTL runs out
        // unless the controller asks for that reason: ask every transport node, keeping the
        // default for the rest.
        ctx.on(SwitchConnected.class, e -> {
            if (tenants.config().node(e.sw().id()).isPresent() && e.sw().version().compareTo(OFVersion.OF_13) >= 0) {
                e.sw().send(e.sw().factory().buildAsyncSet()
                        .setPacketInMaskEqualMaster(PACKET_IN_WITH_INVALID_TTL).setPacketInMaskSlave(0)
                        .setPortStatusMaskEqualMaster(ALL_PORT_STATUS).setPortStatusMaskSlave(ALL_PORT_STATUS)
                        .setFlowRemovedMaskEqualMaster(ALL_FLOW_REMOVED).setFlowRemovedMaskSlave(0)
                        .build());
                log.debug("{} asked for packet-ins of packets whose TTL runs out", e.sw().id());
            }
            return Disposition.CONTINUE;
        });
        ctx.on(SwitchDisconnected.class, e -> {
            limiter.forget(e.sw().id());
            return Disposition.CONTINUE;
        });
    }

    /** How many recompilation passes ran. */
    public long passes() {
        return keeper == null ? 0 : keeper.passes();
    }

    /** ICMP errors sent, and punted packets dropped by the rate limit. */
    public long icmpErrorsSent() {
        return icmp == null ? 0 : icmp.sent();
    }

    public long puntsDropped() {
        return limiter == null ? 0 : limiter.dropped();
    }
}
