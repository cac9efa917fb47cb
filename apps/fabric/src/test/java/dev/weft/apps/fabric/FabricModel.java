package dev.weft.apps.fabric;

import dev.weft.api.flow.FlowSpec;
import dev.weft.api.tenant.Binding;
import dev.weft.api.tenant.LogicalPort;
import dev.weft.api.tenant.NetworkConfig;
import dev.weft.api.tenant.PortLocation;
import dev.weft.api.topology.SwitchPort;
import dev.weft.core.config.ConfigLoader;
import dev.weft.core.topology.TopologySnapshot;
import dev.weft.sim.datapath.DatapathConfig;
import dev.weft.sim.inprocess.InProcessFabric;
import dev.weft.sim.inprocess.InProcessSwitch;
import dev.weft.sim.inprocess.Reach;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.U64;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A fabric of in-process switches joined by cables, holding exactly what the fabric compilers
 * produce for a config, a topology and each switch's target (OpenFlow 1.0 switches get the 1.0
 * encoding; single-table OpenFlow 1.3 switches have one table), with every located logical port a
 * host named after it. Specs then say where a frame goes. {@link #without} cuts a cable and
 * recompiles against the topology without it with the next {@link FabricPass} (sticky tags,
 * incremental after a loss), as the fabric app does.
 */
final class FabricModel {
    record Sw(String name, DatapathId dpid, Target target) {
    }

    record Cable(String a, int pa, String b, int pb) {
    }

    private final Map<String, Sw> switches;
    private final List<Cable> cables;
    private final Set<Cable> cut;
    private final NetworkConfig config;
    private final Map<String, PortLocation> locations;
    private final FabricPass pass;
    final FabricPass.Result result;
    final InProcessFabric fabric = new InProcessFabric();
    final FabricInputs inputs;
    final List<SegmentTree> trees = new ArrayList<>();
    final Map<DatapathId, List<FlowSpec>> flows = new HashMap<>();

    private FabricModel(Map<String, Sw> switches, List<Cable> cables, Set<Cable> cut, NetworkConfig config,
                        Map<String, PortLocation> locations, FabricPass pass) {
        this.switches = switches;
        this.cables = cables;
        this.cut = cut;
        this.config = config;
        this.locations = locations;
        this.pass = pass;
        TopologySnapshot.Builder topo = TopologySnapshot.builder();
        Map<DatapathId, Target> targets = new HashMap<>();
        for (Sw s : switches.values()) {
            topo.addSwitch(s.dpid());
            targets.put(s.dpid(), s.target());
            fabric.addSwitch(s.name(), DatapathConfig.of(s.dpid()).withTables(s.target() == Target.MULTI_TABLE ? 8 : 1),
                    s.target() == Target.SINGLE_TABLE_OF10 ? OFVersion.OF_10 : OFVersion.OF_13);
        }
        for (Cable c : cables) {
            if (!cut.contains(c)) {
                topo.addCable(sw(c.a()).dpid().getLong(), c.pa(), sw(c.b()).dpid().getLong(), c.pb());
                fabric.link(c.a(), OFPort.of(c.pa()), c.b(), OFPort.of(c.pb()));
            } else {
                topo.addPort(sw(c.a()).dpid().getLong(), c.pa()).addPort(sw(c.b()).dpid().getLong(), c.pb());
            }
        }
        for (var e : locations.entrySet()) {
            topo.addPort(new SwitchPort(e.getValue().dpid(), e.getValue().port()), true);
            fabric.host(e.getKey(), name(e.getValue().dpid()), e.getValue().port());
        }
        inputs = new FabricInputs(config, locations, topo.build(), targets);
        result = pass.run(inputs);
        trees.addAll(result.trees());
        flows.putAll(pass.tables());
        flows.forEach((dpid, specs) -> {
            Sw s = switches.values().stream().filter(x -> x.dpid().equals(dpid)).findFirst().orElseThrow();
            List<OFMessage> mods = new ArrayList<>();
            for (FlowSpec f : specs) {
                mods.add(s.target() == Target.SINGLE_TABLE_OF10 ? Of10Encoder.add(f, U64.ZERO)
                        : FabricCompiler.OF.buildFlowAdd().setTableId(f.table()).setPriority(f.priority())
                                .setMatch(f.match()).setInstructions(f.instructions()).build());
            }
            fabric.switchNamed(s.name()).apply(mods);
        });
    }

    static Builder builder() {
        return new Builder();
    }

    static final class Builder {
        private final Map<String, Sw> switches = new LinkedHashMap<>();
        private final List<Cable> cables = new ArrayList<>();

        Builder sw(String name, long dpid, Target target) {
            switches.put(name, new Sw(name, DatapathId.of(dpid), target));
            return this;
        }

        Builder cable(String a, int pa, String b, int pb) {
            cables.add(new Cable(a, pa, b, pb));
            return this;
        }

        /** Every static binding located where it says; MAC-bound ports where {@code byMac} puts them. */
        FabricModel build(NetworkConfig config, Map<String, PortLocation> byMac) {
            Map<String, PortLocation> locs = new LinkedHashMap<>(byMac);
            for (LogicalPort p : config.ports()) {
                if (p.binding() instanceof Binding.Static s) {
                    locs.put(p.name(), new PortLocation(s.dpid(), s.port()));
                }
            }
            return new FabricModel(switches, cables, Set.of(), config, locs, new FabricPass());
        }

        FabricModel build(String yaml) {
            return build(ConfigLoader.parse(yaml, "spec.yaml").network(), Map.of());
        }
    }

    /**
     * The same site with this cable cut (both in the topology and physically), recompiled by the
     * next pass of the same {@link FabricPass} (so tags stay where they were, and a cut after the
     * previous state recomputes only what it touched).
     */
    FabricModel without(String a, int pa) {
        Set<Cable> c = new LinkedHashSet<>(cut);
        cables.stream().filter(x -> x.a().equals(a) && x.pa() == pa || x.b().equals(a) && x.pb() == pa)
                .forEach(c::add);
        return new FabricModel(switches, cables, c, config, locations, pass);
    }

    Sw sw(String name) {
        Sw s = switches.get(name);
        if (s == null) {
            throw new IllegalArgumentException("no switch " + name);
        }
        return s;
    }

    private String name(DatapathId dpid) {
        return switches.values().stream().filter(s -> s.dpid().equals(dpid)).map(Sw::name).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no switch " + dpid));
    }

    Reach send(String host, byte[] frame) {
        return fabric.send(host, frame);
    }

    /** Plugs something that is no logical port into a switch port. */
    FabricModel plug(String host, String sw, int port) {
        fabric.host(host, sw, OFPort.of(port));
        return this;
    }

    InProcessSwitch switchNamed(String name) {
        return fabric.switchNamed(name);
    }

    LogicalPort port(String name) {
        return config.port(name).orElseThrow();
    }

    LinkTags tags() {
        return pass.tags();
    }

    /** The same site with every cable back, recompiled by the next pass of the same {@link FabricPass}. */
    FabricModel restored() {
        return new FabricModel(switches, cables, Set.of(), config, locations, pass);
    }

    /** This very site (the same cables cut), compiled by a fresh pass: what a rebuild from scratch gives. */
    FabricModel rebuilt() {
        return new FabricModel(switches, cables, cut, config, locations, new FabricPass());
    }
}
