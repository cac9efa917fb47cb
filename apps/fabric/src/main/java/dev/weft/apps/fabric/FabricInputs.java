package dev.weft.apps.fabric;

import dev.weft.api.tenant.LogicalPort;
import dev.weft.api.tenant.NetworkConfig;
import dev.weft.api.tenant.PortLocation;
import dev.weft.api.topology.Topology;
import org.projectfloodlight.openflow.types.DatapathId;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What the fabric compilers need, as one immutable snapshot: the tenant configuration, where each
 * logical port is (static bindings from the tenant service, MAC bindings found on fabric edge
 * ports), the discovered topology, and the fabric's switches with their compile targets (a
 * switch absent from {@code targets} is no fabric switch: transport nodes, other apps' switches).
 */
public record FabricInputs(NetworkConfig config, Map<String, PortLocation> locations, Topology topology,
                           Map<DatapathId, Target> targets, java.util.List<VlanPort> vlanPorts) {
    public FabricInputs {
        Objects.requireNonNull(config, "config");
        locations = Map.copyOf(locations);
        Objects.requireNonNull(topology, "topology");
        targets = Map.copyOf(targets);
        vlanPorts = java.util.List.copyOf(vlanPorts);
    }

    public FabricInputs(NetworkConfig config, Map<String, PortLocation> locations, Topology topology,
                        Map<DatapathId, Target> targets) {
        this(config, locations, topology, targets, java.util.List.of());
    }

    public boolean isFabric(DatapathId dpid) {
        return targets.containsKey(dpid);
    }

    public Optional<PortLocation> location(LogicalPort p) {
        return Optional.ofNullable(locations.get(p.name()));
    }

    public Target target(DatapathId dpid) {
        Target t = targets.get(dpid);
        if (t == null) {
            throw new IllegalArgumentException(dpid + " is no fabric switch");
        }
        return t;
    }
}
