package dev.weft.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.HelpFormatter;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code weft switches|hosts|tenants|migrations|reload|fabric...}: clients of a running controller's REST
 * API. Tables for people, {@code --json} (the API's own answer) for scripts. Exit codes: 0 done,
 * 1 the API could not be reached or answered with an error (one line), 2 bad arguments.
 */
final class ClientCommands {
    /** The commands, with their summaries for {@code weft help}. */
    static final Map<String, String> SUMMARIES = new java.util.LinkedHashMap<>();

    static {
        SUMMARIES.put("switches", "connected switches (a client of the controller's REST API)");
        SUMMARIES.put("hosts", "hosts the controller has seen");
        SUMMARIES.put("tenants", "tenants, networks and logical ports with where each port is now");
        SUMMARIES.put("security-groups", "each tenant's security groups: their rules and member ports (--port: "
                + "a port's counters per rule and meter)");
        SUMMARIES.put("migrations", "recent VM migrations, newest first");
        SUMMARIES.put("reload", "make the controller re-read its config file");
        SUMMARIES.put("usage", "what each tenant sent, received and had dropped over a time range (for billing)");
        SUMMARIES.put("fabric", "the fabric: each switch's compile target and why, each segment's tag per cable, "
                + "the MACs learned behind each VLAN gateway");
        SUMMARIES.put("alerts", "configuration alerts of the hypervisors (in force; --cleared: those cleared lately)");
    }

    private static final ObjectMapper PRETTY = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ClientCommands() {
    }

    private interface Body {
        void print(ApiClient api, boolean json, CommandLine cl, PrintStream out) throws ApiClient.Failure;
    }

    static int run(String name, String[] args, PrintStream out, PrintStream err) {
        return run(name, args, out, err, System.getenv());
    }

    static int run(String name, String[] args, PrintStream out, PrintStream err, Map<String, String> env) {
        Options o = new Options();
        o.addOption(Option.builder().longOpt("api").hasArg().argName("URL")
                .desc("the controller's API (default $WEFT_API, else " + ApiClient.DEFAULT_API + ")").build());
        o.addOption(Option.builder().longOpt("token-file").hasArg().argName("FILE")
                .desc("the API's bearer token (default $WEFT_API_TOKEN)").build());
        o.addOption(Option.builder().longOpt("json").desc("print the API's JSON answer").build());
        if (name.equals("migrations")) {
            o.addOption(Option.builder("n").longOpt("limit").hasArg().argName("N")
                    .desc("at most this many (default 20)").build());
        }
        if (name.equals("security-groups")) {
            o.addOption(Option.builder().longOpt("tenant").hasArg().argName("NAME").desc("only this tenant").build());
            o.addOption(Option.builder().longOpt("port").hasArg().argName("PORT")
                    .desc("the counters of a logical port: packets and bytes per rule, ACL stage and meter").build());
        }
        if (name.equals("fabric")) {
            o.addOption(Option.builder().longOpt("segment").hasArg().argName("ID")
                    .desc("only this segment (its members and its tag on each cable)").build());
        }
        if (name.equals("alerts")) {
            o.addOption(Option.builder().longOpt("cleared").desc("also those cleared lately, with how long they lasted")
                    .build());
        }
        if (name.equals("usage")) {
            o.addOption(Option.builder().longOpt("from").hasArg().argName("TIME")
                    .desc("start: 2026-12-01T00:00:00Z, a date (UTC) or now (default: the start of this month)").build());
            o.addOption(Option.builder().longOpt("to").hasArg().argName("TIME").desc("end (default now)").build());
            o.addOption(Option.builder().longOpt("tenant").hasArg().argName("NAME").desc("only this tenant").build());
            o.addOption(Option.builder().longOpt("by-port").desc("one line per logical port").build());
            o.addOption(Option.builder().longOpt("csv").desc("print the API's CSV answer").build());
        }
        o.addOption(Option.builder("h").longOpt("help").desc("show this help").build());
        CommandLine cl;
        try {
            cl = new DefaultParser().parse(o, args);
            if (!cl.getArgList().isEmpty()) {
                throw new ParseException("unexpected argument '" + cl.getArgList().get(0) + "'");
            }
        } catch (ParseException e) {
            err.println("weft " + name + ": " + e.getMessage() + " (try 'weft " + name + " --help')");
            return 2;
        }
        if (cl.hasOption("help")) {
            PrintWriter w = new PrintWriter(out);
            new HelpFormatter().printHelp(w, 100, "weft " + name + " [options]", "\n" + SUMMARIES.get(name) + ".\n\n",
                    o, 2, 2, "\nExit codes: 0 done, 1 the API is unreachable or said no, 2 bad arguments.\n");
            w.flush();
            return 0;
        }
        ApiClient api;
        try {
            api = ApiClient.of(cl.getOptionValue("api"), cl.getOptionValue("token-file"), env);
        } catch (IllegalArgumentException e) {
            err.println("weft " + name + ": " + e.getMessage());
            return 2;
        }
        Body body = switch (name) {
            case "switches" -> ClientCommands::switches;
            case "hosts" -> ClientCommands::hosts;
            case "tenants" -> ClientCommands::tenants;
            case "security-groups" -> ClientCommands::securityGroups;
            case "migrations" -> ClientCommands::migrations;
            case "reload" -> ClientCommands::reload;
            case "usage" -> ClientCommands::usage;
            case "alerts" -> ClientCommands::alerts;
            case "fabric" -> FabricCommand::print;
            default -> throw new IllegalArgumentException(name);
        };
        try {
            body.print(api, cl.hasOption("json"), cl, out);
            return 0;
        } catch (ApiClient.Failure e) {
            err.println("weft " + name + ": " + e.getMessage());
            return 1;
        } catch (NumberFormatException e) {
            err.println("weft " + name + ": " + (name.equals("fabric") ? "--segment" : "--limit")
                    + " needs a whole number");
            return 2;
        }
    }

    static boolean json(boolean json, JsonNode n, PrintStream out) {
        if (json) {
            try {
                out.println(PRETTY.writeValueAsString(n));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
        return json;
    }

    static String text(JsonNode n) {
        return n == null || n.isNull() || n.isMissingNode() ? "-" : n.asText();
    }

    /** hv1/3 (a transport node's name when it is one), else the datapath id. */
    static String location(JsonNode l) {
        if (l == null || l.isNull() || l.isMissingNode()) {
            return "-";
        }
        String sw = l.path("transport-node").isTextual() ? l.path("transport-node").asText() : l.path("dpid").asText();
        return sw + " port " + l.path("port").asText();
    }

    private static void switches(ApiClient api, boolean json, CommandLine cl, PrintStream out) throws ApiClient.Failure {
        JsonNode all = api.get("/api/v1/switches");
        if (json(json, all, out)) {
            return;
        }
        Table t = new Table("DATAPATH ID", "NAME", "OPENFLOW", "ADDRESS", "PORTS", "FLOWS", "CONNECTED SINCE");
        for (JsonNode s : all) {
            JsonNode f = s.path("flows");
            t.row(s.path("dpid").asText(), text(s.path("transport-node")), s.path("openflow-version").asText(),
                    s.path("address").asText(), s.path("ports").size(),
                    f.isMissingNode() ? "-" : f.path("installed").asInt() + "/" + f.path("desired").asInt(),
                    s.path("connected-since").asText());
        }
        t.print(out);
    }

    private static void hosts(ApiClient api, boolean json, CommandLine cl, PrintStream out) throws ApiClient.Failure {
        JsonNode all = api.get("/api/v1/hosts");
        if (json(json, all, out)) {
            return;
        }
        Table t = new Table("MAC", "VLAN", "SWITCH", "PORT", "IPS", "LAST SEEN");
        for (JsonNode h : all) {
            List<String> ips = new ArrayList<>();
            h.path("ips").forEach(i -> ips.add(i.asText()));
            t.row(h.path("mac").asText(), text(h.path("vlan")), h.path("location").path("dpid").asText(),
                    h.path("location").path("port").asText(), ips.isEmpty() ? "-" : String.join(",", ips),
                    h.path("last-seen").asText());
        }
        t.print(out);
    }

    private static void tenants(ApiClient api, boolean json, CommandLine cl, PrintStream out) throws ApiClient.Failure {
        JsonNode all = api.get("/api/v1/tenants");
        if (json(json, all, out)) {
            return;
        }
        Table t = new Table("TENANT", "NETWORK", "SEGMENT", "PORT", "MAC", "IPS", "LOCATION");
        for (JsonNode tenant : all) {
            if (tenant.path("networks").isEmpty()) {
                t.row(tenant.path("name").asText(), null, null, null, null, null, null);
            }
            for (JsonNode n : tenant.path("networks")) {
                if (n.path("ports").isEmpty()) {
                    t.row(tenant.path("name").asText(), n.path("name").asText(), n.path("segment").asText(), null,
                            null, null, null);
                }
                for (JsonNode p : n.path("ports")) {
                    List<String> ips = new ArrayList<>();
                    p.path("ips").forEach(i -> ips.add(i.asText()));
                    t.row(tenant.path("name").asText(), n.path("name").asText(), n.path("segment").asText(),
                            p.path("name").asText(), p.path("mac").asText(), ips.isEmpty() ? "-" : String.join(",", ips),
                            p.path("location").isNull() ? "(not located)" : location(p.path("location")));
                }
            }
        }
        t.print(out);
    }

    private static void securityGroups(ApiClient api, boolean json, CommandLine cl, PrintStream out)
            throws ApiClient.Failure {
        if (cl.hasOption("port")) {
            policyCounters(api, json, cl.getOptionValue("port"), out);
            return;
        }
        List<String> names = new ArrayList<>();
        if (cl.hasOption("tenant")) {
            names.add(cl.getOptionValue("tenant"));
        } else {
            api.get("/api/v1/tenants").forEach(t -> names.add(t.path("name").asText()));
        }
        com.fasterxml.jackson.databind.node.ArrayNode all = PRETTY.createArrayNode();
        for (String tenant : names) {
            api.get("/api/v1/tenants/" + tenant + "/security-groups").forEach(all::add);
        }
        if (json(json, all, out)) {
            return;
        }
        Table t = new Table("TENANT", "GROUP", "RULE", "MEMBERS");
        for (JsonNode g : all) {
            List<String> members = new ArrayList<>();
            g.path("members").forEach(m -> members.add(m.asText()));
            String who = members.isEmpty() ? "-" : String.join(",", members);
            if (g.path("rules").isEmpty()) {
                t.row(g.path("tenant").asText(), g.path("name").asText(), "(no rules: nothing in)", who);
            }
            boolean first = true;
            for (JsonNode r : g.path("rules")) {
                t.row(g.path("tenant").asText(), g.path("name").asText(), r.path("text").asText(), first ? who : "");
                first = false;
            }
        }
        t.print(out);
    }

    /** {@code weft security-groups --port NAME}: what each rule, stage and meter of the port counted. */
    private static void policyCounters(ApiClient api, boolean json, String port, PrintStream out)
            throws ApiClient.Failure {
        JsonNode c = api.get("/api/v1/logical-ports/" + port + "/policy-counters");
        if (json(json, c, out)) {
            return;
        }
        if (c.path("dpid").isNull()) {
            out.println(port + " is not located (or has no security groups or limits there): no counters");
            return;
        }
        out.println(port + " (tenant " + c.path("tenant").asText() + ") on " + c.path("dpid").asText() + ", zone "
                + c.path("zone").asText());
        Table t = new Table("DIRECTION", "GROUP", "RULE OR STAGE", "ENTRIES", "PACKETS", "BYTES");
        for (JsonNode r : c.path("rules")) {
            t.row(r.path("direction").asText(), r.path("group").asText(), r.path("rule").asText(),
                    r.path("entries").asText(), r.path("packets").asText(), r.path("bytes").asText());
        }
        for (JsonNode s : c.path("stages")) {
            t.row(s.path("direction").asText(), "-", s.path("what").asText(), "", s.path("packets").asText(),
                    s.path("bytes").asText());
        }
        t.print(out);
        if (!c.path("meters").isEmpty()) {
            Table m = new Table("METER", "KIND", "PACKETS IN", "BYTES IN", "DROPPED");
            for (JsonNode x : c.path("meters")) {
                m.row(x.path("meter").asText(), x.path("kind").asText(), x.path("packets-in").asText(),
                        x.path("bytes-in").asText(), x.path("dropped").asText());
            }
            m.print(out);
        }
    }

    private static void migrations(ApiClient api, boolean json, CommandLine cl, PrintStream out)
            throws ApiClient.Failure {
        int limit = Integer.parseInt(cl.getOptionValue("limit", "20"));
        JsonNode all = api.get("/api/v1/migrations?limit=" + limit);
        if (json(json, all, out)) {
            return;
        }
        Table t = new Table("#", "PORT", "NETWORK", "FROM", "TO", "CONVERGED", "CAUSE", "AT");
        for (JsonNode m : all) {
            JsonNode c = m.path("convergence-ms");
            t.row(m.path("sequence").asText(), m.path("subject").asText(), text(m.path("network")),
                    location(m.path("from")), location(m.path("to")), c.isNumber() ? c.asText() + " ms" : "-",
                    m.path("cause").asText(), m.path("detected-at").asText());
        }
        if (t.isEmpty()) {
            out.println("no migrations yet");
            return;
        }
        t.print(out);
    }

    private static void alerts(ApiClient api, boolean json, CommandLine cl, PrintStream out) throws ApiClient.Failure {
        JsonNode all = api.get("/api/v1/alerts");
        if (json(json, all, out)) {
            return;
        }
        Table t = new Table("NODE", "ALERT", "ABOUT", "SINCE", "WEFT REPAIRS", "WHAT");
        for (JsonNode a : all.path("alerts")) {
            t.row(a.path("node").asText(), a.path("kind").asText(), a.path("subject").asText(),
                    a.path("raised-at").asText(), a.path("repaired-by-weft").asBoolean() ? "yes" : "no",
                    a.path("message").asText());
        }
        if (t.isEmpty()) {
            out.println("no alerts");
        } else {
            t.print(out);
        }
        if (cl.hasOption("cleared")) {
            Table c = new Table("NODE", "ALERT", "ABOUT", "RAISED", "LASTED");
            for (JsonNode a : all.path("cleared")) {
                c.row(a.path("node").asText(), a.path("kind").asText(), a.path("subject").asText(),
                        a.path("raised-at").asText(), a.path("lasted-ms").asText() + " ms");
            }
            out.println();
            if (c.isEmpty()) {
                out.println("none cleared lately");
            } else {
                c.print(out);
            }
        }
    }

    private static void usage(ApiClient api, boolean json, CommandLine cl, PrintStream out) throws ApiClient.Failure {
        StringBuilder q = new StringBuilder("/api/v1/usage?by=").append(cl.hasOption("by-port") ? "port" : "tenant");
        for (String k : List.of("from", "to", "tenant")) {
            if (cl.hasOption(k)) {
                q.append('&').append(k).append('=').append(java.net.URLEncoder.encode(cl.getOptionValue(k),
                        java.nio.charset.StandardCharsets.UTF_8));
            }
        }
        if (cl.hasOption("csv")) {
            out.print(api.getText(q + "&format=csv"));
            return;
        }
        JsonNode u = api.get(q.toString());
        if (json(json, u, out)) {
            return;
        }
        out.println("usage from " + u.path("from").asText() + " to " + u.path("to").asText() + " (records of "
                + u.path("resolution-seconds").asText() + " s)");
        Table t = cl.hasOption("by-port")
                ? new Table("TENANT", "PORT", "SENT", "RECEIVED", "DROPPED", "SENT BYTES", "RECEIVED BYTES")
                : new Table("TENANT", "SENT", "RECEIVED", "DROPPED", "SENT BYTES", "RECEIVED BYTES");
        u.path("tenants").properties().forEach(e -> {
            if (cl.hasOption("by-port")) {
                e.getValue().path("ports").properties().forEach(p -> t.row(usageRow(e.getKey(), p.getKey(), p.getValue())));
            } else {
                t.row(usageRow(e.getKey(), null, e.getValue().path("total")));
            }
        });
        if (t.isEmpty()) {
            out.println("no usage in that time");
            return;
        }
        t.print(out);
    }

    private static Object[] usageRow(String tenant, String port, JsonNode c) {
        List<Object> r = new ArrayList<>(List.of(tenant));
        if (port != null) {
            r.add(port);
        }
        r.add(c.path("tx-packets").asLong() + " frames");
        r.add(c.path("rx-packets").asLong() + " frames");
        r.add(c.path("tx-dropped").asLong() + " frames");
        r.add(c.path("tx-bytes").asLong());
        r.add(c.path("rx-bytes").asLong());
        return r.toArray();
    }

    private static void reload(ApiClient api, boolean json, CommandLine cl, PrintStream out) throws ApiClient.Failure {
        JsonNode r = api.post("/api/v1/reload");
        if (json(json, r, out)) {
            return;
        }
        out.println("config " + r.path("outcome").asText() + ": " + r.path("message").asText());
    }
}
