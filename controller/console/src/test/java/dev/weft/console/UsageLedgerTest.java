package dev.weft.console;

import dev.weft.api.state.Journal;
import dev.weft.apps.mobility.api.PortCounters;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Usage per period from cumulative counters: nothing lost, nothing counted twice, across restarts. */
class UsageLedgerTest {
    private static final Instant T0 = Instant.parse("2026-12-01T00:00:00Z");
    private static final Duration MINUTE = Duration.ofMinutes(1);

    /** A journal kept in a list, as the file store would keep it (what was appended, in order). */
    static final class ListJournal implements Journal {
        final List<String> lines = new ArrayList<>();

        ListJournal(List<String> initial) {
            lines.addAll(initial);
        }

        @Override
        public List<String> records() {
            return List.copyOf(lines);
        }

        @Override
        public void append(String record) {
            lines.add(record);
        }

        @Override
        public void replace(List<String> records) {
            lines.clear();
            lines.addAll(records);
        }

        @Override
        public CompletableFuture<Void> written() {
            return CompletableFuture.completedFuture(null);
        }
    }

    private static PortCounters c(long txBytes, long rxBytes) {
        return new PortCounters(txBytes / 100, txBytes, 0, rxBytes / 100, rxBytes);
    }

    private static Traffic read(Instant at, Map<String, PortCounters> ports) {
        Map<String, Traffic.Port> p = new LinkedHashMap<>();
        ports.forEach((k, v) -> p.put(k, new Traffic.Port(k.startsWith("a") ? "acme" : "globex", "web", v, 0, 0, true)));
        return new Traffic(at, true, p, Map.of());
    }

    @Test
    void eachPeriodCountsWhatWasSentInIt() {
        ListJournal j = new ListJournal(List.of());
        UsageLedger u = new UsageLedger(j, MINUTE, Duration.ofDays(30), true, T0);
        u.record(read(T0.plusSeconds(5), Map.of("a1", c(1000, 0), "g1", c(0, 0))));
        u.record(read(T0.plusSeconds(35), Map.of("a1", c(1500, 200), "g1", c(300, 0))));
        u.record(read(T0.plusSeconds(65), Map.of("a1", c(2500, 200), "g1", c(300, 0)))); // the next minute
        assertEquals(2, j.lines.size(), "the first minute is written when it ends (a1 and g1; nothing of g1 yet after)");
        assertEquals(c(1500, 200), u.usage(T0, T0.plusSeconds(60), null).total("acme"));
        assertEquals(c(300, 0), u.usage(T0, T0.plusSeconds(60), "globex").total("globex"));
        assertEquals(c(1000, 0), u.usage(T0.plusSeconds(60), T0.plusSeconds(120), null).total("acme"),
                "the minute being filled is answered too");
        assertEquals(c(2500, 200), u.usage(T0, T0.plusSeconds(3600), null).total("acme"));
        UsageLedger.Usage part = u.usage(T0.plusSeconds(70), T0.plusSeconds(80), null);
        assertEquals(T0.plusSeconds(60), part.from(), "widened to whole records");
        assertEquals(T0.plusSeconds(120), part.to());
    }

    @Test
    void aRestartAfterAKillCountsFromTheLastRecordNothingTwiceNothingLost() {
        ListJournal j = new ListJournal(List.of());
        UsageLedger u = new UsageLedger(j, MINUTE, Duration.ofDays(30), true, T0);
        u.record(read(T0.plusSeconds(10), Map.of("a1", c(1000, 100))));
        u.record(read(T0.plusSeconds(70), Map.of("a1", c(1600, 100))));
        u.record(read(T0.plusSeconds(80), Map.of("a1", c(1900, 100))));
        PortCounters before = u.usage(T0, T0.plusSeconds(3600), null).total("acme");
        assertEquals(c(1900, 100), before);
        // kill -9: the minute being filled (1000 -> 1900) was never written.
        UsageLedger after = new UsageLedger(new ListJournal(j.lines), MINUTE, Duration.ofDays(30), true,
                T0.plusSeconds(90));
        assertEquals(c(1000, 100), after.usage(T0, T0.plusSeconds(3600), null).total("acme"));
        // The first read after the restart counts from the last record: the lost part comes back once.
        after.record(read(T0.plusSeconds(95), Map.of("a1", c(1900, 100))));
        assertEquals(before, after.usage(T0, T0.plusSeconds(3600), null).total("acme"));
        after.record(read(T0.plusSeconds(100), Map.of("a1", c(2000, 100))));
        assertEquals(c(2000, 100), after.usage(T0, T0.plusSeconds(3600), null).total("acme"));
    }

    @Test
    void aCleanStopWritesThePeriodBeingFilled() {
        ListJournal j = new ListJournal(List.of());
        UsageLedger u = new UsageLedger(j, MINUTE, Duration.ofDays(30), true, T0);
        u.record(read(T0.plusSeconds(10), Map.of("a1", c(1000, 0))));
        u.closeOpen();
        UsageLedger again = new UsageLedger(new ListJournal(j.lines), MINUTE, Duration.ofDays(30), true, T0);
        again.record(read(T0.plusSeconds(20), Map.of("a1", c(1200, 0)))); // same minute, after the restart
        assertEquals(c(1200, 0), again.usage(T0, T0.plusSeconds(60), null).total("acme"));
    }

    @Test
    void aCounterThatWentDownWasResetAndCountsNothingNegative() {
        UsageLedger u = new UsageLedger(new ListJournal(List.of()), MINUTE, Duration.ofDays(30), true, T0);
        u.record(read(T0.plusSeconds(1), Map.of("a1", c(5000, 0))));
        u.record(read(T0.plusSeconds(2), Map.of("a1", c(100, 0)))); // the switch lost its entries
        u.record(read(T0.plusSeconds(3), Map.of("a1", c(400, 0))));
        assertEquals(c(5300, 0), u.usage(T0, T0.plusSeconds(60), null).total("acme"));
    }

    @Test
    void aPortThatCouldNotBeCountedIsSkippedNotTakenForZero() {
        UsageLedger u = new UsageLedger(new ListJournal(List.of()), MINUTE, Duration.ofDays(30), true, T0);
        u.record(read(T0.plusSeconds(1), Map.of("a1", c(5000, 0))));
        Map<String, Traffic.Port> stale = Map.of("a1", new Traffic.Port("acme", "web", c(5000, 0), 0, 0, false));
        u.record(new Traffic(T0.plusSeconds(2), true, stale, Map.of()));
        u.record(read(T0.plusSeconds(3), Map.of("a1", c(5400, 0))));
        assertEquals(c(5400, 0), u.usage(T0, T0.plusSeconds(60), null).total("acme"));
    }

    @Test
    void withoutAJournalWhatWasCountedBeforeTheStartIsNotUsage() {
        UsageLedger u = new UsageLedger(new ListJournal(List.of()), MINUTE, Duration.ofDays(30), false, T0);
        u.record(read(T0.plusSeconds(1), Map.of("a1", c(5000, 0))));
        u.record(read(T0.plusSeconds(2), Map.of("a1", c(5400, 0))));
        assertEquals(c(400, 0), u.usage(T0, T0.plusSeconds(60), null).total("acme"));
    }

    @Test
    void recordsOlderThanTheRetentionAreDroppedFromTheJournalToo() {
        ListJournal j = new ListJournal(List.of());
        UsageLedger u = new UsageLedger(j, MINUTE, Duration.ofHours(1), true, T0);
        u.record(read(T0.plusSeconds(1), Map.of("a1", c(100, 0))));
        u.record(read(T0.plusSeconds(61), Map.of("a1", c(200, 0))));
        u.record(read(T0.plusSeconds(121), Map.of("a1", c(300, 0))));
        assertEquals(2, j.lines.size());
        UsageLedger later = new UsageLedger(j, MINUTE, Duration.ofHours(1), true, T0.plusSeconds(3600 + 90));
        assertEquals(1, j.lines.size(), "the first minute is past the retention");
        assertEquals(c(100, 0), later.usage(T0, T0.plusSeconds(7200), null).total("acme"));
        assertTrue(later.usage(T0, T0.plusSeconds(60), null).tenants().isEmpty());
    }
}
