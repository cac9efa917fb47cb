package dev.weft.apps.mobility;

import dev.weft.api.tenant.Binding;
import dev.weft.api.tenant.LogicalPort;
import dev.weft.api.tenant.NetworkConfig;
import dev.weft.api.tenant.PortLocation;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Where each logical port is, decided from what the switches show: a pure state machine (no I/O,
 * time passed in), in the Faucet style. The mobility app feeds it and carries out its
 * {@link Decision}s. One thread (the control lane).
 *
 * <p>Rules:
 * <ul>
 *   <li>An interface-bound port that is nowhere is located where its interface appears.</li>
 *   <li><b>Dual presence.</b> When its interface appears in a second place while the first still
 *       has it (a live migration: the destination's port exists before the source's goes), the
 *       port stays where it is; the new place is <em>pending</em>. It moves when the VM announces
 *       itself there (a gratuitous ARP, a RARP or any first frame from its MAC, which the app
 *       traps to the controller on pending ports), or when the interface is removed from the
 *       place in use (then to the pending place added last). The place it left stays pending
 *       while its interface exists, so a migration that fails back is followed too.</li>
 *   <li>When its interface is removed from the place in use and nowhere else has it, the port is
 *       nowhere; its last location is remembered, so its reappearance elsewhere is a migration.</li>
 *   <li>A MAC-bound port is located where a gratuitous ARP or RARP from its MAC arrives at an edge
 *       port, and is nowhere once that switch port is deleted.</li>
 *   <li><b>Damping.</b> The move that would be the {@code flapMoves}-th within {@code flapWindow}
 *       is not made: the location is frozen (even if its port goes) for {@code flapHold}, and a
 *       {@link Damped} decision reports it. When the hold is over, the port is located from what
 *       is known then (where it is if its interface is still there, else the last place it was
 *       seen).</li>
 * </ul>
 */
final class PortTracker {

    /** What showed something, and when it arrived ({@code nanos}: System.nanoTime, for convergence). */
    record Seen(String cause, Instant at, long nanos, String on) {
        Seen(String cause, Instant at, long nanos) {
            this(cause, at, nanos, "");
        }
    }

    sealed interface Decision {
    }

    /**
     * Put {@code port} at {@code to} (empty: nowhere). {@code from} is where it is now;
     * {@code last} where it was last seen (differs from {@code from} after it went away).
     */
    record Locate(LogicalPort port, Optional<PortLocation> from, Optional<PortLocation> to,
                  Optional<PortLocation> last, Seen seen) implements Decision {
        /** A move to another place than the last one: a migration. */
        boolean isMigration() {
            return to.isPresent() && last.isPresent() && !last.get().equals(to.get());
        }
    }

    /** The port flapped: kept at {@code kept} until {@code until}; {@code seenAt} is where it was seen. */
    record Damped(LogicalPort port, Optional<PortLocation> kept, PortLocation seenAt, Instant until)
            implements Decision {
    }

    /** The pending places of this network's ports changed (the traps must follow). */
    record PendingChanged(int segment) implements Decision {
    }

    private static final class State {
        LogicalPort port;
        PortLocation located;
        PortLocation last;
        /** Where its interface exists now, in the order the places appeared. */
        final LinkedHashSet<PortLocation> present = new LinkedHashSet<>();
        final Deque<Instant> moves = new ArrayDeque<>();
        Instant dampedUntil;
        /** While damped: where the port was seen last (null: gone). */
        PortLocation wanted;
        /** Where a peer located it before its interface showed up here: it moves there when it does. */
        PortLocation peerSaid;

        State(LogicalPort port) {
            this.port = port;
        }

        boolean byInterface() {
            return port.binding() instanceof Binding.Interface || port.binding() instanceof Binding.IfaceId;
        }
    }

    private final int flapMoves;
    private final Duration flapWindow;
    private final Duration flapHold;
    private final java.util.function.Function<PortLocation, String> names;
    private final Map<String, State> states = new HashMap<>();
    private final Set<String> damped = new HashSet<>();

    PortTracker(int flapMoves, Duration flapWindow, Duration flapHold) {
        this(flapMoves, flapWindow, flapHold, PortLocation::toString);
    }

    /** {@code names} describes a place in causes (e.g. "hv2 port 5"). */
    PortTracker(int flapMoves, Duration flapWindow, Duration flapHold,
                java.util.function.Function<PortLocation, String> names) {
        this.flapMoves = flapMoves;
        this.flapWindow = flapWindow;
        this.flapHold = flapHold;
        this.names = names;
    }

    private State state(LogicalPort p) {
        State s = states.computeIfAbsent(p.name(), n -> new State(p));
        s.port = p;
        return s;
    }

    /** A port with the port's interface name appeared at, or went from, {@code at}. */
    List<Decision> interfaceChanged(LogicalPort p, PortLocation at, boolean present, Seen seen) {
        State s = state(p);
        List<Decision> out = new ArrayList<>();
        if (present) {
            boolean added = s.present.add(at);
            if (at.equals(s.peerSaid)) {
                s.peerSaid = null;
                go(s, at, seen, out, true);
            } else if (s.located == null) {
                go(s, at, seen, out);
            } else if (!s.located.equals(at) && !s.present.contains(s.located)) {
                go(s, at, seen, out); // where it was is not there any more (e.g. not yet reported gone)
            } else if (s.dampedUntil != null && !s.located.equals(at)) {
                s.wanted = at;
            }
            if (added) {
                out.add(new PendingChanged(p.segment()));
            }
        } else {
            boolean removed = s.present.remove(at);
            if (at.equals(s.peerSaid)) {
                s.peerSaid = null;
            }
            if (at.equals(s.located)) {
                PortLocation next = s.present.isEmpty() ? null : lastOf(s.present);
                go(s, next, next == null ? seen
                        : new Seen(seen.cause() + "; its interface is still on " + names.apply(next), seen.at(), seen.nanos(),
                        seen.on()), out);
            } else if (s.dampedUntil != null && at.equals(s.wanted)) {
                s.wanted = s.present.isEmpty() ? null : lastOf(s.present);
            }
            if (removed) {
                out.add(new PendingChanged(p.segment()));
            }
        }
        return out;
    }

    /** The VM behind {@code p} announced itself at {@code at} (GARP, RARP, or a first frame at a pending place). */
    List<Decision> announced(LogicalPort p, PortLocation at, Seen seen) {
        State s = state(p);
        List<Decision> out = new ArrayList<>();
        if (s.byInterface() && !s.present.contains(at)) {
            return out; // a late packet from a port that is gone
        }
        PortLocation before = s.located;
        go(s, at, seen, out);
        if (s.byInterface() && !Objects.equals(before, s.located)) {
            out.add(new PendingChanged(p.segment()));
        }
        return out;
    }

    /**
     * Another deciding instance (the master of {@code at}'s switch, in a cluster) located
     * {@code p} at {@code at}. Followed as it is (its decider damped it), but counted as a move
     * for the damping of this tracker's own observations. An interface-bound port whose interface
     * is not known at {@code at} yet moves there when it is (the peer's switch report may come
     * after the peer's decision).
     */
    List<Decision> reported(LogicalPort p, PortLocation at, Seen seen) {
        State s = state(p);
        List<Decision> out = new ArrayList<>();
        if (s.byInterface() && !s.present.contains(at)) {
            s.peerSaid = at;
            return out;
        }
        s.peerSaid = null;
        PortLocation before = s.located;
        go(s, at, seen, out, true);
        if (s.byInterface() && !Objects.equals(before, s.located)) {
            out.add(new PendingChanged(p.segment()));
        }
        return out;
    }

    /** A switch port was deleted: MAC-bound ports located there are nowhere now. */
    List<Decision> switchPortGone(PortLocation at, Seen seen) {
        List<Decision> out = new ArrayList<>();
        for (State s : List.copyOf(states.values())) {
            if (!s.byInterface() && at.equals(s.located)) {
                go(s, null, seen, out);
            }
        }
        return out;
    }

    /** Ports whose damping is over at {@code now} are located again from what is known. */
    List<Decision> tick(Instant now, long nanos) {
        List<Decision> out = new ArrayList<>();
        for (String name : List.copyOf(damped)) {
            State s = states.get(name);
            if (s == null || s.dampedUntil == null) {
                damped.remove(name);
                continue;
            }
            if (now.isBefore(s.dampedUntil)) {
                continue;
            }
            s.dampedUntil = null;
            s.moves.clear();
            damped.remove(name);
            PortLocation target;
            if (s.byInterface()) {
                target = s.located != null && s.present.contains(s.located) ? s.located
                        : s.wanted != null && s.present.contains(s.wanted) ? s.wanted
                        : s.present.isEmpty() ? null : lastOf(s.present);
            } else {
                target = s.wanted;
            }
            s.wanted = null;
            go(s, target, new Seen("damping of " + name + " over", now, nanos), out);
            if (s.byInterface()) {
                out.add(new PendingChanged(s.port.segment()));
            }
        }
        return out;
    }

    /**
     * A new configuration: ports that no longer exist are forgotten, ports whose binding changed
     * start afresh (the core has dropped their location and reports their interfaces again).
     */
    List<Decision> configChanged(NetworkConfig next) {
        List<Decision> out = new ArrayList<>();
        for (var it = states.entrySet().iterator(); it.hasNext(); ) {
            State s = it.next().getValue();
            Optional<LogicalPort> np = next.port(s.port.name());
            int oldSegment = s.port.segment();
            if (np.isEmpty() || !np.get().binding().equals(s.port.binding())) {
                it.remove();
                damped.remove(s.port.name());
                out.add(new PendingChanged(oldSegment));
                continue;
            }
            s.port = np.get();
            if (s.port.segment() != oldSegment) {
                out.add(new PendingChanged(oldSegment));
                out.add(new PendingChanged(s.port.segment()));
            }
        }
        return out;
    }

    private void go(State s, PortLocation to, Seen seen, List<Decision> out) {
        go(s, to, seen, out, false);
    }

    /** {@code peer}: a peer's decision, not damped here (a hold in force keeps it as the place wanted). */
    private void go(State s, PortLocation to, Seen seen, List<Decision> out, boolean peer) {
        if (!peer) {
            s.peerSaid = null;
        }
        if (Objects.equals(s.located, to)) {
            return;
        }
        if (peer && s.dampedUntil != null) {
            s.wanted = to; // the hold's end must not take it back to an older place
        } else if (s.dampedUntil != null) {
            if (seen.at().isBefore(s.dampedUntil)) {
                s.wanted = to;
                return;
            }
            s.dampedUntil = null;
            s.moves.clear();
            damped.remove(s.port.name());
        }
        boolean move = to != null && s.last != null && !s.last.equals(to);
        if (move && flapMoves > 0) {
            Instant horizon = seen.at().minus(flapWindow);
            while (!s.moves.isEmpty() && !s.moves.peekFirst().isAfter(horizon)) {
                s.moves.pollFirst();
            }
            if (!peer && s.moves.size() + 1 >= flapMoves) {
                s.dampedUntil = seen.at().plus(flapHold);
                s.wanted = to;
                damped.add(s.port.name());
                out.add(new Damped(s.port, Optional.ofNullable(s.located), to, s.dampedUntil));
                return;
            }
            s.moves.addLast(seen.at());
        }
        Optional<PortLocation> from = Optional.ofNullable(s.located);
        Optional<PortLocation> last = Optional.ofNullable(s.last);
        s.located = to;
        if (to != null) {
            s.last = to;
        }
        out.add(new Locate(s.port, from, Optional.ofNullable(to), last, seen));
    }

    private static PortLocation lastOf(LinkedHashSet<PortLocation> set) {
        PortLocation last = null;
        for (PortLocation p : set) {
            last = p;
        }
        return last;
    }

    // ---- what the app reads ------------------------------------------------------------------

    Optional<PortLocation> located(String port) {
        State s = states.get(port);
        return s == null ? Optional.empty() : Optional.ofNullable(s.located);
    }

    /** Places where an interface-bound port's interface exists but which are not in use, per port. */
    Map<String, List<PortLocation>> pending() {
        Map<String, List<PortLocation>> m = new HashMap<>();
        for (State s : states.values()) {
            if (s.byInterface() && s.located != null && s.present.size() > (s.present.contains(s.located) ? 1 : 0)) {
                List<PortLocation> l = new ArrayList<>(s.present);
                l.remove(s.located);
                m.put(s.port.name(), List.copyOf(l));
            }
        }
        return m;
    }

    /** The pending places of one network's ports (for the traps). */
    Map<PortLocation, LogicalPort> pendingOf(int segment, NetworkConfig config) {
        Map<PortLocation, LogicalPort> m = new HashMap<>();
        config.network(segment).ifPresent(n -> {
            for (LogicalPort p : n.ports()) {
                State s = states.get(p.name());
                if (s != null && s.byInterface() && s.located != null) {
                    for (PortLocation at : s.present) {
                        if (!at.equals(s.located)) {
                            m.put(at, s.port);
                        }
                    }
                }
            }
        });
        return m;
    }

    /** Ports whose location is frozen, with the end of the hold. */
    Map<String, Instant> damped() {
        Map<String, Instant> m = new HashMap<>();
        for (String n : damped) {
            State s = states.get(n);
            if (s != null && s.dampedUntil != null) {
                m.put(n, s.dampedUntil);
            }
        }
        return m;
    }
}
