package dev.weft.api.flow;

import org.projectfloodlight.openflow.types.DatapathId;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Declarative flow programming (OpenFlow 1.3+ switches). An app declares the complete set of
 * entries it wants on a switch for one scope (typically a logical network's segment id; 0 for
 * entries that belong to no network); the reconciler owns the difference between what is
 * desired and what is installed: it sends only the delta, ends each batch with a barrier, reads
 * a switch's entries when it (re)connects and adopts those that are already right, and
 * periodically repairs drift. Entries carry the app's cookie with the scope, so an app never
 * touches another app's entries. Obtain it with {@code ctx.service(FlowService.class)}: the
 * instance is bound to the calling app.
 */
public interface FlowService {

    /** Replace this app's desired entries on {@code dpid} for {@code scope}. Safe from any thread. */
    void setDesired(DatapathId dpid, int scope, Collection<FlowSpec> flows);

    /** Forget every scope of this app on {@code dpid} (its entries there will be deleted). */
    void clear(DatapathId dpid);

    /**
     * Completes when every connected switch has confirmed (barrier) all changes declared before
     * this call, or failed them. For tests, demos and migrations that measure convergence.
     */
    CompletableFuture<Void> sync();

    /**
     * As {@link #sync()}, and says what was waited for: the switches with changes not yet
     * confirmed when this is called (changes of any app), the flow-mods each was sent, and when
     * each barrier reply arrived. Called on the control lane, it includes what was declared
     * before in the same task. For measuring a migration's convergence.
     */
    default CompletableFuture<SyncReport> syncReport() {
        return sync().thenApply(v -> SyncReport.EMPTY);
    }

    /**
     * Control lane: the flow-mods sent to each switch so far (by every app, since the controller
     * started), or empty where the service does not count them. Two readings around a change give
     * what the switches were sent while it was carried out, whichever pass sent it.
     */
    default java.util.Optional<Map<DatapathId, Long>> flowModsSent() {
        return java.util.Optional.empty();
    }

    /** This app's desired entries on a switch, by scope (a snapshot). */
    Map<Integer, Collection<FlowSpec>> desired(DatapathId dpid);
}
