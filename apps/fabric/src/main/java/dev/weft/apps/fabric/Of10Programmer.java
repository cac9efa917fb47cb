package dev.weft.apps.fabric;

import dev.weft.api.Switch;
import dev.weft.api.flow.FlowSpec;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.U64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Programs OpenFlow 1.0 fabric switches, which the flow service (OpenFlow 1.3 entries) does not
 * serve: per switch, what was sent, and on each change only the difference (strict deletes, adds
 * that replace), then a barrier. On connect the switch's table is cleared first: a 1.0 switch
 * cannot be asked to delete by cookie, and a fabric switch belongs to this app. Control lane only.
 */
final class Of10Programmer {
    private static final Logger log = LoggerFactory.getLogger(Of10Programmer.class);

    private final U64 cookie;
    private final Map<DatapathId, Switch> switches = new HashMap<>();
    private final Map<DatapathId, Map<FlowSpec.Key, FlowSpec>> sent = new HashMap<>();
    private CompletableFuture<Void> last = CompletableFuture.completedFuture(null);

    Of10Programmer(U64 cookie) {
        this.cookie = cookie;
    }

    void connected(Switch sw) {
        switches.put(sw.id(), sw);
        sent.put(sw.id(), new HashMap<>());
        sw.execute(() -> sw.send(Of10Encoder.OF10.buildFlowDelete().setMatch(Of10Encoder.OF10.buildMatch().build())
                .setOutPort(OFPort.ANY).build()));
        log.info("{} OpenFlow 1.0 fabric switch: table cleared, programming single-table", sw.id());
    }

    void disconnected(Switch sw) {
        if (switches.remove(sw.id(), sw)) {
            sent.remove(sw.id());
        }
    }

    boolean has(DatapathId dpid) {
        return switches.containsKey(dpid);
    }

    /** Make the switch hold exactly {@code flows}; returns how many flow-mods that took. */
    int program(DatapathId dpid, List<FlowSpec> flows) {
        Switch sw = switches.get(dpid);
        if (sw == null) {
            return 0;
        }
        Map<FlowSpec.Key, FlowSpec> before = sent.get(dpid);
        Map<FlowSpec.Key, FlowSpec> after = new HashMap<>();
        flows.forEach(f -> after.put(f.key(), f));
        List<OFMessage> out = new ArrayList<>();
        before.forEach((k, f) -> {
            if (!after.containsKey(k)) {
                out.add(Of10Encoder.delete(f));
            }
        });
        after.forEach((k, f) -> {
            if (!f.equals(before.get(k))) {
                out.add(Of10Encoder.add(f, cookie));
            }
        });
        sent.put(dpid, after);
        if (out.isEmpty()) {
            return 0;
        }
        sw.execute(() -> out.forEach(sw::send));
        CompletableFuture<Void> b = sw.barrier().handle((r, t) -> {
            if (t != null) {
                log.warn("{} barrier after {} OpenFlow 1.0 flow-mods failed: {}", dpid, out.size(), t.getMessage());
            }
            return null;
        });
        last = CompletableFuture.allOf(last, b);
        return out.size();
    }

    /** Completes when every barrier sent so far is answered (or failed). */
    CompletableFuture<Void> confirmed() {
        return last;
    }
}
