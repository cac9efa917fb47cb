package dev.weft.apps.fabric;

import org.projectfloodlight.openflow.types.DatapathId;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@code apps: fabric:} in the config file.
 *
 * @param switches    the datapath ids of the fabric's switches; absent: every connected switch
 *                    that is not a transport node
 * @param singleTable switches to program single-table even though they offer more tables (hardware
 *                    whose extra tables cannot hold what the fabric needs); OpenFlow 1.0 switches
 *                    and switches reporting one table are single-table anyway
 * @param puntRate    packets per second per port sent to the controller to locate MAC-bound
 *                    servers (default 10; a burst of as many again)
 */
public record FabricSettings(List<String> switches, List<String> singleTable, Integer puntRate) {
    public FabricSettings {
        puntRate = puntRate == null ? 10 : puntRate;
        if (puntRate < 1) {
            throw new IllegalArgumentException("punt-rate must be at least 1, was " + puntRate);
        }
        switches = switches == null ? null : List.copyOf(switches);
        singleTable = singleTable == null ? List.of() : List.copyOf(singleTable);
        dpids(switches == null ? List.of() : switches, "switches");
        dpids(singleTable, "single-table");
    }

    /** The fabric's switches when given, else empty (every switch that is no transport node). */
    public java.util.Optional<Set<DatapathId>> fabricSwitches() {
        return switches == null ? java.util.Optional.empty() : java.util.Optional.of(dpids(switches, "switches"));
    }

    public Set<DatapathId> singleTableSwitches() {
        return dpids(singleTable, "single-table");
    }

    private static Set<DatapathId> dpids(List<String> l, String key) {
        return l.stream().map(s -> {
            try {
                return DatapathId.of(s.trim());
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(key + ": '" + s + "' is not a datapath id (like 00:00:00:00:00:00:00:01)");
            }
        }).collect(Collectors.toUnmodifiableSet());
    }
}
