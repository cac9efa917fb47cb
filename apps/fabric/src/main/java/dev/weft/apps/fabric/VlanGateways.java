package dev.weft.apps.fabric;

import dev.weft.api.App;
import dev.weft.api.AppContext;
import dev.weft.api.Disposition;
import dev.weft.api.event.ConfigChanged;
import dev.weft.api.event.PacketIn;
import dev.weft.api.fabric.GatewayStatus;
import dev.weft.api.tenant.TenantService;
import dev.weft.api.tenant.VlanGateway;
import dev.weft.apps.tenantpipeline.NetworkFlowsKeeper;
import dev.weft.apps.tenantpipeline.PuntLimiter;
import dev.weft.apps.tenantpipeline.Punts;
import org.projectfloodlight.openflow.types.MacAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * L2 gateways ({@code vlan-gateways:} in the config): each logical network so configured is
 * bridged to a VLAN on a physical port of a transport node, with the MACs behind it learned (from
 * the first frame of each: its copy to the controller, at most {@code 10} per second per port) and
 * shown ({@link GatewayStatus}: REST and {@code weft fabric}; {@link #learned()}; logged). Works with {@code isolation} and {@code tenant-networks},
 * which carry the network to and from the gateway node. See {@link VlanGatewayCompiler}.
 */
public final class VlanGateways implements App {
    public static final String NAME = "vlan-gateway";
    private static final Logger log = LoggerFactory.getLogger(VlanGateways.class);
    /** Per gateway name, the MACs learned behind it, with when each was. */
    private final Map<String, Map<MacAddress, Instant>> learned = new ConcurrentHashMap<>();
    private TenantService tenants;
    private NetworkFlowsKeeper keeper;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void start(AppContext ctx) {
        tenants = ctx.service(TenantService.class)
                .orElseThrow(() -> new IllegalStateException("this controller has no tenant service"));
        keeper = NetworkFlowsKeeper.start(ctx, new VlanGatewayCompiler(g -> Set.copyOf(learned.getOrDefault(g, Map.of()).keySet())));
        PuntLimiter limiter = new PuntLimiter(ctx.clock(), 10, 10);
        ctx.provide(VlanGateways.class, this);
        ctx.provide(GatewayStatus.class, this::status);
        ctx.on(ConfigChanged.class, e -> {
            learned.keySet().removeIf(n -> e.current().vlanGateways().stream().noneMatch(g -> g.name().equals(n)));
            return Disposition.CONTINUE;
        });
        ctx.on(PacketIn.class, e -> {
            if (!Punts.sentBy(e, ctx.cookie().appId())) {
                return Disposition.CONTINUE;
            }
            VlanGateway g = tenants.config().vlanGateways().stream().filter(x -> x.dpid().equals(e.sw().id())
                    && x.port().equals(e.inPort()) && e.frame().vlan().map(v -> v.getVlan() == x.vlan()).orElse(false))
                    .findFirst().orElse(null);
            MacAddress src = e.frame().src();
            if (g == null || src.isMulticast() || !limiter.allow(e.sw().id(), e.inPort())) {
                return Disposition.STOP;
            }
            if (learned.computeIfAbsent(g.name(), k -> new ConcurrentHashMap<>()).putIfAbsent(src,
                    ctx.clock().instant()) == null) {
                log.info("{} VLAN gateway {} ({} on port {} VLAN {}): learned {}", g.dpid(), g.name(), g.network(),
                        g.port(), g.vlan(), src);
                int seg = g.segment();
                ctx.defer(() -> keeper.markDirty(seg));
            }
            return Disposition.STOP;
        });
    }

    /** The MACs learned behind each gateway, by gateway name. */
    public Map<String, Set<MacAddress>> learned() {
        Map<String, Set<MacAddress>> m = new TreeMap<>();
        learned.forEach((k, v) -> m.put(k, Set.copyOf(v.keySet())));
        return m;
    }

    /** Every configured gateway with the MACs learned behind it (oldest first). */
    private List<GatewayStatus.Gateway> status() {
        List<GatewayStatus.Gateway> out = new ArrayList<>();
        for (VlanGateway g : tenants.config().vlanGateways()) {
            List<GatewayStatus.LearnedMac> macs = new ArrayList<>();
            learned.getOrDefault(g.name(), Map.of()).forEach((m, at) -> macs.add(new GatewayStatus.LearnedMac(m, at)));
            macs.sort(Comparator.comparing(GatewayStatus.LearnedMac::learnedAt)
                    .thenComparing(x -> x.mac().getLong()));
            out.add(new GatewayStatus.Gateway(g.name(), g.network(), g.segment(), g.node(), g.dpid(),
                    g.port().getPortNumber(), g.vlan(), macs));
        }
        out.sort(Comparator.comparing(GatewayStatus.Gateway::name));
        return out;
    }
}
