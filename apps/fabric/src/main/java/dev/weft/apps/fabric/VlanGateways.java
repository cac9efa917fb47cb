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

import dev.weft.api.Switch;
import dev.weft.apps.tenantpipeline.TenantPipeline;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFFlowStatsEntry;
import org.projectfloodlight.openflow.protocol.OFFlowStatsReply;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.OFGroup;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.U64;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * L2 gateways ({@code vlan-gateways:} in the config): each logical network so configured is
 * bridged to a VLAN on a physical port of a transport node, with the MACs behind it learned (from
 * the first frame of each: its copy to the controller, at most {@code 10} per second per port) and
 * shown ({@link GatewayStatus}: REST and {@code weft fabric}; {@link #learned()}; logged). Works with {@code isolation} and {@code tenant-networks},
 * which carry the network to and from the gateway node. See {@link VlanGatewayCompiler}.
 *
 * <p>The learned table of each gateway is bounded and aged ({@link GatewayMacTable},
 * {@link VlanGatewaySettings}): at most {@code max-macs} (a warning names the gateway when it fills
 * up), and a MAC not seen for {@code mac-age} is forgotten (its entry removed; if it speaks again
 * its next frame relearns it). Seen: the packet count of its entry on the gateway switch, read
 * every quarter of the age, moved.
 */
public final class VlanGateways implements App {
    public static final String NAME = "vlan-gateway";
    private static final Logger log = LoggerFactory.getLogger(VlanGateways.class);
    /** Per gateway name, the MACs learned behind it. */
    private final Map<String, GatewayMacTable> learned = new ConcurrentHashMap<>();
    private VlanGatewaySettings settings;
    private TenantService tenants;
    private NetworkFlowsKeeper keeper;
    private AppContext ctx;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void start(AppContext ctx) {
        this.ctx = ctx;
        settings = ctx.config(VlanGatewaySettings.class);
        tenants = ctx.service(TenantService.class)
                .orElseThrow(() -> new IllegalStateException("this controller has no tenant service"));
        keeper = NetworkFlowsKeeper.start(ctx, new VlanGatewayCompiler(g -> {
            GatewayMacTable t = learned.get(g);
            return t == null ? Set.of() : t.macs();
        }));
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
            GatewayMacTable table = table(g.name());
            switch (table.learn(src, ctx.clock().instant())) {
                case LEARNED -> {
                    log.info("{} VLAN gateway {} ({} on port {} VLAN {}): learned {}", g.dpid(), g.name(), g.network(),
                            g.port(), g.vlan(), src);
                    int seg = g.segment();
                    ctx.defer(() -> keeper.markDirty(seg));
                }
                case FULL_NOW -> log.warn("{} VLAN gateway {} ({} on port {} VLAN {}): {} MACs learned, the most it "
                        + "may (apps: vlan-gateway: max-macs); {} and further new MACs are not learned until some "
                        + "age out ({} without being seen); their frames still get in, each with a copy to the controller",
                        g.dpid(), g.name(), g.network(), g.port(), g.vlan(), table.max(), src, table.age());
                default -> {
                }
            }
            return Disposition.STOP;
        });
        ctx.schedule(settings.readEvery(), settings.readEvery(), this::age);
    }

    private GatewayMacTable table(String gateway) {
        return learned.computeIfAbsent(gateway, k -> new GatewayMacTable(settings.maxMacs(), settings.macAge()));
    }

    /**
     * Timer thread: read the learned entries' packet counts on each gateway switch, then forget
     * the MACs not seen for the age. A switch that does not answer (or is gone) refreshes nothing.
     */
    private void age() {
        for (VlanGateway g : tenants.config().vlanGateways()) {
            GatewayMacTable table = learned.get(g.name());
            if (table == null) {
                continue;
            }
            Switch sw = ctx.switches().get(g.dpid()).orElse(null);
            CompletableFuture<Map<MacAddress, Long>> counts = sw == null ? CompletableFuture.completedFuture(Map.of())
                    : readCounts(sw, g).exceptionally(t -> {
                        log.debug("{} VLAN gateway {}: could not read its learned entries' counters: {}", g.dpid(),
                                g.name(), t.getMessage());
                        return Map.of();
                    });
            counts.thenAccept(c -> {
                java.time.Instant now = ctx.clock().instant();
                table.counted(c, now);
                List<MacAddress> gone = table.expire(now);
                if (!gone.isEmpty()) {
                    log.info("{} VLAN gateway {} ({}): forgot {} not seen for {}: {}", g.dpid(), g.name(), g.network(),
                            gone.size(), table.age(), gone.size() > 10 ? gone.subList(0, 10) + "..." : gone);
                    int seg = g.segment();
                    ctx.defer(() -> keeper.markDirty(seg));
                }
            });
        }
    }

    /** The packet count of each learned MAC's entry on the gateway switch (this app's, this network's). */
    private CompletableFuture<Map<MacAddress, Long>> readCounts(Switch sw, VlanGateway g) {
        OFFactory f = sw.factory();
        return sw.requestStats(f.buildFlowStatsRequest().setTableId(TenantPipeline.INGRESS).setOutPort(OFPort.ANY)
                .setOutGroup(OFGroup.ANY).setCookie(ctx.cookie().withNetwork(g.segment()).toU64())
                .setCookieMask(U64.NO_MASK).build()).thenApply(parts -> {
                    Map<MacAddress, Long> m = new HashMap<>();
                    for (OFFlowStatsReply r : parts) {
                        for (OFFlowStatsEntry e : r.getEntries()) {
                            MacAddress src = e.getPriority() == VlanGatewayCompiler.LEARNED
                                    && g.port().equals(e.getMatch().get(MatchField.IN_PORT))
                                    ? e.getMatch().get(MatchField.ETH_SRC) : null;
                            if (src != null) {
                                m.put(src, e.getPacketCount().getValue());
                            }
                        }
                    }
                    return m;
                });
    }

    /** The MACs learned behind each gateway, by gateway name. */
    public Map<String, Set<MacAddress>> learned() {
        Map<String, Set<MacAddress>> m = new TreeMap<>();
        learned.forEach((k, v) -> m.put(k, v.macs()));
        return m;
    }

    /** Every configured gateway with the MACs learned behind it (oldest first). */
    private List<GatewayStatus.Gateway> status() {
        List<GatewayStatus.Gateway> out = new ArrayList<>();
        for (VlanGateway g : tenants.config().vlanGateways()) {
            GatewayMacTable t = learned.get(g.name());
            List<GatewayStatus.LearnedMac> macs = new ArrayList<>();
            if (t != null) {
                t.entries().forEach(e -> macs.add(new GatewayStatus.LearnedMac(e.mac(), e.learnedAt(), e.lastSeen())));
            }
            out.add(new GatewayStatus.Gateway(g.name(), g.network(), g.segment(), g.node(), g.dpid(),
                    g.port().getPortNumber(), g.vlan(), settings.maxMacs(), settings.macAge(), t != null && t.full(),
                    t == null ? 0 : t.refused(), macs));
        }
        out.sort(Comparator.comparing(GatewayStatus.Gateway::name));
        return out;
    }
}
