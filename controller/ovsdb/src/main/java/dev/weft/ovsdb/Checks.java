package dev.weft.ovsdb;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.weft.api.tenant.NetworkConfig;
import dev.weft.ovsdb.rpc.Values;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What is wrong with one hypervisor's Open vSwitch, from what its OVSDB holds (a pure function).
 * Raised whether or not Weft repairs it: a setting broken by hand shows as an alert until the
 * repair is seen.
 */
final class Checks {
    private Checks() {
    }

    static List<Alert> check(Replica db, Want w, NetworkConfig config) {
        String node = w.node().name();
        OvsdbSettings s = w.settings();
        List<Alert> out = new ArrayList<>();
        if (db.root().isEmpty()) {
            out.add(new Alert(node, Alert.NOT_INITIALISED, "Open_vSwitch", "the OVSDB has no Open_vSwitch row "
                    + "(run ovs-vsctl init, or start Open vSwitch with ovs-ctl)", false));
            return out;
        }
        Optional<Map.Entry<String, ObjectNode>> found = db.bridge(s.bridge());
        if (found.isEmpty()) {
            out.add(new Alert(node, Alert.BRIDGE_MISSING, s.bridge(), "no bridge " + s.bridge() + "; creating it", true));
            return out;
        }
        ObjectNode b = found.get().getValue();
        String br = s.bridge();
        Map<String, String> oc = Values.map(b.get("other_config"));
        Map<String, String> ctls = db.controllers(b);
        boolean inBandOff = "true".equals(oc.get("disable-in-band"))
                || (!ctls.isEmpty() && ctls.values().stream().allMatch("out-of-band"::equals));
        if (!inBandOff) {
            out.add(new Alert(node, Alert.IN_BAND, br, br + " has in-band control on (other_config:disable-in-band is "
                    + oc.getOrDefault("disable-in-band", "unset") + "): Open vSwitch's hidden NORMAL entries let any "
                    + "VM reach the controller's address and every tenant; turning it off", true));
        }
        String failMode = Values.optional(b.get("fail_mode")).orElse("");
        if (!failMode.equals("secure")) {
            out.add(new Alert(node, Alert.FAIL_MODE, br, br + " has fail_mode " + (failMode.isEmpty()
                    ? "unset (standalone)" : failMode) + ": without the controller it would forward as a learning "
                    + "switch across tenants; setting secure", true));
        }
        if (!ctls.keySet().equals(Set.copyOf(s.controllerTargets()))) {
            out.add(new Alert(node, Alert.CONTROLLER, br, br + " has controller target(s) " + ctls.keySet()
                    + ", expected " + s.controllerTargets() + "; setting them", true));
        }
        List<String> protocols = Values.strings(b.get("protocols"));
        if (!protocols.contains(BridgePlan.PROTOCOL)) {
            out.add(new Alert(node, Alert.PROTOCOLS, br, br + " speaks " + (protocols.isEmpty()
                    ? "the default protocols (OpenFlow 1.0 only)" : protocols) + ", not OpenFlow 1.3; setting it", true));
        }
        // The one vswitchd uses (datapath_id, written back by it), and the one it is told
        // (other_config:datapath-id): a change by hand shows in the second first, and Weft's repair
        // may undo it before vswitchd has read it, so both count.
        String used = Values.optional(b.get("datapath_id")).orElse("");
        String told = oc.getOrDefault("datapath-id", "");
        boolean toldWrong = !told.equalsIgnoreCase(w.datapathId());
        boolean usedWrong = !used.isEmpty() && !used.equalsIgnoreCase(w.datapathId());
        if (toldWrong || usedWrong) {
            String dpid = usedWrong && !toldWrong ? used : told.isEmpty() ? "(none set)" : told;
            out.add(new Alert(node, Alert.DATAPATH_ID, br, br + " has datapath id " + dpid + ", not the configured "
                    + w.datapathId() + "; setting it", true));
        }
        Map<String, Replica.PortRow> ports = db.ports(b);
        for (var t : w.tunnels().entrySet()) {
            Replica.PortRow p = ports.get(t.getKey());
            if (p == null) {
                out.add(new Alert(node, Alert.TUNNEL_PORT, t.getKey(), "tunnel port " + t.getKey() + " is missing on "
                        + br + "; adding it", true));
            } else if (!"vxlan".equals(p.type()) || !t.getValue().entrySet().stream()
                    .allMatch(e -> e.getValue().equals(p.options().get(e.getKey())))) {
                out.add(new Alert(node, Alert.TUNNEL_PORT, t.getKey(), "tunnel port " + t.getKey() + " is " + p.type()
                        + " with remote_ip=" + p.options().getOrDefault("remote_ip", "unset") + " key="
                        + p.options().getOrDefault("key", "unset") + ", expected vxlan with remote_ip="
                        + t.getValue().get("remote_ip") + " key=flow; repairing it", true));
            }
        }
        for (var p : ports.entrySet()) {
            if (p.getKey().startsWith("vx-") && !w.tunnels().containsKey(p.getKey())) {
                out.add(new Alert(node, Alert.TUNNEL_PORT, p.getKey(), "tunnel port " + p.getKey()
                        + " is not one Weft expects (" + w.tunnels().keySet() + "); removing it", true));
            }
        }
        underlayMtu(db, w, ports).ifPresent(out::add);
        for (var p : ports.entrySet()) {
            String id = p.getValue().externalIds().get("iface-id");
            if (id != null && config.port(id).isEmpty()) {
                out.add(new Alert(node, Alert.UNKNOWN_IFACE_ID, p.getKey(), "interface " + p.getKey()
                        + " has iface-id " + id + ", which no logical port of the config is: it stays cut off", false));
            }
        }
        return out;
    }

    /** The underlay (an interface Open vSwitch has, e.g. br-phy) must carry the VMs' frames plus VXLAN's 50 bytes. */
    private static Optional<Alert> underlayMtu(Replica db, Want w, Map<String, Replica.PortRow> brInt) {
        OvsdbSettings s = w.settings();
        int vm = s.vmMtu();
        for (var p : brInt.entrySet()) {
            if (!p.getKey().startsWith("vx-") && !p.getKey().equals(s.bridge())) {
                vm = Math.max(vm, p.getValue().mtu().orElse(0));
            }
        }
        int needed = vm + OvsdbSettings.VXLAN_OVERHEAD;
        for (var e : db.allInterfaces()) {
            Replica.PortRow p = e.getValue();
            if (p.iface() != null && s.underlayInterface().equals(p.iface().path("name").asText())) {
                Optional<Integer> mtu = p.mtu();
                if (mtu.isPresent() && mtu.get() < needed) {
                    return Optional.of(new Alert(w.node().name(), Alert.UNDERLAY_MTU, s.underlayInterface(),
                            "underlay " + s.underlayInterface() + " has MTU " + mtu.get() + ", under the " + needed
                                    + " that VMs of MTU " + vm + " need with VXLAN's " + OvsdbSettings.VXLAN_OVERHEAD
                                    + " bytes (large frames would be dropped); raise it to " + needed
                                    + " or lower the VMs' MTU", false));
                }
            }
        }
        return Optional.empty();
    }
}
