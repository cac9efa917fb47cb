package dev.weft.apps.fabric;

import dev.weft.api.App;
import dev.weft.api.AppContext;
import dev.weft.api.Disposition;
import dev.weft.api.Switch;
import dev.weft.api.fabric.FabricStatus;
import dev.weft.api.event.ConfigChanged;
import dev.weft.api.event.LinkAdded;
import dev.weft.api.event.LinkRemoved;
import dev.weft.api.event.LogicalPortLocated;
import dev.weft.api.event.PacketIn;
import dev.weft.api.event.PortStatusChanged;
import dev.weft.api.event.SwitchConnected;
import dev.weft.api.event.SwitchDisconnected;
import dev.weft.api.flow.FlowService;
import dev.weft.api.tenant.Binding;
import dev.weft.api.tenant.LogicalPort;
import dev.weft.api.tenant.PortLocation;
import dev.weft.api.tenant.TenantService;
import dev.weft.api.topology.PortRole;
import dev.weft.api.topology.TopologyService;
import dev.weft.apps.tenantpipeline.PuntLimiter;
import org.projectfloodlight.openflow.protocol.OFPortConfig;
import org.projectfloodlight.openflow.protocol.OFPortReason;
import org.projectfloodlight.openflow.protocol.OFPortState;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.MacAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Tenant networks on a fabric of hardware OpenFlow switches (no tunnels): each logical network
 * with ports on the fabric is carried along a loop-free tree of the discovered topology with a
 * VLAN tag per segment and cable, rerouted when a link fails; physical servers on edge ports are
 * its logical ports (bound by switch + port, or by MAC: found where they first speak). Each switch
 * is programmed multi-table (OpenFlow 1.3) or single-table (OpenFlow 1.0, or few tables), as it
 * said at connect. See {@link FabricCompiler}.
 */
public final class Fabric implements App {
    public static final String NAME = "fabric";
    private static final Logger log = LoggerFactory.getLogger(Fabric.class);
    private FabricKeeper keeper;
    private final Map<MacAddress, LogicalPort> byMac = new HashMap<>();

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void start(AppContext ctx) {
        FabricSettings settings = ctx.config(FabricSettings.class);
        FlowService flows = ctx.service(FlowService.class)
                .orElseThrow(() -> new IllegalStateException("this controller has no flow service"));
        TenantService tenants = ctx.service(TenantService.class)
                .orElseThrow(() -> new IllegalStateException("this controller has no tenant service"));
        TopologyService topology = ctx.service(TopologyService.class)
                .orElseThrow(() -> new IllegalStateException("the fabric needs the topology service"));
        keeper = new FabricKeeper(ctx, settings, flows, tenants, topology);
        ctx.provide(Fabric.class, this);
        ctx.provide(FabricStatus.class, keeper::snapshot);
        PuntLimiter limiter = new PuntLimiter(ctx.clock(), settings.puntRate(), settings.puntRate());
        ctx.on(SwitchConnected.class, e -> {
            Switch sw = e.sw();
            if (sw.version().compareTo(OFVersion.OF_13) < 0 || sw.features().getNTables() < 2
                    || !keeper.isFabric(sw.id())) {
                ctx.defer(() -> keeper.connected(sw, sw.features().getNTables(), false));
            } else {
                // How many tables can hold entries (hardware, or a bridge with flow_limit=0 on
                // its tables, may report 254 tables of which one is usable).
                sw.requestStats(sw.factory().buildTableFeaturesStatsRequest().build()).whenComplete((parts, t) -> {
                    int tables = t != null ? sw.features().getNTables() : TableCount.usable(parts);
                    if (t != null) {
                        log.info("{} did not answer TABLE_FEATURES ({}); going by its {} tables", sw.id(),
                                t.getMessage(), sw.features().getNTables());
                    }
                    ctx.defer(() -> keeper.connected(sw, tables, t == null));
                });
            }
            return Disposition.CONTINUE;
        });
        ctx.on(SwitchDisconnected.class, e -> {
            limiter.forget(e.sw().id());
            ctx.defer(() -> keeper.disconnected(e.sw()));
            return Disposition.CONTINUE;
        });
        ctx.on(PortStatusChanged.class, e -> {
            if (keeper.isFabric(e.sw().id()) && (e.reason() == OFPortReason.DELETE || e.port().getState().contains(OFPortState.LINK_DOWN)
                    || e.port().getConfig().contains(OFPortConfig.PORT_DOWN))) {
                keeper.portDown(); // when a reroute starts
            }
            ctx.defer(keeper::schedule);
            return Disposition.CONTINUE;
        });
        ctx.on(LinkAdded.class, e -> {
            keeper.schedule();
            return Disposition.CONTINUE;
        });
        // Topology events arrive on the control lane, where the keeper lives.
        ctx.on(LinkRemoved.class, e -> {
            keeper.linkLost(e.link());
            return Disposition.CONTINUE;
        });
        ctx.on(LogicalPortLocated.class, e -> {
            keeper.schedule();
            return Disposition.CONTINUE;
        });
        ctx.on(ConfigChanged.class, e -> {
            synchronized (byMac) {
                byMac.clear();
                e.current().ports().stream().filter(p -> p.binding() instanceof Binding.ByMac)
                        .forEach(p -> byMac.put(p.mac(), p));
            }
            keeper.schedule();
            return Disposition.CONTINUE;
        });
        // A MAC-bound server speaking on a fabric edge port: that is where it is now.
        ctx.on(PacketIn.class, e -> {
            LogicalPort p;
            synchronized (byMac) {
                p = byMac.get(e.frame().src());
            }
            if (p == null || e.frame().vlan().isPresent() || !keeper.isFabric(e.sw().id())) {
                return Disposition.CONTINUE;
            }
            PortLocation here = new PortLocation(e.sw().id(), e.inPort());
            if (topology.current().role(e.sw().id(), e.inPort()) == PortRole.INTER_SWITCH
                    || !limiter.allow(e.sw().id(), e.inPort())) {
                return Disposition.STOP;
            }
            ctx.defer(() -> {
                if (keeper.isFabricSwitch(here.dpid()) && !here.equals(keeper.macLocations.get(p.name()))) {
                    log.info("{} logical port {} ({}/{}) bound by MAC found at port {}", here.dpid(), p.name(),
                            p.tenant(), p.network(), here.port());
                    keeper.macLocations.put(p.name(), here);
                    keeper.schedule();
                }
            });
            return Disposition.STOP;
        });
    }

    /** Where a MAC-bound logical port was found on the fabric. */
    public Optional<PortLocation> macLocation(String port) {
        return Optional.ofNullable(keeper == null ? null : keeper.macLocations.get(port));
    }

    /** How many passes ran (events are coalesced). */
    public long passes() {
        return keeper == null ? 0 : keeper.passes();
    }

    /**
     * The last reroute (a pass after links were lost), with where its time went, once the
     * switches confirmed it; empty before the first.
     */
    public Optional<Reroute> lastReroute() {
        return Optional.ofNullable(keeper == null ? null : keeper.lastReroute());
    }

    /** The inputs of the last pass: targets chosen, locations, topology. */
    public Optional<FabricInputs> lastInputs() {
        return Optional.ofNullable(keeper == null ? null : keeper.lastInputs());
    }
}
