package dev.weft.sim.inprocess;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.projectfloodlight.openflow.protocol.OFPacketIn;
import org.projectfloodlight.openflow.types.OFPort;

/**
 * Where one frame sent into an {@link InProcessFabric} ended up: the copies hosts received (each
 * with the path it took), the packet-ins it caused, the copies sent out of ports with nothing
 * behind them, and what each switch did with it.
 */
public record Reach(List<Arrival> arrivals, List<PacketInAt> packetIns, List<InProcessFabric.Place> lost,
                    List<Step> steps, boolean storm) {
    public Reach {
        arrivals = List.copyOf(arrivals);
        packetIns = List.copyOf(packetIns);
        lost = List.copyOf(lost);
        steps = List.copyOf(steps);
    }

    /**
     * A switch crossed: in through {@code in}, out through {@code out}; {@code tunnelId} is the id the
     * copy carried into a tunnel there (0 when {@code out} is not a tunnel, or none was set).
     */
    public record Hop(String switchName, OFPort in, OFPort out, long tunnelId) {
        @Override
        public String toString() {
            return switchName + " " + in.getPortNumber() + "->" + out.getPortNumber()
                    + (tunnelId == 0 ? "" : " (tunnel id " + tunnelId + ")");
        }
    }

    /** A copy a host received, and the switches it crossed to get there. */
    public record Arrival(String host, byte[] frame, List<Hop> path) {
        public Arrival {
            path = List.copyOf(path);
        }

        /** The tunnel ids the copy carried across each tunnel on its way, in order. */
        public List<Long> tunnelIds() {
            return path.stream().filter(h -> h.tunnelId() != 0).map(Hop::tunnelId).toList();
        }

        public List<String> switches() {
            return path.stream().map(Hop::switchName).toList();
        }

        @Override
        public String toString() {
            return host + " via " + path;
        }
    }

    /** A packet-in a switch sent, after the copy crossed {@code path}. */
    public record PacketInAt(String switchName, OFPacketIn packetIn, List<Hop> path) {
    }

    /** What one switch did with a copy arriving on {@code in}. */
    public record Step(String switchName, OFPort in, Outcome outcome) {
        @Override
        public String toString() {
            return switchName + " in " + in.getPortNumber() + ": " + outcome;
        }
    }

    /** Hosts that got at least one copy. */
    public Set<String> hosts() {
        Set<String> s = new TreeSet<>();
        arrivals.forEach(a -> s.add(a.host()));
        return s;
    }

    /** Host → copies received. */
    public Map<String, Integer> copies() {
        Map<String, Integer> m = new TreeMap<>();
        arrivals.forEach(a -> m.merge(a.host(), 1, Integer::sum));
        return m;
    }

    public int copiesAt(String host) {
        return copies().getOrDefault(host, 0);
    }

    /** Exactly these hosts got exactly one copy each; nobody else got any, nothing went to a controller. */
    public boolean reachedOnly(String... hosts) {
        Map<String, Integer> expected = new TreeMap<>();
        Arrays.stream(hosts).forEach(h -> expected.put(h, 1));
        return copies().equals(expected) && packetIns.isEmpty() && !storm;
    }

    /** No host got anything and nothing went to a controller. */
    public boolean reachedNobody() {
        return arrivals.isEmpty() && packetIns.isEmpty() && !storm;
    }

    /** The copies {@code host} received. */
    public List<Arrival> at(String host) {
        return arrivals.stream().filter(a -> a.host().equals(host)).toList();
    }

    /** The one copy {@code host} received; fails when it got none or several. */
    public Arrival only(String host) {
        List<Arrival> l = at(host);
        if (l.size() != 1) {
            throw new AssertionError(host + " got " + l.size() + " copies: " + this);
        }
        return l.get(0);
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("Reach{");
        b.append(arrivals.isEmpty() ? "nobody" : arrivals.toString());
        if (!packetIns.isEmpty()) {
            b.append(", ").append(packetIns.size()).append(" packet-in(s) at ")
                    .append(packetIns.stream().map(PacketInAt::switchName).toList());
        }
        if (!lost.isEmpty()) {
            b.append(", out of unconnected ports ").append(lost);
        }
        if (storm) {
            b.append(", STORM");
        }
        return b.append("; steps ").append(steps).append('}').toString();
    }

    /** Collects a {@link Reach} while a frame is followed. */
    static final class Builder {
        private final List<Arrival> arrivals = new ArrayList<>();
        private final List<PacketInAt> packetIns = new ArrayList<>();
        private final List<InProcessFabric.Place> lost = new ArrayList<>();
        private final List<Step> steps = new ArrayList<>();
        private boolean storm;

        void went(String sw, OFPort in, Outcome o) {
            steps.add(new Step(sw, in, o));
        }

        void arrived(String host, byte[] frame, List<Hop> path) {
            arrivals.add(new Arrival(host, frame, path));
        }

        void packetIn(String sw, OFPacketIn pi, List<Hop> path) {
            packetIns.add(new PacketInAt(sw, pi, path));
        }

        void lost(InProcessFabric.Place at) {
            lost.add(at);
        }

        void storm() {
            storm = true;
        }

        Reach build() {
            return new Reach(arrivals, packetIns, lost, steps, storm);
        }
    }
}
