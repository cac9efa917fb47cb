package dev.weft.core.flow;

import dev.weft.api.AppCookie;
import dev.weft.api.flow.FlowService;
import dev.weft.api.flow.FlowSpec;
import dev.weft.api.flow.SyncReport;
import org.projectfloodlight.openflow.types.DatapathId;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The flow service as one app sees it. Declarations go to the reconciler's control lane (inline
 * when the app already runs there); this side keeps its own copy of what the app declared, so
 * {@link #desired} answers from any thread (the control lane included) without waiting on it.
 */
final class AppFlows implements FlowService {
    private final Reconciler reconciler;
    private final AppCookie app;
    private final Map<DatapathId, Map<Integer, List<FlowSpec>>> declared = new ConcurrentHashMap<>();

    AppFlows(Reconciler reconciler, AppCookie app) {
        this.reconciler = reconciler;
        this.app = app;
    }

    @Override
    public void setDesired(DatapathId dpid, int scope, Collection<FlowSpec> flows) {
        List<FlowSpec> copy = List.copyOf(flows);
        declared.compute(dpid, (d, m) -> {
            Map<Integer, List<FlowSpec>> next = m == null ? new ConcurrentHashMap<>() : m;
            if (copy.isEmpty()) {
                next.remove(scope);
            } else {
                next.put(scope, copy);
            }
            return next.isEmpty() ? null : next;
        });
        reconciler.declare(dpid, app, scope, copy);
    }

    @Override
    public void clear(DatapathId dpid) {
        declared.remove(dpid);
        reconciler.clear(dpid, app);
    }

    @Override
    public CompletableFuture<Void> sync() {
        return reconciler.quiesce();
    }

    @Override
    public java.util.Optional<Map<DatapathId, Long>> flowModsSent() {
        return java.util.Optional.of(reconciler.flowModsSent());
    }

    @Override
    public CompletableFuture<SyncReport> syncReport() {
        return reconciler.report();
    }

    @Override
    public Map<Integer, Collection<FlowSpec>> desired(DatapathId dpid) {
        Map<Integer, List<FlowSpec>> m = declared.get(dpid);
        return m == null ? Map.of() : new TreeMap<Integer, Collection<FlowSpec>>(m);
    }
}
