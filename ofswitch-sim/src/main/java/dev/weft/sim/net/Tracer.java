package dev.weft.sim.net;

import dev.weft.sim.packet.EtherTypes;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.function.IntFunction;
import org.projectfloodlight.openflow.types.OFPort;

/**
 * Follows traced frames through switches, hosts and controller round trips, and decides when a
 * trace is over. Loop-thread only.
 *
 * <p>Attribution: every frame carries its trace id; a buffered packet keeps it, so a PACKET_OUT or
 * FLOW_MOD naming the buffer continues the trace. A PACKET_OUT with data continues the trace of a
 * recent packet-in with the same bytes (on any switch). Any other non-LLDP PACKET_OUT arriving
 * while the current trace has an unanswered packet-in on that switch is taken as the controller's
 * answer to it (origin CONTROLLER).
 *
 * <p>Quiescence: a trace is over when no frame of it is queued on the loop and either (a) every
 * packet-in it caused was answered and nothing happened for {@code settle}, or (b) nothing
 * happened for {@code unansweredGrace} (the controller chose not to answer). It is cut short at
 * its timeout (then {@link Delivery#settled()} is false).
 */
final class Tracer {
    private static final int RECENT_PER_SWITCH = 256;

    private final SimLoop loop;
    private final Duration settle;
    private final Duration unansweredGrace;
    private final long maxFramesPerTrace;
    private final IntFunction<String> senderName;
    private final Map<Long, TraceState> active = new LinkedHashMap<>();
    private final Map<String, ArrayDeque<RecentPacketIn>> recent = new HashMap<>();
    private ScheduledFuture<?> checker;
    private TraceState current;
    private long nextBase = 1;

    /** {@code senderName} names the host with a sender index (see {@link FrameOrigin}), or null. */
    Tracer(SimLoop loop, Duration settle, Duration unansweredGrace, long maxFramesPerTrace,
           IntFunction<String> senderName) {
        this.loop = loop;
        this.settle = settle;
        this.unansweredGrace = unansweredGrace;
        this.maxFramesPerTrace = maxFramesPerTrace;
        this.senderName = senderName;
    }

    private static final class RecentPacketIn {
        final long traceId;
        final String switchName;
        final byte[] data;
        boolean answered;

        RecentPacketIn(long traceId, String switchName, byte[] data) {
            this.traceId = traceId;
            this.switchName = switchName;
            this.data = data;
        }
    }

    static final class TraceState {
        final long base;
        final long startNanos = System.nanoTime();
        final long deadlineNanos;
        long lastActivity = startNanos;
        int pending;
        int packetIns;
        long frames;
        boolean stormed;
        boolean background;
        final Map<String, Integer> unansweredBySwitch = new HashMap<>();
        final Map<String, Integer> copies = new LinkedHashMap<>();
        final List<Delivery.Reception> receptions = new ArrayList<>();
        final List<Delivery.Hop> hops = new ArrayList<>();
        final CompletableFuture<Delivery> done = new CompletableFuture<>();

        TraceState(long base, Duration timeout) {
            this.base = base;
            this.deadlineNanos = startNanos + timeout.toNanos();
        }

        int unanswered() {
            int n = 0;
            for (int v : unansweredBySwitch.values()) {
                n += v;
            }
            return n;
        }

        Delivery toDelivery(boolean settled) {
            return new Delivery(copies, receptions, hops, packetIns, settled, stormed,
                    Duration.ofNanos(System.nanoTime() - startNanos));
        }
    }

    /** Starts a trace; returns it (its injected-frame id is {@link #injectedId}). */
    TraceState start(Duration timeout) {
        TraceState st = new TraceState(nextBase++, timeout);
        active.put(st.base, st);
        current = st;
        if (checker == null) {
            checker = loop.every(Duration.ofMillis(2), this::check);
        }
        return st;
    }

    /**
     * A lineage for frames nobody traces (a controller's own PACKET_OUT, a reply to an untraced
     * frame): not awaited, but held to the same frame budget so a loop cannot run forever.
     */
    long background() {
        TraceState st = new TraceState(nextBase++, Duration.ofSeconds(60));
        st.background = true;
        active.put(st.base, st);
        if (checker == null) {
            checker = loop.every(Duration.ofMillis(2), this::check);
        }
        return injectedId(st);
    }

    static long injectedId(TraceState st) {
        return FrameOrigin.id(st.base, FrameOrigin.INJECTED);
    }

    private TraceState of(long id) {
        return id == 0 ? null : active.get(FrameOrigin.base(id));
    }

    private static void touch(TraceState st) {
        st.lastActivity = System.nanoTime();
    }

    /** Counts a frame sent; false when the trace is over its budget (the frame is dropped). */
    boolean admit(long id) {
        TraceState st = of(id);
        if (st == null) {
            return true;
        }
        if (++st.frames > maxFramesPerTrace) {
            st.stormed = true;
            return false;
        }
        return true;
    }

    void scheduled(long id) {
        TraceState st = of(id);
        if (st != null) {
            st.pending++;
            touch(st);
        }
    }

    void done(long id) {
        TraceState st = of(id);
        if (st != null) {
            st.pending--;
            touch(st);
        }
    }

    void hop(long id, String sw, OFPort port, boolean ingress) {
        TraceState st = of(id);
        if (st != null) {
            st.hops.add(new Delivery.Hop(sw, port, ingress));
        }
    }

    void received(String host, long id, byte[] frame) {
        TraceState st = of(id);
        if (st == null) {
            return;
        }
        FrameOrigin origin = FrameOrigin.of(id);
        int sender = FrameOrigin.sender(id);
        st.receptions.add(new Delivery.Reception(host, origin, sender == 0 ? null : senderName.apply(sender), frame));
        if (origin == FrameOrigin.INJECTED) {
            st.copies.merge(host, 1, Integer::sum);
        }
    }

    void packetIn(String sw, long id, byte[] frame) {
        TraceState st = of(id);
        if (st == null) {
            return;
        }
        st.packetIns++;
        st.unansweredBySwitch.merge(sw, 1, Integer::sum);
        touch(st);
        ArrayDeque<RecentPacketIn> q = recent.computeIfAbsent(sw, k -> new ArrayDeque<>());
        if (q.size() >= RECENT_PER_SWITCH) {
            q.removeFirst();
        }
        q.addLast(new RecentPacketIn(id, sw, frame));
    }

    /** The trace id for frames a PACKET_OUT (or buffered FLOW_MOD) makes on switch {@code sw}. */
    long attribute(String sw, long bufferedTrace, byte[] data) {
        if (bufferedTrace != 0) {
            answer(sw, bufferedTrace);
            return bufferedTrace;
        }
        RecentPacketIn match = findRecent(sw, data);
        if (match != null) {
            if (!match.answered) {
                match.answered = true;
                answer(match.switchName, match.traceId);
            } else {
                TraceState st = of(match.traceId);
                if (st != null) {
                    touch(st);
                }
            }
            return match.traceId;
        }
        TraceState st = current;
        if (st != null && !st.background && active.containsKey(st.base) && st.unanswered() > 0 && !isLldp(data)) {
            answer(sw, FrameOrigin.id(st.base, FrameOrigin.CONTROLLER));
            return FrameOrigin.id(st.base, FrameOrigin.CONTROLLER);
        }
        return background();
    }

    private RecentPacketIn findRecent(String sw, byte[] data) {
        ArrayDeque<RecentPacketIn> own = recent.get(sw);
        RecentPacketIn r = own == null ? null : newestEqual(own, data);
        if (r != null) {
            return r;
        }
        for (ArrayDeque<RecentPacketIn> q : recent.values()) {
            if (q != own) {
                r = newestEqual(q, data);
                if (r != null) {
                    return r;
                }
            }
        }
        return null;
    }

    private RecentPacketIn newestEqual(ArrayDeque<RecentPacketIn> q, byte[] data) {
        Iterator<RecentPacketIn> it = q.descendingIterator();
        while (it.hasNext()) {
            RecentPacketIn r = it.next();
            if (active.containsKey(FrameOrigin.base(r.traceId)) && Arrays.equals(r.data, data)) {
                return r;
            }
        }
        return null;
    }

    private void answer(String sw, long id) {
        TraceState st = of(id);
        if (st == null) {
            return;
        }
        touch(st);
        Integer n = st.unansweredBySwitch.get(sw);
        if (n != null && n > 0) {
            st.unansweredBySwitch.put(sw, n - 1);
        } else {
            // answered on another switch than the one that asked: take one from anywhere
            for (Map.Entry<String, Integer> e : st.unansweredBySwitch.entrySet()) {
                if (e.getValue() > 0) {
                    e.setValue(e.getValue() - 1);
                    break;
                }
            }
        }
    }

    private void check() {
        long now = System.nanoTime();
        for (Iterator<TraceState> it = active.values().iterator(); it.hasNext(); ) {
            TraceState st = it.next();
            long idle = now - st.lastActivity;
            boolean quiet = st.pending <= 0 && ((st.unanswered() == 0 && idle >= settle.toNanos())
                    || idle >= unansweredGrace.toNanos() || (st.background && idle >= settle.toNanos()));
            if (quiet || now >= st.deadlineNanos) {
                it.remove();
                st.done.complete(st.toDelivery(quiet));
            }
        }
        if (active.isEmpty()) {
            current = null;
            recent.clear();
            if (checker != null) {
                checker.cancel(false);
                checker = null;
            }
        }
    }

    /** Completes every open trace (network closing). */
    void abortAll() {
        for (TraceState st : active.values()) {
            st.done.complete(st.toDelivery(false));
        }
        active.clear();
    }

    private static boolean isLldp(byte[] f) {
        if (f.length < 14) {
            return false;
        }
        int type = ((f[12] & 0xff) << 8) | (f[13] & 0xff);
        return type == EtherTypes.LLDP || type == EtherTypes.BDDP;
    }
}
