package dev.weft.apps.securitygroups;

import dev.weft.api.App;
import dev.weft.api.AppContext;
import dev.weft.api.Disposition;
import dev.weft.api.SwitchService;
import dev.weft.api.event.ConfigChanged;
import dev.weft.api.event.LogicalPortLocated;
import dev.weft.api.event.SwitchConnected;
import dev.weft.api.event.SwitchDisconnected;
import dev.weft.api.event.TransportNodeChanged;
import dev.weft.api.tenant.PortLocation;
import dev.weft.api.tenant.TenantService;
import dev.weft.apps.tenantpipeline.NetworkFlowsKeeper;
import org.projectfloodlight.openflow.protocol.OFMeterFeaturesStatsReply;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.DatapathId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Security groups and rate limits: the egress and ingress ACL stages of the tenant pipeline
 * (stateful, Open vSwitch connection tracking in a zone per port) and OpenFlow meters per port,
 * compiled per logical network like isolation, so a VM's policy is recompiled with its
 * forwarding when it moves. A switch that has no meters gets the ACLs without the limits (and a
 * warning in the log).
 */
public final class SecurityGroups implements App {
    public static final String NAME = "security-groups";
    private static final Logger log = LoggerFactory.getLogger(SecurityGroups.class);

    private final Zones zones = new Zones();
    private final Grace grace = new Grace();
    /** Hypervisors that said they have no meters. */
    private final Set<DatapathId> unmetered = ConcurrentHashMap.newKeySet();
    private NetworkFlowsKeeper keeper;
    private MeterKeeper meters;
    private PolicyCompiler compiler;
    private boolean meterSyncScheduled;
    private java.time.Clock clock;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void start(AppContext ctx) {
        SecurityGroupsConfig cfg = ctx.config(SecurityGroupsConfig.class);
        clock = ctx.clock();
        SwitchService switches = ctx.service(SwitchService.class)
                .orElseThrow(() -> new IllegalStateException("this controller has no switch service"));
        ctx.service(TenantService.class).orElseThrow(() -> new IllegalStateException("no tenant service"));
        compiler = new PolicyCompiler(zones, grace, d -> !unmetered.contains(d), cfg.defaultBroadcastPps());
        java.time.Duration graceFor = java.time.Duration.ofSeconds(cfg.migrationGraceSeconds());
        meters = new MeterKeeper(switches);
        // Meters first: these handlers run before the keeper's (subscribed after), and so does
        // their deferred pass, so a meter exists before an entry that uses it is sent.
        ctx.on(LogicalPortLocated.class, e -> {
            e.previous().ifPresent(p -> {
                if (e.location().isEmpty() || !e.location().get().dpid().equals(p.dpid())) {
                    zones.release(p.dpid(), e.port().name());
                }
            });
            // Moved to another hypervisor (directly, or unplugged there and plugged in here, as a
            // migration usually shows): its connections are unknown here. The keeper recompiles
            // the network for this same event, after this handler.
            e.location().ifPresent(now -> {
                DatapathId was = e.previous().map(PortLocation::dpid).orElse(grace.lastAt(e.port().name()));
                if (!graceFor.isZero() && was != null && !was.equals(now.dpid()) && e.port().policy().filtered()) {
                    grace.start(e.port().name(), e.port().segment(), ctx.clock().instant().plus(graceFor));
                }
                grace.seenAt(e.port().name(), now.dpid());
            });
            scheduleMeters(ctx);
            return Disposition.CONTINUE;
        });
        ctx.on(ConfigChanged.class, e -> {
            scheduleMeters(ctx);
            return Disposition.CONTINUE;
        });
        ctx.on(TransportNodeChanged.class, e -> {
            scheduleMeters(ctx);
            return Disposition.CONTINUE;
        });
        ctx.on(SwitchConnected.class, e -> {
            DatapathId dpid = e.sw().id();
            if (e.sw().version().compareTo(OFVersion.OF_13) >= 0) {
                e.sw().requestStats(e.sw().factory().meterFeaturesStatsRequest(Set.of()))
                        .whenComplete((r, err) -> ctx.defer(() -> meterFeatures(dpid, r, err)));
                // The meters it has, asked now on its lane: before the reconciler's read of its
                // flows (queued from the control lane), so the meters are sent before any entry
                // that uses them; a restarted controller adopts them without a meter-mod.
                meters.reading(dpid);
                e.sw().requestStats(e.sw().factory().buildMeterConfigStatsRequest().setMeterId(0xffffffffL).build())
                        .whenComplete((r, err) -> ctx.defer(() -> meters.connected(dpid, desiredMeters(),
                                err == null ? java.util.Optional.of(MeterKeeper.fromConfig(r)) : java.util.Optional.empty())));
            } else {
                ctx.defer(() -> meters.connected(dpid, desiredMeters(), java.util.Optional.empty()));
            }
            return Disposition.CONTINUE;
        });
        ctx.on(SwitchDisconnected.class, e -> {
            DatapathId dpid = e.sw().id();
            ctx.defer(() -> meters.disconnected(dpid));
            return Disposition.CONTINUE;
        });
        if (!graceFor.isZero()) {
            ctx.schedule(java.time.Duration.ofSeconds(1), java.time.Duration.ofSeconds(1), () -> {
                if (!grace.isEmpty()) {
                    ctx.defer(this::endGrace);
                }
            });
        }
        ctx.provide(dev.weft.api.tenant.PolicyCounters.class, new CounterReader(() -> keeper.view(), switches, zones,
                compiler, d -> !unmetered.contains(d)));
        keeper = NetworkFlowsKeeper.start(ctx, new NetworkFlowsKeeper.Compiler() {
            @Override
            public java.util.Map<DatapathId, java.util.List<dev.weft.api.flow.FlowSpec>> network(
                    dev.weft.api.tenant.LogicalNetwork network, dev.weft.api.tenant.FabricView view) {
                return compiler.network(network, view);
            }

            @Override
            public Set<Integer> alsoChanged(ConfigChanged change) {
                return Affected.of(change.previous(), change.current(), change.changedSegments());
            }
        });
    }

    /** Control lane: recompile the networks of ports whose grace after a move is over. */
    void endGrace() {
        for (int segment : grace.expire(clock.instant())) {
            keeper.markDirty(segment);
        }
    }

    private void meterFeatures(DatapathId dpid, java.util.List<OFMeterFeaturesStatsReply> r, Throwable err) {
        boolean none = err != null || r.isEmpty() || r.get(0).getFeatures().getMaxMeter() == 0;
        boolean changed = none ? unmetered.add(dpid) : unmetered.remove(dpid);
        if (none && changed) {
            log.warn("{} has no OpenFlow meters ({}): rate limits are not enforced there", dpid,
                    err != null ? err.getMessage() : "max_meter 0");
        }
        if (changed) {
            keeper.touch(dpid);
            meters.sync(desiredMeters());
        }
    }

    private void scheduleMeters(AppContext ctx) {
        if (!meterSyncScheduled) {
            meterSyncScheduled = true;
            ctx.defer(() -> {
                meterSyncScheduled = false;
                meters.sync(desiredMeters());
            });
        }
    }

    private java.util.Map<DatapathId, java.util.Map<Long, MeterKeeper.Meter>> desiredMeters() {
        return MeterKeeper.desired(keeper.view(), zones, compiler, d -> !unmetered.contains(d));
    }

    /** This app's compiler as a pure function with its own zones (for benchmarks: meters everywhere). */
    public static NetworkFlowsKeeper.Compiler compiler(long defaultBroadcastPps) {
        return new PolicyCompiler(new Zones(), d -> true, defaultBroadcastPps);
    }

    /** The networks a configuration change reaches through security groups (see {@link Affected}). */
    public static Set<Integer> affected(dev.weft.api.tenant.NetworkConfig before, dev.weft.api.tenant.NetworkConfig after,
                                        Set<Integer> changed) {
        return Affected.of(before, after, changed);
    }

    /** For diagnostics and tests: recompilation passes, and meter-mods sent. */
    public long passes() {
        return keeper == null ? 0 : keeper.passes();
    }

    public long meterMods() {
        return meters == null ? 0 : meters.meterMods();
    }
}
