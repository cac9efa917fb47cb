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
 * @param vlanPorts   fabric edge ports where a network continues outside the fabric, tagged
 *                    (the cable to a VLAN gateway node of VXLAN hypervisors, or a legacy VLAN)
 */
public record FabricSettings(List<String> switches, List<String> singleTable, Integer puntRate,
                             List<VlanPortDoc> vlanPorts) {
    /** {@code { network: tenant/net, dpid: "...", port: N, vlan: V }}. */
    public record VlanPortDoc(String network, String dpid, Integer port, Integer vlan) {
    }

    public FabricSettings(List<String> switches, List<String> singleTable, Integer puntRate) {
        this(switches, singleTable, puntRate, null);
    }

    public FabricSettings {
        vlanPorts = vlanPorts == null ? List.of() : List.copyOf(vlanPorts);
        for (VlanPortDoc v : vlanPorts) {
            if (v.network() == null || v.dpid() == null || v.port() == null || v.vlan() == null) {
                throw new IllegalArgumentException("vlan-ports: each needs network, dpid, port and vlan");
            }
            if (v.vlan() < 1 || v.vlan() > 4094 || v.port() < 1) {
                throw new IllegalArgumentException("vlan-ports: vlan must be 1..4094 and port a port number, were "
                        + v.vlan() + ", " + v.port());
            }
            dpids(List.of(v.dpid()), "vlan-ports");
        }
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

    /** The VLAN ports of the networks that exist in {@code config} (others are ignored). */
    public List<VlanPort> vlanPorts(dev.weft.api.tenant.NetworkConfig config) {
        List<VlanPort> out = new java.util.ArrayList<>();
        for (VlanPortDoc v : vlanPorts) {
            config.networks().stream().filter(n -> n.qualifiedName().equals(v.network().trim())).findFirst()
                    .ifPresent(n -> out.add(new VlanPort(n.segment(), DatapathId.of(v.dpid().trim()),
                            org.projectfloodlight.openflow.types.OFPort.of(v.port()), v.vlan())));
        }
        return out;
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
