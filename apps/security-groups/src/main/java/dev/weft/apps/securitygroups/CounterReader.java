package dev.weft.apps.securitygroups;

import dev.weft.api.Switch;
import dev.weft.api.SwitchService;
import dev.weft.api.flow.FlowSpec;
import dev.weft.api.tenant.FabricView;
import dev.weft.api.tenant.LogicalPort;
import dev.weft.api.tenant.PolicyCounters;
import dev.weft.api.tenant.PortLocation;
import dev.weft.apps.tenantpipeline.TenantPipeline;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFFlowStatsEntry;
import org.projectfloodlight.openflow.protocol.OFFlowStatsReply;
import org.projectfloodlight.openflow.protocol.OFMeterStats;
import org.projectfloodlight.openflow.protocol.OFMeterStatsReply;
import org.projectfloodlight.openflow.types.OFGroup;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.TableId;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * A port's counters per rule and per meter: its entries as the compiler makes them now, each with
 * its origin (a rule of a group, or a stage), matched by table, priority and match against the
 * flow statistics of the two ACL tables on the switch where it is; and its two meters' statistics.
 * Entries of a rule (one per remote address and port block) are summed. Any thread.
 */
final class CounterReader implements PolicyCounters {
    private final Supplier<FabricView> view;
    private final SwitchService switches;
    private final Zones zones;
    private final PolicyCompiler compiler;
    private final Predicate<org.projectfloodlight.openflow.types.DatapathId> metered;

    CounterReader(Supplier<FabricView> view, SwitchService switches, Zones zones, PolicyCompiler compiler,
                  Predicate<org.projectfloodlight.openflow.types.DatapathId> metered) {
        this.view = view;
        this.switches = switches;
        this.zones = zones;
        this.compiler = compiler;
        this.metered = metered;
    }

    @Override
    public CompletableFuture<Port> port(String name) {
        FabricView v = view.get();
        LogicalPort p = v.config().port(name)
                .orElseThrow(() -> new IllegalArgumentException("no logical port '" + name + "'"));
        Optional<PortLocation> at = v.location(p);
        Optional<Switch> sw = at.flatMap(a -> switches.get(a.dpid()));
        int zone = at.map(a -> zones.zone(a.dpid(), name)).orElse(-1);
        if (at.isEmpty() || sw.isEmpty() || zone < 0) {
            return CompletableFuture.completedFuture(new Port(name, p.tenant(), at.map(a -> a.dpid().toString())
                    .orElse(""), zone, List.of(), List.of(), List.of()));
        }
        Map<FlowSpec.Key, PolicyCompiler.Origin> origins = compiler.origins(p, at.get(), zone,
                metered.test(at.get().dpid()), v);
        OFFactory f = sw.get().factory();
        List<CompletableFuture<List<OFFlowStatsReply>>> tables = new ArrayList<>();
        for (TableId t : List.of(TenantPipeline.EGRESS_ACL, TenantPipeline.INGRESS_ACL)) {
            tables.add(sw.get().requestStats(f.buildFlowStatsRequest().setTableId(t).setMatch(f.buildMatch().build())
                    .setOutPort(OFPort.ANY).setOutGroup(OFGroup.ANY).build()));
        }
        List<Long> meterIds = List.of(Zones.bandwidthMeter(zone), Zones.broadcastMeter(zone));
        var limits = compiler.limits(p);
        List<CompletableFuture<List<OFMeterStatsReply>>> meters = new ArrayList<>();
        if (metered.test(at.get().dpid())) {
            for (long id : meterIds) {
                if (id == meterIds.get(0) ? limits.kbps() == 0 : limits.broadcastPps() == 0) {
                    continue;
                }
                meters.add(sw.get().requestStats(f.buildMeterStatsRequest().setMeterId(id).build())
                        .exceptionally(e -> List.of()));
            }
        }
        List<CompletableFuture<?>> all = new ArrayList<>(tables);
        all.addAll(meters);
        return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).thenApply(x -> {
            Map<PolicyCompiler.Origin, long[]> sums = new LinkedHashMap<>();
            origins.values().forEach(o -> sums.putIfAbsent(o, new long[3]));
            for (var t : tables) {
                for (OFFlowStatsReply r : t.join()) {
                    for (OFFlowStatsEntry e : r.getEntries()) {
                        PolicyCompiler.Origin o = origins.get(new FlowSpec.Key(e.getTableId(), e.getPriority(),
                                FlowSpec.fieldsOf(e.getMatch())));
                        if (o != null) {
                            long[] s = sums.get(o);
                            s[0]++;
                            s[1] += e.getPacketCount().getValue();
                            s[2] += e.getByteCount().getValue();
                        }
                    }
                }
            }
            List<Rule> rules = new ArrayList<>();
            List<Stage> stages = new ArrayList<>();
            sums.forEach((o, s) -> {
                if (o.group() != null) {
                    rules.add(new Rule(o.group(), o.direction(), o.what(), (int) s[0], s[1], s[2]));
                } else {
                    stages.add(new Stage(o.direction(), o.what(), s[1], s[2]));
                }
            });
            List<Meter> ms = new ArrayList<>();
            for (var m : meters) {
                for (OFMeterStatsReply r : m.join()) {
                    for (OFMeterStats s : r.getEntries()) {
                        ms.add(new Meter(s.getMeterId() == meterIds.get(0) ? "bandwidth" : "broadcast", s.getMeterId(),
                                s.getPacketInCount().getValue(), s.getByteInCount().getValue(),
                                s.getBandStats().isEmpty() ? 0 : s.getBandStats().get(0).getPacketBandCount().getValue()));
                    }
                }
            }
            return new Port(name, p.tenant(), at.get().dpid().toString(), zone, rules, stages, ms);
        });
    }
}
