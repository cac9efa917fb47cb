package dev.weft.core.flow;

import dev.weft.api.Switch;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFFlowMod;
import org.projectfloodlight.openflow.protocol.OFFlowStatsEntry;
import org.projectfloodlight.openflow.protocol.OFFlowStatsReply;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.OFGroup;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.TableId;
import org.projectfloodlight.openflow.types.U64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntPredicate;

/**
 * Talks to a switch for the reconciler: turns {@link FlowOp}s into FLOW_MODs (encoded with the
 * switch's own factory), sends a batch as one task on the switch's lane (one flush) followed by
 * a BARRIER, and reads a switch's entries back with a flow-stats request. Holds no state but the
 * OpenFlow versions whose encodings it has warmed ({@link #warmUp}).
 */
final class FlowProgrammer {
    private static final Logger log = LoggerFactory.getLogger(FlowProgrammer.class);

    /** The FLOW_MOD for one operation: strict modify and delete, matched on the owner's cookie. */
    static OFFlowMod encode(OFFactory f, FlowOp op) {
        return switch (op.kind()) {
            case ADD -> f.buildFlowAdd().setTableId(op.spec().table()).setPriority(op.spec().priority())
                    .setMatch(op.spec().match()).setInstructions(op.spec().instructions()).setCookie(op.cookie())
                    .build();
            case MODIFY -> f.buildFlowModifyStrict().setTableId(op.spec().table()).setPriority(op.spec().priority())
                    .setMatch(op.spec().match()).setInstructions(op.spec().instructions()).setCookie(op.cookie())
                    .setCookieMask(U64.NO_MASK).build();
            case DELETE -> f.buildFlowDeleteStrict().setTableId(op.key().table()).setPriority(op.key().priority())
                    .setMatch(op.key().match()).setCookie(op.cookie()).setCookieMask(U64.NO_MASK)
                    .setOutPort(OFPort.ANY).setOutGroup(OFGroup.ANY).build();
        };
    }

    /** The OpenFlow versions {@link #warmUp} has run for, in this process. */
    private static final Set<OFVersion> warmed = ConcurrentHashMap.newKeySet();

    /** How many of a batch's entries {@link #warmUp} encodes, as each kind of FLOW_MOD. */
    static final int WARM_UP_ENTRIES = 32;

    /**
     * The first time entries go to a switch of some OpenFlow version: encode and serialize up to
     * {@value #WARM_UP_ENTRIES} of them once more as each kind of FLOW_MOD (add, strict modify,
     * strict delete) into a buffer that is then dropped. Nothing is sent. Otherwise the first strict
     * modify and the first strict delete of a process pay for loading and initialising Loxi's
     * classes for them, with real entries' match fields and actions: 11 and 7 ms measured, on the
     * first VM migration after a start (its peers' entries change, its old place's go), in the
     * middle of that migration. Returns how many FLOW_MODs it serialized: 0 but once per version,
     * and only a batch with entries to add or modify can warm.
     */
    static int warmUp(OFFactory f, List<FlowOp> batch) {
        if (warmed.contains(f.getVersion())) {
            return 0; // every batch after the first: nothing to look at
        }
        List<FlowOp> sample = batch.stream().filter(op -> op.spec() != null).limit(WARM_UP_ENTRIES).toList();
        if (sample.isEmpty() || !warmed.add(f.getVersion())) {
            return 0;
        }
        int n = 0;
        ByteBuf scratch = Unpooled.buffer(1024);
        try {
            for (FlowOp op : sample) {
                for (FlowOp.Kind kind : FlowOp.Kind.values()) {
                    scratch.clear();
                    encode(f, new FlowOp(kind, op.key(), op.spec(), op.cookie())).writeTo(scratch);
                    n++;
                }
            }
        } finally {
            scratch.release();
        }
        return n;
    }

    /** For tests: forget which versions were warmed. */
    static void forgetWarmUp() {
        warmed.clear();
    }

    /**
     * What {@link #send} started: {@code handedNanos} when the encoded batch was handed to the
     * switch's lane, {@code written} completes when the switch's lane has encoded the
     * batch and its barrier (they are flushed together when that task ends), {@code confirmed} with
     * the time the barrier reply arrived ({@link System#nanoTime()}, for convergence
     * measurements), or -1 if the barrier failed.
     */
    record Sent(long handedNanos, CompletableFuture<Written> written, CompletableFuture<Long> confirmed) {
    }

    /** When ({@link System#nanoTime()}, -1: never) and on which thread a batch was written. */
    record Written(long nanos, String thread) {
        static final Written NEVER = new Written(-1, "");
    }

    /**
     * Send {@code ops} and a barrier, as one task on the switch's lane (one flush); now, when
     * called on that lane.
     */
    Sent send(Switch sw, List<FlowOp> ops) {
        OFFactory f = sw.factory();
        List<OFFlowMod> out = new ArrayList<>(ops.size());
        for (FlowOp op : ops) {
            out.add(encode(f, op));
        }
        CompletableFuture<Written> written = new CompletableFuture<>();
        CompletableFuture<Long> confirmed = new CompletableFuture<>();
        Runnable batch = () -> {
            out.forEach(sw::send);
            sw.barrier().whenComplete((r, t) -> {
                if (t != null) {
                    log.warn("{} barrier after {} flow-mods failed: {}", sw.id(), out.size(), t.getMessage());
                    confirmed.complete(-1L);
                } else {
                    confirmed.complete(System.nanoTime());
                }
            });
            written.complete(new Written(System.nanoTime(), Thread.currentThread().getName()));
        };
        long handed = System.nanoTime();
        try {
            // Written at once when this runs on the switch's own lane (a report read there moved a VM).
            sw.executeHere(batch);
        } catch (RuntimeException e) { // the switch's lane is shutting down
            log.warn("{} {} flow-mods not sent: {}", sw.id(), out.size(), e.toString());
            written.complete(Written.NEVER);
            confirmed.complete(-1L);
        }
        // After the batch was handed over: this switch's entries do not wait for it.
        warmUp(f, ops);
        return new Sent(handed, written, confirmed);
    }

    /** Read the switch's entries whose cookie belongs to an app {@code owned} accepts. */
    CompletableFuture<Map<FlowKey, FlowTableDiff.Installed>> read(Switch sw, IntPredicate owned) {
        return sw.requestStats(sw.factory().buildFlowStatsRequest().setTableId(TableId.ALL).setOutPort(OFPort.ANY)
                .setOutGroup(OFGroup.ANY).setCookie(U64.ZERO).setCookieMask(U64.ZERO).build()).thenApply(parts -> {
                    Map<FlowKey, FlowTableDiff.Installed> actual = new HashMap<>();
                    for (OFFlowStatsReply r : parts) {
                        for (OFFlowStatsEntry e : r.getEntries()) {
                            if (owned.test(appOf(e.getCookie()))) {
                                actual.put(FlowKey.of(e.getTableId(), e.getPriority(), e.getMatch()),
                                        new FlowTableDiff.Installed(e.getCookie(), e.getInstructions()));
                            }
                        }
                    }
                    return actual;
                });
    }

    /** The app id in a cookie (its top 12 bits, see {@code AppCookie}). */
    static int appOf(U64 cookie) {
        return (int) (cookie.getValue() >>> 52);
    }
}
