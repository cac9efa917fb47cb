package dev.weft.console;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.weft.api.tenant.TransportNode;
import dev.weft.core.Controller;
import dev.weft.core.flow.FlowTableView;
import dev.weft.rest.Reply;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@code GET /health}: 200 when Weft is ready, 503 when not, with the reason per hypervisor.
 * Ready means every configured hypervisor (transport node) is connected and in sync: it has a
 * tunnel to every other hypervisor, its flow entries were read since it connected, the startup
 * hold is over, every entry the apps want is installed as wanted (none missing, different or
 * unwanted), and the switches have confirmed what was sent (barrier replies, within 3 s). The flow tables are looked at
 * with one hop onto the control lane; a lane that does not answer within 5 s is not ready either.
 */
final class Health {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private final Controller controller;

    Health(Controller controller) {
        this.controller = controller;
    }

    CompletableFuture<Reply> check() {
        List<TransportNode> nodes = controller.tenants().config().transportNodes();
        List<CompletableFuture<Optional<FlowTableView>>> views = new ArrayList<>();
        for (TransportNode n : nodes) {
            views.add(controller.reconciler().flowTable(n.dpid()));
        }
        // What was sent must also have been confirmed (barriers): until then the switches may not
        // do what the reconciler believes installed.
        CompletableFuture<Boolean> confirmed = controller.reconciler().quiesce().thenApply(v -> true)
                .completeOnTimeout(false, 3, TimeUnit.SECONDS);
        return CompletableFuture.allOf(views.toArray(CompletableFuture[]::new)).orTimeout(5, TimeUnit.SECONDS)
                .thenCombine(confirmed, (v, c) -> c)
                .handle((c, t) -> {
                    if (t != null) {
                        ObjectNode o = F.objectNode();
                        o.put("status", "not-ready");
                        o.put("message", "the controller's control lane did not answer within 5 s");
                        return new Reply(HttpResponseStatus.SERVICE_UNAVAILABLE, o, Map.of());
                    }
                    return answer(nodes, views.stream().map(CompletableFuture::join).toList(), c);
                });
    }

    private Reply answer(List<TransportNode> nodes, List<Optional<FlowTableView>> views, boolean confirmed) {
        ObjectNode o = F.objectNode();
        ArrayNode a = F.arrayNode();
        List<String> notReady = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            TransportNode n = nodes.get(i);
            Optional<FlowTableView> view = views.get(i);
            boolean connected = controller.switches().get(n.dpid()).isPresent();
            ObjectNode h = a.addObject();
            h.put("name", n.name());
            h.put("dpid", n.dpid().toString());
            h.put("connected", connected);
            String why = null;
            List<String> noTunnel = nodes.stream().map(TransportNode::name).filter(x -> !x.equals(n.name())
                    && !controller.tenants().tunnelPorts(n.dpid()).containsKey(x)).toList();
            if (!connected) {
                why = "not connected";
            } else if (!noTunnel.isEmpty()) {
                // The tenant networks cannot reach those hypervisors from here (yet).
                why = "no tunnel to " + String.join(", ", noTunnel);
            } else if (view.isPresent()) {
                FlowTableView v = view.get();
                Map<FlowTableView.State, Integer> states = new EnumMap<>(FlowTableView.State.class);
                v.entries().forEach(e -> states.merge(e.state(), 1, Integer::sum));
                ObjectNode flows = h.putObject("flows");
                for (FlowTableView.State s : FlowTableView.State.values()) {
                    flows.put(s.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'), states.getOrDefault(s, 0));
                }
                int wrong = states.getOrDefault(FlowTableView.State.MISSING, 0)
                        + states.getOrDefault(FlowTableView.State.DIFFERENT, 0)
                        + states.getOrDefault(FlowTableView.State.UNWANTED, 0);
                if (!v.synced()) {
                    why = "its flow entries are being read";
                } else if (v.holding()) {
                    why = "the startup hold is on (waiting for every hypervisor to report)";
                } else if (wrong > 0) {
                    why = wrong + " flow entries not yet as wanted";
                } else if (!confirmed) {
                    why = "flow-mods sent, not yet confirmed by the switches (barriers)";
                }
            }
            h.put("in-sync", why == null);
            if (why != null) {
                h.put("reason", why);
                notReady.add(n.name() + ": " + why);
            }
        }
        boolean ready = notReady.isEmpty();
        o.put("status", ready ? "ready" : "not-ready");
        o.put("message", ready ? (nodes.isEmpty() ? "no hypervisors are configured" : "every hypervisor is in sync")
                : String.join("; ", notReady));
        o.set("hypervisors", a);
        return new Reply(ready ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE, o, Map.of());
    }
}
