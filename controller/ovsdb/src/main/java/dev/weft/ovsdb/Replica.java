package dev.weft.ovsdb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.weft.ovsdb.rpc.Values;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What Weft monitors of one hypervisor's Open_vSwitch database: the rows of the tables below
 * (only the columns named), kept up to date from the monitor's {@code table-updates}. Used from
 * one thread.
 */
final class Replica {
    /** Monitored tables and columns. */
    static final Map<String, List<String>> COLUMNS = Map.of(
            "Open_vSwitch", List.of("bridges", "external_ids"),
            "Bridge", List.of("name", "ports", "controller", "fail_mode", "protocols", "other_config", "datapath_id",
                    "datapath_type"),
            "Port", List.of("name", "interfaces"),
            "Interface", List.of("name", "type", "options", "ofport", "external_ids", "mtu", "error"),
            "Controller", List.of("target", "connection_mode", "is_connected"));

    private final Map<String, Map<String, ObjectNode>> tables = new HashMap<>();

    /** The monitor request for {@link #COLUMNS}. */
    static ObjectNode monitorRequest() {
        ObjectNode r = JsonNodeFactory.instance.objectNode();
        COLUMNS.forEach((table, cols) -> {
            ArrayNode c = r.putObject(table).putArray("columns");
            cols.forEach(c::add);
        });
        return r;
    }

    /** Apply a monitor's {@code table-updates} (the first reply, or a later update). */
    void apply(JsonNode tableUpdates) {
        tableUpdates.fields().forEachRemaining(t -> {
            Map<String, ObjectNode> rows = tables.computeIfAbsent(t.getKey(), k -> new LinkedHashMap<>());
            t.getValue().fields().forEachRemaining(r -> {
                JsonNode n = r.getValue().get("new");
                if (n == null || n.isNull()) {
                    rows.remove(r.getKey());
                } else {
                    rows.put(r.getKey(), (ObjectNode) n); // monitor (v1) sends every monitored column
                }
            });
        });
    }

    void clear() {
        tables.clear();
    }

    Map<String, ObjectNode> rows(String table) {
        return tables.getOrDefault(table, Map.of());
    }

    Optional<ObjectNode> row(String table, String uuid) {
        return Optional.ofNullable(rows(table).get(uuid));
    }

    /** The root row's uuid (absent in a database nobody initialised). */
    Optional<String> root() {
        return rows("Open_vSwitch").keySet().stream().findFirst();
    }

    /** The root row's {@code external_ids} (empty before the first update). */
    Map<String, String> rootExternalIds() {
        return root().map(u -> Values.map(rows("Open_vSwitch").get(u).get("external_ids"))).orElse(Map.of());
    }

    /** The bridge named {@code name}, as (uuid, row). */
    Optional<Map.Entry<String, ObjectNode>> bridge(String name) {
        return rows("Bridge").entrySet().stream().filter(e -> name.equals(e.getValue().path("name").asText()))
                .findFirst();
    }

    /** A bridge's ports: port name → (port uuid, its first interface's uuid and row). */
    Map<String, PortRow> ports(ObjectNode bridge) {
        Map<String, PortRow> out = new LinkedHashMap<>();
        for (String pu : Values.uuids(bridge.get("ports"))) {
            ObjectNode p = rows("Port").get(pu);
            if (p == null) {
                continue;
            }
            List<String> ifs = Values.uuids(p.get("interfaces"));
            String iu = ifs.isEmpty() ? null : ifs.get(0);
            ObjectNode i = iu == null ? null : rows("Interface").get(iu);
            out.put(p.path("name").asText(), new PortRow(pu, iu, i));
        }
        return out;
    }

    /** A bridge's port, with its (first) interface. */
    record PortRow(String portUuid, String ifaceUuid, ObjectNode iface) {
        String type() {
            return iface == null ? "" : iface.path("type").asText("");
        }

        Map<String, String> options() {
            return iface == null ? Map.of() : Values.map(iface.get("options"));
        }

        Map<String, String> externalIds() {
            return iface == null ? Map.of() : Values.map(iface.get("external_ids"));
        }

        /** The OpenFlow port number, once vswitchd assigned one (-1: it failed). */
        Optional<Integer> ofport() {
            return iface == null ? Optional.empty() : Values.optional(iface.get("ofport")).map(Integer::parseInt);
        }

        Optional<Integer> mtu() {
            return iface == null ? Optional.empty() : Values.optional(iface.get("mtu")).map(Integer::parseInt);
        }
    }

    /** The controller targets of a bridge, by target, with each one's connection mode ("" when unset). */
    Map<String, String> controllers(ObjectNode bridge) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String cu : Values.uuids(bridge.get("controller"))) {
            ObjectNode c = rows("Controller").get(cu);
            if (c != null) {
                out.put(c.path("target").asText(), Values.optional(c.get("connection_mode")).orElse(""));
            }
        }
        return out;
    }

    /** Every interface of every bridge, with the bridge's name. */
    List<Map.Entry<String, PortRow>> allInterfaces() {
        return rows("Bridge").values().stream().flatMap(b -> ports(b).values().stream()
                .map(p -> Map.entry(b.path("name").asText(), p))).toList();
    }
}
