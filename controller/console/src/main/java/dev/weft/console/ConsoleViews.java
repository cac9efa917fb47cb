package dev.weft.console;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.weft.apps.mobility.api.PortCounters;

import java.util.Locale;
import java.util.Map;

/** The console's answers as JSON and CSV (kebab-case keys, as the rest of the API). Pure. */
final class ConsoleViews {
    static final JsonNodeFactory F = JsonNodeFactory.instance;

    private ConsoleViews() {
    }

    static ObjectNode counters(PortCounters c) {
        ObjectNode o = F.objectNode();
        o.put("tx-packets", c.txPackets());
        o.put("tx-bytes", c.txBytes());
        o.put("tx-dropped", c.txDropped());
        o.put("rx-packets", c.rxPackets());
        o.put("rx-bytes", c.rxBytes());
        return o;
    }

    static ObjectNode traffic(Traffic t) {
        ObjectNode o = F.objectNode();
        o.put("at", t.at().toString());
        ObjectNode tenants = o.putObject("tenants");
        t.tenants().forEach((name, s) -> {
            ObjectNode x = counters(s.counters());
            x.put("tx-bytes-per-second", round(s.txBytesPerSecond()));
            x.put("rx-bytes-per-second", round(s.rxBytesPerSecond()));
            tenants.set(name, x);
        });
        ObjectNode ports = o.putObject("ports");
        t.ports().forEach((name, p) -> {
            ObjectNode x = F.objectNode();
            x.put("tenant", p.tenant());
            x.put("network", p.network());
            x.setAll(counters(p.counters()));
            x.put("tx-bytes-per-second", round(p.txBytesPerSecond()));
            x.put("rx-bytes-per-second", round(p.rxBytesPerSecond()));
            ports.set(name, x);
        });
        return o;
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }

    static ObjectNode usage(UsageLedger.Usage u) {
        ObjectNode o = F.objectNode();
        o.put("from", u.from().toString());
        o.put("to", u.to().toString());
        o.put("resolution-seconds", u.resolution().toSeconds());
        ObjectNode tenants = o.putObject("tenants");
        u.tenants().forEach((tenant, ports) -> {
            ObjectNode t = tenants.putObject(tenant);
            t.set("total", counters(u.total(tenant)));
            ObjectNode ps = t.putObject("ports");
            ports.forEach((port, c) -> {
                ObjectNode p = counters(c);
                p.put("network", u.networks().get(port));
                ps.set(port, p);
            });
        });
        return o;
    }

    /** One line per tenant ({@code byPort} false) or per logical port, with a header line. */
    static String usageCsv(UsageLedger.Usage u, boolean byPort) {
        StringBuilder b = new StringBuilder(byPort ? "tenant,network,port," : "tenant,");
        b.append("from,to,tx_packets,tx_bytes,tx_dropped,rx_packets,rx_bytes\n");
        for (Map.Entry<String, Map<String, PortCounters>> t : u.tenants().entrySet()) {
            if (byPort) {
                t.getValue().forEach((port, c) -> line(b, u, c, csv(t.getKey()), csv(u.networks().get(port)),
                        csv(port)));
            } else {
                line(b, u, u.total(t.getKey()), csv(t.getKey()));
            }
        }
        return b.toString();
    }

    private static void line(StringBuilder b, UsageLedger.Usage u, PortCounters c, String... first) {
        for (String f : first) {
            b.append(f).append(',');
        }
        b.append(u.from()).append(',').append(u.to()).append(',');
        b.append(String.format(Locale.ROOT, "%d,%d,%d,%d,%d%n", c.txPackets(), c.txBytes(), c.txDropped(),
                c.rxPackets(), c.rxBytes()).replace(System.lineSeparator(), "\n"));
    }

    /** A CSV field: quoted when it holds a comma, a quote or a line break (RFC 4180). */
    static String csv(String s) {
        if (s == null) {
            return "";
        }
        if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) {
            return s;
        }
        return '"' + s.replace("\"", "\"\"") + '"';
    }
}
