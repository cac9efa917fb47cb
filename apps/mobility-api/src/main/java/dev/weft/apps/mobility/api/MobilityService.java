package dev.weft.apps.mobility.api;

import dev.weft.api.tenant.Migration;
import dev.weft.api.tenant.PortLocation;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * What the mobility app knows about migrations: a bounded history, per-logical-port counters
 * that continue across moves, the ports whose location is frozen (flapping) and those seen in a
 * second place that has not been confirmed yet. Provided by the {@code mobility} app
 * ({@code ctx.service(MobilityService.class)}); safe from any thread.
 */
public interface MobilityService {

    /** The last migrations (at most the configured {@code history}), oldest first. */
    List<Migration> history();

    /** The last migration of a logical port (or host MAC), if it is still in the history. */
    Optional<Migration> last(String subject);

    /**
     * A logical port's counters, summed over its past locations and its current one (read from
     * the switch now). Completes with zeros for a port that has never been located; fails for an
     * unknown port.
     */
    CompletableFuture<PortCounters> counters(String port);

    /**
     * Every logical port's counters (as {@link #counters} gives them), in the config's order: one
     * read of the ingress and L2 tables per switch with located ports, for pollers (metrics,
     * usage) that want them all at once. A port that cannot be counted exactly this time (its
     * switch did not answer, or it moved during the read) is left out, never given as zero.
     */
    CompletableFuture<Map<String, PortCounters>> allCounters();

    /** Logical ports whose location is frozen because they flapped, with the end of the hold. */
    Map<String, Instant> damped();

    /**
     * Logical ports whose interface is present in more places than the one in use (a live
     * migration in progress): the places waiting for the VM to announce itself.
     */
    Map<String, List<PortLocation>> pending();

    /**
     * A location another instance of a cluster decided: the master of the switch where the VM
     * showed itself (its gratuitous ARP, RARP or first frame, which only that master receives)
     * says logical port {@code port} is at {@code at}, as observed there at {@code seenAt}. It is
     * put in force here as a local observation would be (the same relocation, flow compilation
     * and history, with {@code cause}), except that it is not damped again (its decider damped
     * it) though it counts as a move for the damping of what this instance sees itself. Not
     * applied when it cannot be right here: an interface-bound port whose interface is not (yet)
     * at {@code at} moves there when its interface appears (unless something else moves it
     * first); a MAC-bound port at a switch port that is gone. Control lane only (the
     * {@link dev.weft.api.event.LogicalPortLocated} event is delivered before it returns).
     * Returns whether the port moved.
     */
    default boolean locatedByPeer(String port, PortLocation at, String cause, Instant seenAt) {
        return false;
    }
}
