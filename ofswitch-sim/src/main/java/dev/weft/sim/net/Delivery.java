package dev.weft.sim.net;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.projectfloodlight.openflow.types.OFPort;

/**
 * What became of one traced frame, once the network was quiet (see {@link SimNetwork} for the
 * quiescence rule).
 *
 * @param copies      host name → number of copies of the injected frame it received (a count
 *                    above 1 is a duplicate; many is a storm)
 * @param receptions  every traced frame any host received, including host and controller replies
 * @param hops        every port the frame and its copies crossed, in order
 * @param packetIns   packet-ins the trace caused
 * @param settled     false when the timeout struck before the network was quiet
 * @param stormDetected the trace hit the frame budget and was cut off (a loop or broadcast storm)
 */
public record Delivery(Map<String, Integer> copies, List<Reception> receptions, List<Hop> hops, int packetIns,
                       boolean settled, boolean stormDetected, Duration elapsed) {
    public Delivery {
        copies = Map.copyOf(copies);
        receptions = List.copyOf(receptions);
        hops = List.copyOf(hops);
    }

    /**
     * One frame received by a host.
     *
     * @param sender the host whose wire the frame entered the network from (its copies and
     *               rewrites included), or null for a frame a controller made
     */
    public record Reception(String host, FrameOrigin origin, String sender, byte[] frame) {
    }

    /** A port crossed: {@code ingress} true when the frame entered the switch there. */
    public record Hop(String switchName, OFPort port, boolean ingress) {
        @Override
        public String toString() {
            return switchName + (ingress ? "<" : ">") + port;
        }
    }

    /** Hosts that received at least one copy of the injected frame. */
    public Set<String> receivers() {
        return new TreeMap<>(copies).keySet();
    }

    public int copiesAt(String host) {
        return copies.getOrDefault(host, 0);
    }

    /** True when exactly these hosts got exactly one copy each, and nobody else got any. */
    public boolean reachedExactly(String... hosts) {
        if (copies.size() != hosts.length) {
            return false;
        }
        for (String h : hosts) {
            if (copies.getOrDefault(h, 0) != 1) {
                return false;
            }
        }
        return true;
    }

    /** Switches entered by the frame or its copies, in first-visit order. */
    public List<String> switchesVisited() {
        return hops.stream().filter(Hop::ingress).map(Hop::switchName).distinct().toList();
    }

    /** Frames of the given origin received by a host. */
    public List<byte[]> receivedBy(String host, FrameOrigin origin) {
        return receptions.stream().filter(r -> r.host().equals(host) && r.origin() == origin)
                .map(Reception::frame).toList();
    }

    /** Frames {@code host} received that {@code sender} sent (the host itself, not its addresses). */
    public List<byte[]> receivedFrom(String host, String sender) {
        return receptions.stream().filter(r -> r.host().equals(host) && sender.equals(r.sender()))
                .map(Reception::frame).toList();
    }

    @Override
    public String toString() {
        return "Delivery{copies=" + new TreeMap<>(copies) + ", packetIns=" + packetIns + ", hops=" + hops
                + (settled ? "" : ", NOT SETTLED") + (stormDetected ? ", STORM" : "") + ", " + elapsed.toMillis() + " ms}";
    }
}
