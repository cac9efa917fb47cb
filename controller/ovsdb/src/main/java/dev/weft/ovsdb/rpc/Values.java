package dev.weft.ovsdb.rpc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * OVSDB values in JSON (RFC 7047 section 5.1): atoms, {@code ["uuid", U]},
 * {@code ["named-uuid", N]}, {@code ["set", [...]]} and {@code ["map", [[k, v], ...]]}; builders
 * and readers. A set of one element may be sent as the element alone; readers accept both.
 */
public final class Values {
    private Values() {
    }

    public static ArrayNode uuid(String uuid) {
        return OvsdbClient.JSON.arrayNode().add("uuid").add(uuid);
    }

    public static ArrayNode namedUuid(String name) {
        return OvsdbClient.JSON.arrayNode().add("named-uuid").add(name);
    }

    public static ArrayNode set(Collection<? extends JsonNode> elements) {
        ArrayNode s = OvsdbClient.JSON.arrayNode().add("set");
        ArrayNode items = s.addArray();
        elements.forEach(items::add);
        return s;
    }

    public static ArrayNode stringSet(Collection<String> elements) {
        return set(elements.stream().map(e -> (JsonNode) OvsdbClient.JSON.textNode(e)).toList());
    }

    /** The empty set: how an optional column is cleared. */
    public static ArrayNode empty() {
        return set(List.of());
    }

    public static ArrayNode map(Map<String, String> entries) {
        ArrayNode m = OvsdbClient.JSON.arrayNode().add("map");
        ArrayNode items = m.addArray();
        entries.forEach((k, v) -> items.addArray().add(k).add(v));
        return m;
    }

    /** The elements of a set (or the one atom given in its place). */
    public static List<JsonNode> elements(JsonNode value) {
        if (value == null || value.isNull() || value.isMissingNode()) {
            return List.of();
        }
        if (value.isArray() && value.size() == 2 && "set".equals(value.get(0).asText())) {
            List<JsonNode> out = new ArrayList<>();
            value.get(1).forEach(out::add);
            return out;
        }
        return List.of(value);
    }

    /** A set of strings or integers as text. */
    public static List<String> strings(JsonNode value) {
        return elements(value).stream().map(JsonNode::asText).toList();
    }

    /** The one element of an optional column (a set of 0 or 1), as text. */
    public static Optional<String> optional(JsonNode value) {
        List<JsonNode> e = elements(value);
        return e.isEmpty() ? Optional.empty() : Optional.of(atomText(e.get(0)));
    }

    /** A uuid's text from {@code ["uuid", U]}. */
    public static String uuidOf(JsonNode value) {
        if (value != null && value.isArray() && value.size() == 2 && "uuid".equals(value.get(0).asText())) {
            return value.get(1).asText();
        }
        throw new IllegalArgumentException("not a uuid: " + value);
    }

    /** The uuids of a set of references. */
    public static List<String> uuids(JsonNode value) {
        return elements(value).stream().map(Values::uuidOf).toList();
    }

    /** A string→string map column (other_config, external_ids, options). */
    public static Map<String, String> map(JsonNode value) {
        Map<String, String> m = new LinkedHashMap<>();
        if (value != null && value.isArray() && value.size() == 2 && "map".equals(value.get(0).asText())) {
            value.get(1).forEach(kv -> m.put(atomText(kv.get(0)), atomText(kv.get(1))));
        }
        return m;
    }

    private static String atomText(JsonNode atom) {
        if (atom.isArray() && atom.size() == 2 && "uuid".equals(atom.get(0).asText())) {
            return atom.get(1).asText();
        }
        return atom.asText();
    }
}
