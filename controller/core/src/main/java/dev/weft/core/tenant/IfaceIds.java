package dev.weft.core.tenant;

import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.OFPort;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * What the transport nodes' OVSDBs say of interfaces with an {@code external_ids:iface-id}: the
 * iface-id of each interface name (known as soon as the row is in the database, before vswitchd
 * gives it an OpenFlow port), and the OpenFlow port of each iface-id. Control lane only.
 */
final class IfaceIds {
    /** dpid → iface-id → OpenFlow port. */
    private final Map<DatapathId, Map<String, OFPort>> ports = new HashMap<>();
    /** dpid → interface name → iface-id. */
    private final Map<DatapathId, Map<String, String>> names = new HashMap<>();

    /** The interface with iface-id {@code id} is at (or gone from) {@code ofport}; whether that is news. */
    boolean at(DatapathId dpid, String id, OFPort ofport, boolean present) {
        Map<String, OFPort> m = ports.computeIfAbsent(dpid, d -> new HashMap<>());
        return present ? !ofport.equals(m.put(id, ofport)) : m.remove(id, ofport);
    }

    /** The interface {@code name} has iface-id {@code id} (empty: no longer); whether a new iface-id was named. */
    boolean named(DatapathId dpid, String name, Optional<String> id) {
        Map<String, String> m = names.computeIfAbsent(dpid, d -> new HashMap<>());
        String before = id.isPresent() ? m.put(name, id.get()) : m.remove(name);
        return id.isPresent() && !id.get().equals(before);
    }

    Optional<String> idOf(DatapathId dpid, String name) {
        return Optional.ofNullable(names.getOrDefault(dpid, Map.of()).get(name));
    }

    void retain(Predicate<DatapathId> keep) {
        ports.keySet().removeIf(keep.negate());
        names.keySet().removeIf(keep.negate());
    }

    /** Every (dpid, iface-id, OpenFlow port) known. */
    void forEach(TriConsumer c) {
        ports.forEach((d, m) -> m.forEach((id, no) -> c.accept(d, id, no)));
    }

    @FunctionalInterface
    interface TriConsumer {
        void accept(DatapathId dpid, String id, OFPort no);
    }
}
