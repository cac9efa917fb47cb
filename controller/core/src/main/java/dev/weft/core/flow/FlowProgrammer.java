package dev.weft.core.flow;

import dev.weft.api.Switch;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFFlowMod;
import org.projectfloodlight.openflow.protocol.OFFlowStatsEntry;
import org.projectfloodlight.openflow.protocol.OFFlowStatsReply;
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
import java.util.concurrent.CompletableFuture;
import java.util.function.IntPredicate;

/**
 * Talks to a switch for the reconciler: turns {@link FlowOp}s into FLOW_MODs (encoded with the
 * switch's own factory), sends a batch as one task on the switch's lane (one flush) followed by
 * a BARRIER, and reads a switch's entries back with a flow-stats request. Holds no state.
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
