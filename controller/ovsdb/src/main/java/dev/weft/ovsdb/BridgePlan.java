package dev.weft.ovsdb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.weft.ovsdb.rpc.Ops;
import dev.weft.ovsdb.rpc.Values;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The one transaction that makes a hypervisor's integration bridge what it must be, from what its
 * OVSDB holds now (a pure function: the replica and the wish in, operations out; none when all is
 * in order). What Weft owns: the bridge, its datapath id and type, OpenFlow 1.3, fail-mode secure,
 * in-band control off (and every controller out-of-band), the controller targets, and the tunnel
 * ports ({@code vx-*}). Other columns and other ports (the VMs', the uplinks) are left alone.
 */
final class BridgePlan {
    private static final JsonNodeFactory J = JsonNodeFactory.instance;
    static final String PROTOCOL = "OpenFlow13";

    private BridgePlan() {
    }

    /** The operations, and what they repair (for the log). */
    record Plan(List<ObjectNode> ops, List<String> changes) {
        boolean empty() {
            return ops.isEmpty();
        }
    }

    static Plan plan(Replica db, Want w) {
        List<ObjectNode> ops = new ArrayList<>();
        List<String> changes = new ArrayList<>();
        Optional<String> root = db.root();
        if (root.isEmpty()) {
            return new Plan(List.of(), List.of()); // not initialised: an alert says so
        }
        OvsdbSettings s = w.settings();
        Optional<Map.Entry<String, ObjectNode>> found = db.bridge(s.bridge());
        Map<String, JsonNode> ctlRefs = new LinkedHashMap<>();
        int n = 0;
        Map<String, String> existingCtl = found.map(b -> db.controllers(b.getValue())).orElse(Map.of());
        boolean ctlChanged = !existingCtl.keySet().equals(Set.copyOf(s.controllerTargets()));
        if (found.isEmpty() || ctlChanged) {
            for (String t : s.controllerTargets()) {
                String name = "ctl" + n++;
                ops.add(Ops.insert("Controller", Ops.row(Map.of("target", J.textNode(t),
                        "connection_mode", J.textNode("out-of-band"))), name));
                ctlRefs.put(t, Values.namedUuid(name));
            }
        }
        if (found.isEmpty()) {
            List<JsonNode> ports = new ArrayList<>();
            ops.add(Ops.insert("Interface", Ops.row(Map.of("name", J.textNode(s.bridge()), "type",
                    J.textNode("internal"))), "i_local"));
            ops.add(Ops.insert("Port", Ops.row(Map.of("name", J.textNode(s.bridge()), "interfaces",
                    Values.namedUuid("i_local"))), "p_local"));
            ports.add(Values.namedUuid("p_local"));
            int k = 0;
            for (var t : w.tunnels().entrySet()) {
                ports.add(insertTunnel(ops, t.getKey(), t.getValue(), k++));
            }
            Map<String, JsonNode> row = new LinkedHashMap<>(bridgeColumns(w));
            row.put("name", J.textNode(s.bridge()));
            row.put("ports", Values.set(ports));
            row.put("controller", Values.set(List.copyOf(ctlRefs.values())));
            row.put("other_config", Values.map(Map.of("datapath-id", w.datapathId(), "disable-in-band", "true")));
            ops.add(Ops.insert("Bridge", Ops.row(row), "br"));
            ops.add(Ops.mutate("Open_vSwitch", Ops.byUuid(root.get()), List.of(Ops.mutation("bridges", "insert",
                    Values.set(List.of(Values.namedUuid("br")))))));
            changes.add("bridge " + s.bridge() + " created");
            return new Plan(ops, changes);
        }
        String bu = found.get().getKey();
        ObjectNode b = found.get().getValue();
        // Columns the bridge must have.
        Map<String, JsonNode> set = new LinkedHashMap<>();
        bridgeColumns(w).forEach((col, v) -> {
            if (!same(b.get(col), v)) {
                set.put(col, v);
                changes.add(col + " " + b.path(col) + " -> " + v);
            }
        });
        if (ctlChanged) {
            set.put("controller", Values.set(List.copyOf(ctlRefs.values())));
            changes.add("controller " + existingCtl.keySet() + " -> " + s.controllerTargets());
        } else {
            // The right targets: each must be out-of-band.
            for (String cu : Values.uuids(b.get("controller"))) {
                ObjectNode c = db.rows("Controller").get(cu);
                if (c != null && !"out-of-band".equals(Values.optional(c.get("connection_mode")).orElse(""))) {
                    ops.add(Ops.update("Controller", Ops.byUuid(cu), Ops.row(Map.of("connection_mode",
                            J.textNode("out-of-band")))));
                    changes.add("controller " + c.path("target").asText() + " connection_mode -> out-of-band");
                }
            }
        }
        if (!set.isEmpty()) {
            ops.add(Ops.update("Bridge", Ops.byUuid(bu), Ops.row(set)));
        }
        Map<String, String> oc = Values.map(b.get("other_config"));
        Map<String, String> wantOc = Map.of("datapath-id", w.datapathId(), "disable-in-band", "true");
        if (!wantOc.entrySet().stream().allMatch(e -> e.getValue().equals(oc.get(e.getKey())))) {
            // Replace only our keys: others' other_config stays.
            ops.add(Ops.mutate("Bridge", Ops.byUuid(bu), List.of(
                    Ops.mutation("other_config", "delete", Values.stringSet(wantOc.keySet())),
                    Ops.mutation("other_config", "insert", Values.map(wantOc)))));
            changes.add("other_config " + subset(oc, wantOc.keySet()) + " -> " + wantOc);
        }
        tunnels(db, w, bu, b, ops, changes);
        return new Plan(ops, changes);
    }

    private static void tunnels(Replica db, Want w, String bu, ObjectNode b, List<ObjectNode> ops,
                                List<String> changes) {
        Map<String, Replica.PortRow> ports = db.ports(b);
        Map<String, Map<String, String>> want = w.tunnels();
        List<JsonNode> add = new ArrayList<>();
        List<JsonNode> remove = new ArrayList<>();
        int k = 0;
        for (var t : want.entrySet()) {
            Replica.PortRow p = ports.get(t.getKey());
            if (p == null || p.iface() == null) {
                add.add(insertTunnel(ops, t.getKey(), t.getValue(), k++));
                changes.add("tunnel port " + t.getKey() + " added " + t.getValue());
            } else if (!"vxlan".equals(p.type()) || !subset(p.options(), t.getValue().keySet()).equals(t.getValue())) {
                Map<String, String> opts = new LinkedHashMap<>(p.options());
                opts.putAll(t.getValue());
                ops.add(Ops.update("Interface", Ops.byUuid(p.ifaceUuid()), Ops.row(Map.of("type", J.textNode("vxlan"),
                        "options", Values.map(opts)))));
                changes.add("tunnel port " + t.getKey() + " " + p.type() + " " + p.options() + " -> vxlan " + opts);
            }
        }
        for (var p : ports.entrySet()) {
            if (p.getKey().startsWith("vx-") && !want.containsKey(p.getKey())) {
                remove.add(Values.uuid(p.getValue().portUuid()));
                changes.add("tunnel port " + p.getKey() + " removed");
            }
        }
        if (!add.isEmpty() || !remove.isEmpty()) {
            List<com.fasterxml.jackson.databind.node.ArrayNode> m = new ArrayList<>();
            if (!remove.isEmpty()) {
                m.add(Ops.mutation("ports", "delete", Values.set(remove)));
            }
            if (!add.isEmpty()) {
                m.add(Ops.mutation("ports", "insert", Values.set(add)));
            }
            ops.add(Ops.mutate("Bridge", Ops.byUuid(bu), m));
        }
    }

    private static JsonNode insertTunnel(List<ObjectNode> ops, String name, Map<String, String> options, int k) {
        ops.add(Ops.insert("Interface", Ops.row(Map.of("name", J.textNode(name), "type", J.textNode("vxlan"),
                "options", Values.map(options))), "i_t" + k));
        ops.add(Ops.insert("Port", Ops.row(Map.of("name", J.textNode(name), "interfaces",
                Values.namedUuid("i_t" + k))), "p_t" + k));
        return Values.namedUuid("p_t" + k);
    }

    /** The bridge's plain columns as they must be. */
    private static Map<String, JsonNode> bridgeColumns(Want w) {
        Map<String, JsonNode> c = new LinkedHashMap<>();
        c.put("fail_mode", J.textNode("secure"));
        c.put("protocols", Values.stringSet(List.of(PROTOCOL)));
        w.settings().datapathType().ifPresent(t -> c.put("datapath_type", J.textNode(t)));
        return c;
    }

    /** Equal as OVSDB values (a one-element set equals its element). */
    static boolean same(JsonNode have, JsonNode want) {
        return Values.strings(have).stream().sorted().toList().equals(Values.strings(want).stream().sorted().toList());
    }

    private static Map<String, String> subset(Map<String, String> m, Set<String> keys) {
        Map<String, String> out = new LinkedHashMap<>();
        keys.forEach(k -> {
            if (m.containsKey(k)) {
                out.put(k, m.get(k));
            }
        });
        return out;
    }
}
