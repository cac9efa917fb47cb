package dev.weft.apps.mobility;

import dev.weft.api.flow.FlowService;
import dev.weft.api.flow.FlowSpec;
import dev.weft.api.tenant.LogicalPort;
import dev.weft.api.tenant.NetworkConfig;
import dev.weft.api.tenant.PortLocation;
import org.projectfloodlight.openflow.types.DatapathId;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The trap entries the mobility app keeps in switches (see {@link TrapFlows}): per logical
 * network, at the places where a port may have gone and has not announced itself yet; and on
 * every transport node, the announcements of MAC-bound ports. Written on the control lane; the
 * index of trapped places is published for the switch lanes' packet-ins.
 */
final class Traps {
    private final FlowService flows; // null: a controller without a flow service (traps by packet-in only)
    private final Map<Integer, Map<PortLocation, LogicalPort>> bySegment = new HashMap<>();
    private final Map<Integer, Set<DatapathId>> deployed = new HashMap<>();
    private Set<DatapathId> announceDeployed = Set.of();
    // Read on switch lanes (packet-ins) and by the API.
    private volatile Map<PortLocation, LogicalPort> index = Map.of();
    private volatile Map<String, List<PortLocation>> pending = Map.of();

    Traps(FlowService flows) {
        this.flows = flows;
    }

    /** Which pending port a frame arriving at {@code at} would be. Any thread. */
    Map<PortLocation, LogicalPort> index() {
        return index;
    }

    /** Where each pending port may be. Any thread. */
    Map<String, List<PortLocation>> pending() {
        return pending;
    }

    /** Control lane: the places where the ports of {@code segment} may be, now. */
    void setPending(int segment, Map<PortLocation, LogicalPort> places) {
        if (places.isEmpty()) {
            bySegment.remove(segment);
        } else {
            bySegment.put(segment, Map.copyOf(places));
        }
        Map<PortLocation, LogicalPort> idx = new HashMap<>();
        Map<String, List<PortLocation>> pend = new TreeMap<>();
        for (Map<PortLocation, LogicalPort> m : bySegment.values()) {
            idx.putAll(m);
            m.forEach((at, p) -> pend.computeIfAbsent(p.name(), k -> new ArrayList<>()).add(at));
        }
        index = Map.copyOf(idx);
        pending = Map.copyOf(pend);
        if (flows == null) {
            return;
        }
        Map<DatapathId, List<FlowSpec>> byDpid = TrapFlows.pending(places);
        declare(segment, byDpid, deployed.getOrDefault(segment, Set.of()));
        if (byDpid.isEmpty()) {
            deployed.remove(segment);
        } else {
            deployed.put(segment, Set.copyOf(byDpid.keySet()));
        }
    }

    /** Control lane: the announcement entries for MAC-bound ports (scope 0), after a config change. */
    void setAnnouncements(NetworkConfig config, boolean anyByMac) {
        if (flows == null) {
            return;
        }
        Map<DatapathId, List<FlowSpec>> ann = TrapFlows.announcements(config, anyByMac);
        declare(0, ann, announceDeployed);
        announceDeployed = Set.copyOf(ann.keySet());
    }

    /** Declare {@code want} for {@code scope}, clearing switches that had some and need none now. */
    private void declare(int scope, Map<DatapathId, List<FlowSpec>> want, Set<DatapathId> before) {
        Set<DatapathId> targets = new HashSet<>(want.keySet());
        targets.addAll(before);
        for (DatapathId d : targets) {
            flows.setDesired(d, scope, want.getOrDefault(d, List.of()));
        }
    }
}
