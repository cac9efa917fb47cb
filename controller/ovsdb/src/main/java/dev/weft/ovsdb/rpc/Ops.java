package dev.weft.ovsdb.rpc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Collection;
import java.util.List;
import java.util.Map;

/** Builders of RFC 7047 transaction operations (section 5.2) and conditions. */
public final class Ops {
    private Ops() {
    }

    private static ObjectNode op(String op, String table) {
        return OvsdbClient.JSON.objectNode().put("op", op).put("table", table);
    }

    /** A condition {@code [column, function, value]}. */
    public static ArrayNode cond(String column, String function, JsonNode value) {
        return OvsdbClient.JSON.arrayNode().add(column).add(function).add(value);
    }

    /** The row with this uuid. */
    public static List<ArrayNode> byUuid(String uuid) {
        return List.of(cond("_uuid", "==", Values.uuid(uuid)));
    }

    private static ArrayNode where(List<ArrayNode> conditions) {
        ArrayNode a = OvsdbClient.JSON.arrayNode();
        conditions.forEach(a::add);
        return a;
    }

    /** Insert {@code row}; other operations may refer to it as {@code ["named-uuid", uuidName]}. */
    public static ObjectNode insert(String table, ObjectNode row, String uuidName) {
        ObjectNode o = op("insert", table);
        o.set("row", row);
        if (uuidName != null) {
            o.put("uuid-name", uuidName);
        }
        return o;
    }

    public static ObjectNode update(String table, List<ArrayNode> where, ObjectNode row) {
        ObjectNode o = op("update", table);
        o.set("where", where(where));
        o.set("row", row);
        return o;
    }

    public static ObjectNode delete(String table, List<ArrayNode> where) {
        ObjectNode o = op("delete", table);
        o.set("where", where(where));
        return o;
    }

    public static ObjectNode select(String table, List<ArrayNode> where, Collection<String> columns) {
        ObjectNode o = op("select", table);
        o.set("where", where(where));
        ArrayNode cols = o.putArray("columns");
        columns.forEach(cols::add);
        return o;
    }

    /** A mutation {@code [column, mutator, value]} ({@code insert}, {@code delete}, {@code +=} ...). */
    public static ArrayNode mutation(String column, String mutator, JsonNode value) {
        return OvsdbClient.JSON.arrayNode().add(column).add(mutator).add(value);
    }

    public static ObjectNode mutate(String table, List<ArrayNode> where, List<ArrayNode> mutations) {
        ObjectNode o = op("mutate", table);
        o.set("where", where(where));
        ArrayNode m = o.putArray("mutations");
        mutations.forEach(m::add);
        return o;
    }

    /** A comment the server writes into its log with the transaction. */
    public static ObjectNode comment(String text) {
        return OvsdbClient.JSON.objectNode().put("op", "comment").put("comment", text);
    }

    /** A row object from column → value. */
    public static ObjectNode row(Map<String, JsonNode> columns) {
        ObjectNode r = OvsdbClient.JSON.objectNode();
        columns.forEach(r::set);
        return r;
    }
}
