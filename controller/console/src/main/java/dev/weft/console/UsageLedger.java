package dev.weft.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.weft.api.state.Journal;
import dev.weft.apps.mobility.api.PortCounters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * Usage for billing: what each logical port (and so each tenant) sent, had dropped and received
 * in each period of {@code resolution} seconds, from the traffic reads. A period's records are
 * written to the {@code usage} journal when it ends (and at a clean stop), each with the port's
 * counters at that moment, so that after a restart, a {@code kill -9} included, the next read
 * counts from there: the traffic of a period that was cut short is counted in the period of
 * that read, never lost and never counted twice. Records older than the retention are dropped.
 *
 * <p>Written on the console thread; read ({@link #usage}) from any thread.
 */
final class UsageLedger {
    private static final Logger log = LoggerFactory.getLogger(UsageLedger.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One port's usage in one period, and its counters at the end of it. */
    record Row(long start, String tenant, String network, String port, PortCounters used, PortCounters total) {
    }

    private final Journal journal;
    private final long resolution;
    private final Duration retention;
    /** Whether the counters known at start are those of the last record (a durable store). */
    private final boolean durable;
    /** Closed periods, by start (epoch seconds): immutable lists. */
    private final NavigableMap<Long, List<Row>> closed = new ConcurrentSkipListMap<>();
    /** Console thread: the counters of each port at the last read. */
    private final Map<String, PortCounters> last = new HashMap<>();
    /** Console thread: the period being filled. */
    private long openStart = -1;
    private final Map<String, Row> open = new LinkedHashMap<>();
    private volatile List<Row> openView = List.of();
    private long compactedAt;

    UsageLedger(Journal journal, Duration resolution, Duration retention, boolean durable, Instant now) {
        this.journal = journal;
        this.resolution = resolution.toSeconds();
        this.retention = retention;
        this.durable = durable;
        int bad = 0;
        for (String r : journal.records()) {
            try {
                Row row = decode(r);
                closed.merge(row.start(), List.of(row), UsageLedger::concat);
                last.put(row.port(), row.total());
            } catch (RuntimeException e) {
                bad++;
            }
        }
        if (bad > 0) {
            log.warn("{} usage records could not be read and are skipped", bad);
        }
        if (expire(now) > 0 || bad > 0) {
            compact(now);
        }
    }

    /** Console thread: a traffic read. */
    void record(Traffic t) {
        if (!t.available()) {
            return;
        }
        long start = Math.floorDiv(t.at().getEpochSecond(), resolution) * resolution;
        if (openStart >= 0 && start != openStart) {
            closeOpen();
        }
        openStart = start;
        for (var e : t.ports().entrySet()) {
            String port = e.getKey();
            Traffic.Port p = e.getValue();
            if (!p.fresh()) {
                continue; // not counted this time: the next read that counts it takes it from there
            }
            PortCounters now = p.counters();
            PortCounters before = last.get(port);
            if (before == null && !durable) {
                before = now; // without a journal, what was counted before this start is unknown
            }
            PortCounters used = minus(now, before == null ? PortCounters.ZERO : before);
            last.put(port, now);
            if (used.equals(PortCounters.ZERO) && now.equals(before == null ? PortCounters.ZERO : before)) {
                continue;
            }
            Row r = open.get(port);
            open.put(port, new Row(start, p.tenant(), p.network(), port,
                    r == null ? used : r.used().plus(used), now));
        }
        openView = List.copyOf(open.values());
        if (t.at().getEpochSecond() - compactedAt > 86_400 && expire(t.at()) > 0) {
            compact(t.at());
        }
    }

    /** Console thread: write the period being filled (at a clean stop it is written as it is). */
    void closeOpen() {
        if (!open.isEmpty()) {
            List<Row> rows = List.copyOf(open.values());
            rows.forEach(r -> journal.append(encode(r)));
            closed.merge(openStart, rows, UsageLedger::concat);
        }
        open.clear();
        openView = List.of();
    }

    /** What each port used in the periods that start in [from, to), by tenant; any thread. */
    Usage usage(Instant from, Instant to, String tenant) {
        long f = Math.floorDiv(from.getEpochSecond(), resolution) * resolution;
        long t = -Math.floorDiv(-to.getEpochSecond(), resolution) * resolution;
        Map<String, Map<String, PortCounters>> byTenant = new LinkedHashMap<>();
        Map<String, String> networks = new HashMap<>();
        List<Row> rows = new ArrayList<>();
        closed.subMap(f, true, t, false).values().forEach(rows::addAll);
        openView.stream().filter(r -> r.start() >= f && r.start() < t).forEach(rows::add);
        for (Row r : rows) {
            if (tenant != null && !tenant.equals(r.tenant())) {
                continue;
            }
            byTenant.computeIfAbsent(r.tenant(), k -> new LinkedHashMap<>()).merge(r.port(), r.used(),
                    PortCounters::plus);
            networks.put(r.port(), r.network());
        }
        return new Usage(Instant.ofEpochSecond(f), Instant.ofEpochSecond(t), Duration.ofSeconds(resolution),
                byTenant, networks);
    }

    /** Usage over a range: by tenant, by port. */
    record Usage(Instant from, Instant to, Duration resolution, Map<String, Map<String, PortCounters>> tenants,
                 Map<String, String> networks) {
        PortCounters total(String tenant) {
            return tenants.getOrDefault(tenant, Map.of()).values().stream().reduce(PortCounters.ZERO,
                    PortCounters::plus);
        }
    }

    private int expire(Instant now) {
        // A period goes once all of it is older than the retention.
        long oldest = now.minus(retention).getEpochSecond();
        var old = closed.headMap(oldest - resolution, true);
        int n = old.size();
        old.clear();
        return n;
    }

    private void compact(Instant now) {
        List<String> keep = new ArrayList<>();
        closed.values().forEach(rows -> rows.forEach(r -> keep.add(encode(r))));
        journal.replace(keep);
        compactedAt = now.getEpochSecond();
    }

    private static PortCounters minus(PortCounters a, PortCounters b) {
        // A counter that went down was reset (a switch restarted and reinstalled the entry):
        // what it counted since then is not known, and nothing is counted for it.
        return new PortCounters(Math.max(0, a.txPackets() - b.txPackets()), Math.max(0, a.txBytes() - b.txBytes()),
                Math.max(0, a.txDropped() - b.txDropped()), Math.max(0, a.rxPackets() - b.rxPackets()),
                Math.max(0, a.rxBytes() - b.rxBytes()));
    }

    private static List<Row> concat(List<Row> a, List<Row> b) {
        List<Row> out = new ArrayList<>(a);
        out.addAll(b);
        return List.copyOf(out);
    }

    static String encode(Row r) {
        ObjectNode o = JSON.createObjectNode();
        o.put("start", r.start());
        o.put("tenant", r.tenant());
        o.put("network", r.network());
        o.put("port", r.port());
        o.set("used", counters(r.used()));
        o.set("total", counters(r.total()));
        return o.toString();
    }

    static Row decode(String record) {
        try {
            JsonNode o = JSON.readTree(record);
            return new Row(o.get("start").asLong(), o.get("tenant").asText(), o.get("network").asText(),
                    o.get("port").asText(), counters(o.get("used")), counters(o.get("total")));
        } catch (com.fasterxml.jackson.core.JsonProcessingException | NullPointerException e) {
            throw new IllegalArgumentException("not a usage record: " + e.getMessage(), e);
        }
    }

    private static ArrayNode counters(PortCounters c) {
        ArrayNode a = JSON.createArrayNode();
        a.add(c.txPackets()).add(c.txBytes()).add(c.txDropped()).add(c.rxPackets()).add(c.rxBytes());
        return a;
    }

    private static PortCounters counters(JsonNode a) {
        if (a == null || !a.isArray() || a.size() != 5) {
            throw new IllegalArgumentException("counters must be 5 numbers");
        }
        return new PortCounters(a.get(0).asLong(), a.get(1).asLong(), a.get(2).asLong(), a.get(3).asLong(),
                a.get(4).asLong());
    }
}
