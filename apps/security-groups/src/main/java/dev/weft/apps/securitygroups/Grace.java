package dev.weft.apps.securitygroups;

import org.projectfloodlight.openflow.types.DatapathId;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Ports that moved to another hypervisor a moment ago, until when. Connection-tracking state is
 * per hypervisor: on the new one, a connection the port had is unknown, and a segment of it that
 * the port's rules allow only the other way (the replies of a connection it opened, or what it
 * sends as a server when its egress is restricted) would be dropped. For the grace period the
 * compiler lets such segments be committed, TCP without SYN only (see {@link PolicyCompiler}).
 * Written on the control lane, read by compilations.
 */
final class Grace {
    /** A port in grace: its network, and when the grace ends. */
    record Entry(int segment, Instant until) {
    }

    private final Map<String, Entry> ports = new ConcurrentHashMap<>();
    /** The hypervisor where each port was last seen (a migration often unplugs it before it reappears). */
    private final Map<String, DatapathId> lastAt = new ConcurrentHashMap<>();

    DatapathId lastAt(String port) {
        return lastAt.get(port);
    }

    void seenAt(String port, DatapathId dpid) {
        lastAt.put(port, dpid);
    }

    boolean contains(String port) {
        return ports.containsKey(port);
    }

    void start(String port, int segment, Instant until) {
        ports.put(port, new Entry(segment, until));
    }

    /** Ends the grace of the ports whose grace is over at {@code now}; returns their networks. */
    List<Integer> expire(Instant now) {
        List<Integer> out = new ArrayList<>();
        ports.entrySet().removeIf(e -> {
            boolean over = !e.getValue().until().isAfter(now);
            if (over) {
                out.add(e.getValue().segment());
            }
            return over;
        });
        return out;
    }

    boolean isEmpty() {
        return ports.isEmpty();
    }
}
