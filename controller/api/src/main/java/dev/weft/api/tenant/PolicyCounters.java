package dev.weft.api.tenant;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Packets and bytes of each security-group rule and each rate-limit meter of a logical port, as
 * the switch where the port is now counts them (read when asked: flow statistics of its ACL
 * entries, meter statistics of its meters). Offered by the security-groups app.
 */
public interface PolicyCounters {
    /**
     * The counters of {@code port}, read from its switch now. Fails with
     * {@link IllegalArgumentException} when there is no such logical port.
     */
    CompletableFuture<Port> port(String port);

    /**
     * One port's counters. {@code dpid} is empty when the port is nowhere now (then so are the
     * lists); {@code zone} is its connection-tracking zone there (-1: none).
     */
    record Port(String port, String tenant, String dpid, int zone, List<Rule> rules, List<Stage> stages,
                List<Meter> meters) {
        public Port {
            rules = List.copyOf(rules);
            stages = List.copyOf(stages);
            meters = List.copyOf(meters);
        }
    }

    /**
     * A rule of one of the port's groups, with its {@code entries} (one per remote address and
     * port block; a rule reversed during the grace after a move is its own line): new connections
     * it let in (ingress) or out (egress). Replies are counted in the stages.
     */
    record Rule(String group, String direction, String rule, int entries, long packets, long bytes) {
    }

    /** A stage of the port's ACLs that is no rule: established, related, denied, tracked... */
    record Stage(String direction, String what, long packets, long bytes) {
    }

    /** A meter of the port: {@code kind} bandwidth or broadcast; {@code dropped}: packets its band dropped. */
    record Meter(String kind, long meterId, long packetsIn, long bytesIn, long dropped) {
    }
}
