package dev.weft.apps.mobility;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.weft.api.tenant.Migration;
import dev.weft.api.tenant.PortLocation;
import dev.weft.apps.mobility.api.PortCounters;
import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The journal records of the mobility app, one line of JSON each: a migration, and a logical
 * port's counters at the places it left. Pure; a record that cannot be read is an
 * {@link IllegalArgumentException}.
 */
final class StateCodec {
    private static final ObjectMapper JSON = new ObjectMapper();

    private StateCodec() {
    }

    static String migration(Migration m) {
        ObjectNode o = JSON.createObjectNode();
        o.put("seq", m.sequence());
        o.put("kind", m.kind().name());
        o.put("subject", m.subject());
        o.put("network", m.network());
        o.put("mac", m.mac().toString());
        m.from().ifPresent(f -> o.set("from", location(f)));
        o.set("to", location(m.to()));
        o.put("cause", m.cause());
        o.put("detected-at", m.detectedAt().toString());
        m.convergence().ifPresent(d -> o.put("convergence-ns", d.toNanos()));
        m.controller().ifPresent(d -> o.put("controller-ns", d.toNanos()));
        ObjectNode mods = o.putObject("flow-mods");
        m.flowMods().forEach((d, n) -> mods.put(d.toString(), n));
        m.unconfirmed().forEach(d -> o.withArray("/unconfirmed").add(d.toString()));
        return write(o);
    }

    static Migration migration(String record) {
        JsonNode o = read(record);
        try {
            Map<DatapathId, Integer> mods = new HashMap<>();
            o.path("flow-mods").properties().forEach(e -> mods.put(DatapathId.of(e.getKey()), e.getValue().asInt()));
            Set<DatapathId> unconfirmed = new HashSet<>();
            o.path("unconfirmed").forEach(d -> unconfirmed.add(DatapathId.of(d.asText())));
            return new Migration(need(o, "seq").asLong(), Migration.Kind.valueOf(need(o, "kind").asText()),
                    need(o, "subject").asText(), need(o, "network").asText(), MacAddress.of(need(o, "mac").asText()),
                    o.has("from") ? Optional.of(location(o.get("from"))) : Optional.empty(), location(need(o, "to")),
                    need(o, "cause").asText(), Instant.parse(need(o, "detected-at").asText()),
                    o.has("convergence-ns") ? Optional.of(Duration.ofNanos(o.get("convergence-ns").asLong()))
                            : Optional.empty(),
                    o.has("controller-ns") ? Optional.of(Duration.ofNanos(o.get("controller-ns").asLong()))
                            : Optional.empty(), mods, unconfirmed);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not a migration record: " + e.getMessage(), e);
        }
    }

    /** A port's counters at the places it left (the whole sum: the last record of a port wins). */
    record PastCounters(String port, PortCounters counters) {
    }

    static String counters(String port, PortCounters c) {
        ObjectNode o = JSON.createObjectNode();
        o.put("port", port);
        o.put("tx-packets", c.txPackets());
        o.put("tx-bytes", c.txBytes());
        o.put("tx-dropped", c.txDropped());
        o.put("rx-packets", c.rxPackets());
        o.put("rx-bytes", c.rxBytes());
        return write(o);
    }

    static PastCounters counters(String record) {
        JsonNode o = read(record);
        return new PastCounters(need(o, "port").asText(), new PortCounters(need(o, "tx-packets").asLong(),
                need(o, "tx-bytes").asLong(), need(o, "tx-dropped").asLong(), need(o, "rx-packets").asLong(),
                need(o, "rx-bytes").asLong()));
    }

    private static ObjectNode location(PortLocation l) {
        ObjectNode o = JSON.createObjectNode();
        o.put("dpid", l.dpid().toString());
        o.put("port", l.port().getPortNumber());
        return o;
    }

    private static PortLocation location(JsonNode o) {
        return new PortLocation(DatapathId.of(need(o, "dpid").asText()), OFPort.of(need(o, "port").asInt()));
    }

    private static JsonNode need(JsonNode o, String field) {
        JsonNode v = o.get(field);
        if (v == null || v.isNull()) {
            throw new IllegalArgumentException("no " + field);
        }
        return v;
    }

    private static String write(ObjectNode o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode read(String record) {
        try {
            JsonNode n = JSON.readTree(record);
            if (n == null || !n.isObject()) {
                throw new IllegalArgumentException("not a JSON object");
            }
            return n;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage(), e);
        }
    }
}
