package dev.weft.fakes;

import dev.weft.api.flow.FlowService;
import dev.weft.api.flow.FlowSpec;
import org.projectfloodlight.openflow.types.DatapathId;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A {@link FlowService} for app tests: keeps what the app declared, per switch and scope, and
 * counts the declarations (so a test can check that events were coalesced).
 */
public final class RecordingFlowService implements FlowService {
    private final Map<DatapathId, Map<Integer, List<FlowSpec>>> desired = new LinkedHashMap<>();
    private final List<String> calls = new ArrayList<>();

    @Override
    public void setDesired(DatapathId dpid, int scope, Collection<FlowSpec> flows) {
        calls.add(dpid + "/" + scope + ":" + flows.size());
        Map<Integer, List<FlowSpec>> m = desired.computeIfAbsent(dpid, d -> new HashMap<>());
        if (flows.isEmpty()) {
            m.remove(scope);
        } else {
            m.put(scope, List.copyOf(flows));
        }
    }

    @Override
    public void clear(DatapathId dpid) {
        desired.remove(dpid);
    }

    @Override
    public CompletableFuture<Void> sync() {
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public Map<Integer, Collection<FlowSpec>> desired(DatapathId dpid) {
        return Map.copyOf(desired.getOrDefault(dpid, Map.of()));
    }

    /** Every entry currently declared on a switch (all scopes). */
    public List<FlowSpec> all(DatapathId dpid) {
        return desired.getOrDefault(dpid, Map.of()).values().stream().flatMap(List::stream).toList();
    }

    /** Entries declared on a switch for one scope. */
    public List<FlowSpec> scope(DatapathId dpid, int scope) {
        return desired.getOrDefault(dpid, Map.of()).getOrDefault(scope, List.of());
    }

    /** Each setDesired call as "dpid/scope:count", in order. */
    public List<String> calls() {
        return List.copyOf(calls);
    }

    public void clearCalls() {
        calls.clear();
    }
}
