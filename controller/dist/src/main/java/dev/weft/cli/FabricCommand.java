package dev.weft.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.commons.cli.CommandLine;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code weft fabric}: the fabric switches with the compile target each got and why, the segments
 * with their tag on each cable, the L2 gateways with the MACs learned behind them (and their age).
 * A part whose app is not enabled says so and the others are still shown.
 */
final class FabricCommand {
    private FabricCommand() {
    }

    static void print(ApiClient api, boolean json, CommandLine cl, PrintStream out) throws ApiClient.Failure {
        String one = cl.getOptionValue("segment");
        if (one != null) {
            Integer.parseInt(one);
        }
        ObjectNode all = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        List<String> off = new ArrayList<>();
        JsonNode switches = part(api, "/api/v1/fabric/switches", off);
        JsonNode segments = part(api, one == null ? "/api/v1/fabric/segments" : "/api/v1/fabric/segments/" + one, off);
        JsonNode gateways = one == null ? part(api, "/api/v1/fabric/gateways", off) : null;
        all.set("switches", switches == null ? null : switches.path("switches"));
        all.set("segments", segments == null ? null : one == null ? segments.path("segments") : segments);
        if (one == null) {
            all.set("gateways", gateways);
        }
        if (ClientCommands.json(json, all, out)) {
            return;
        }
        if (switches != null && one == null) {
            Table t = new Table("SWITCH", "OPENFLOW", "TABLES", "TARGET", "WHY");
            switches.path("switches").forEach(s -> t.row(s.path("dpid").asText(), s.path("openflow-version").asText(),
                    s.path("tables-usable").asInt() + "/" + s.path("tables-reported").asInt(), s.path("target").asText(),
                    s.path("reason").asText()));
            print(out, t, "no fabric switch connected");
            out.println();
        }
        if (segments != null) {
            Table t = new Table("SEGMENT", "NETWORK", "WHERE", "VLAN");
            for (JsonNode s : one == null ? segments.path("segments") : List.of(segments)) {
                String seg = s.path("segment").asText();
                String net = s.path("network").asText();
                s.path("members").forEach(m -> t.row(seg, net, "member " + m.path("port").asText() + " at "
                        + port(m.path("at")), "untagged"));
                s.path("links").forEach(l -> t.row(seg, net, "cable " + port(l.path("a")) + " - " + port(l.path("b")),
                        l.path("vlan").isNull() ? "none (cable full)" : l.path("vlan").asText()));
                JsonNode v = s.path("vlan-port");
                if (v.isObject()) {
                    t.row(seg, net, "vlan-port " + port(v.path("at")), v.path("vlan").asText());
                }
            }
            print(out, t, "no segment on the fabric");
        }
        if (gateways != null) {
            out.println();
            Table t = new Table("GATEWAY", "NETWORK", "NODE PORT VLAN", "MACS", "MAC LEARNED", "AGE", "IDLE");
            for (JsonNode g : gateways) {
                String where = g.path("node").asText() + " " + g.path("port").asText() + " " + g.path("vlan").asText();
                String count = g.path("learned").size() + "/" + g.path("max-macs").asText()
                        + (g.path("full").asBoolean() ? " full, " + g.path("refused").asText() + " refused" : "");
                if (g.path("learned").isEmpty()) {
                    t.row(g.path("name").asText(), g.path("network").asText(), where, count, "(none yet)", "-", "-");
                }
                g.path("learned").forEach(m -> t.row(g.path("name").asText(), g.path("network").asText(), where,
                        count, m.path("mac").asText(), age(m.path("age-seconds").asDouble()),
                        age(m.path("idle-seconds").asDouble())));
            }
            print(out, t, "no VLAN gateways configured");
        }
        off.forEach(out::println);
    }

    /** A part of the answer; null (and a line in {@code off}) when its app is not enabled. */
    private static JsonNode part(ApiClient api, String path, List<String> off) throws ApiClient.Failure {
        try {
            return api.get(path);
        } catch (ApiClient.Failure e) {
            if (e.status == 501) {
                String line = e.getMessage();
                if (!off.contains(line)) {
                    off.add(line);
                }
                return null;
            }
            throw e;
        }
    }

    private static void print(PrintStream out, Table t, String none) {
        if (t.isEmpty()) {
            out.println(none);
        } else {
            t.print(out);
        }
    }

    private static String port(JsonNode p) {
        return p.path("dpid").asText() + "/" + p.path("port").asText();
    }

    static String age(double seconds) {
        long s = (long) seconds;
        if (s < 60) {
            return s + " s";
        }
        if (s < 3600) {
            return s / 60 + " min " + s % 60 + " s";
        }
        return s / 3600 + " h " + s % 3600 / 60 + " min";
    }
}
