package dev.weft.core.openflow;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * What one connection's peer got wrong: counted by {@link PeerFault}, logged rate-limited and
 * summarised. A peer can send millions of bad messages a second; the log gets at most one line
 * per kind per {@link #LOG_INTERVAL_NANOS} for it, with the number not logged in between, and one
 * summary line when the connection closes. Never a stack trace: a peer's mistake is not ours.
 *
 * <p>Written on the connection's event loop only (no locks); {@link #counts()} may be read from any
 * thread (opaque loads: every count is seen sooner or later, never a torn one); the totals are shared
 * and thread-safe.
 */
final class PeerFaults {
    private static final Logger log = LoggerFactory.getLogger(PeerFaults.class);
    private static final AttributeKey<PeerFaults> KEY = AttributeKey.valueOf("weft.faults");
    static final long LOG_INTERVAL_NANOS = 10_000_000_000L;
    private static final PeerFault[] KINDS = PeerFault.values();
    private static final VarHandle COUNT = MethodHandles.arrayElementVarHandle(long[].class);

    /** Totals over every connection, by kind. */
    static final class Totals {
        private final LongAdder[] counts = new LongAdder[KINDS.length];

        Totals() {
            for (int i = 0; i < counts.length; i++) {
                counts[i] = new LongAdder();
            }
        }

        long count(PeerFault f) {
            return counts[f.ordinal()].sum();
        }

        /** Every kind with a non-zero count. */
        Map<PeerFault, Long> snapshot() {
            Map<PeerFault, Long> m = new EnumMap<>(PeerFault.class);
            for (PeerFault f : KINDS) {
                long n = count(f);
                if (n > 0) {
                    m.put(f, n);
                }
            }
            return m;
        }
    }

    private final Channel channel;
    private final Totals totals;
    private final long[] counts = new long[KINDS.length];
    private final long[] lastLog = new long[KINDS.length];
    private final long[] unlogged = new long[KINDS.length];
    private final boolean[] logged = new boolean[KINDS.length];

    private PeerFaults(Channel channel, Totals totals) {
        this.channel = channel;
        this.totals = totals;
    }

    /** Give a connection its fault record (when its pipeline is built). */
    static PeerFaults attach(Channel ch, Totals totals) {
        PeerFaults f = new PeerFaults(ch, totals);
        ch.attr(KEY).set(f);
        return f;
    }

    /** The connection's fault record; a fresh one with private totals if none was attached. */
    static PeerFaults of(Channel ch) {
        PeerFaults f = ch.attr(KEY).get();
        return f != null ? f : attach(ch, new Totals());
    }

    long count(PeerFault f) {
        return (long) COUNT.getOpaque(counts, f.ordinal());
    }

    /** The connection's count of each kind (indexed by ordinal); from any thread. */
    long[] counts() {
        long[] out = new long[KINDS.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (long) COUNT.getOpaque(counts, i);
        }
        return out;
    }

    /** The connection's fault record, or null if none was attached; from any thread. */
    static PeerFaults peek(Channel ch) {
        return ch.attr(KEY).get();
    }

    /** Count one fault and log it unless this kind was logged for this connection recently. */
    void record(PeerFault f, String detail) {
        int i = f.ordinal();
        COUNT.setOpaque(counts, i, counts[i] + 1);
        totals.counts[i].increment();
        long now = System.nanoTime();
        if (logged[i] && now - lastLog[i] < LOG_INTERVAL_NANOS) {
            unlogged[i]++;
            return;
        }
        long skipped = unlogged[i];
        logged[i] = true;
        lastLog[i] = now;
        unlogged[i] = 0;
        log.warn("{} {}: {}{}", ConnectionLabel.of(channel), f.text(), detail,
                skipped > 0 ? " (" + skipped + " more since the last such line)" : "");
    }

    /** The one line that sums up a closed connection's faults, if it had any that were not all logged. */
    void summarise() {
        StringBuilder b = new StringBuilder();
        boolean anyUnlogged = false;
        for (PeerFault f : KINDS) {
            long n = counts[f.ordinal()];
            if (n > 0) {
                b.append(b.length() == 0 ? "" : ", ").append(f.name().toLowerCase().replace('_', ' ')).append(' ').append(n);
                anyUnlogged |= unlogged[f.ordinal()] > 0;
            }
        }
        if (anyUnlogged) {
            log.warn("{} connection closed after faults: {}", ConnectionLabel.of(channel), b);
        }
    }
}
