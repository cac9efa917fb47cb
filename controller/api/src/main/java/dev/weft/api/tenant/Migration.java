package dev.weft.api.tenant;

import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.MacAddress;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One migration, as the mobility app saw it.
 *
 * @param sequence    1, 2, 3... in the order the moves were detected
 * @param kind        a logical port of the tenant configuration, or a host the core's host
 *                    tracker learned (learning-switch and forwarding worlds: no binding)
 * @param subject     the logical port's name, or the host's MAC address
 * @param network     {@code tenant/network} of a logical port; empty for a host
 * @param mac         the MAC address that moved
 * @param from        where it was last (a port that left before it reappeared elsewhere still has
 *                    its last location here)
 * @param to          where it is now
 * @param cause       what showed the new location, e.g. "port vm-web1 added on hv2" or
 *                    "gratuitous ARP on hv2 port 7"
 * @param detectedAt  when the message that showed it arrived (controller clock)
 * @param convergence from that message's arrival to the barrier replies of every switch the move
 *                    changed; empty when not measured (hosts: their apps program switches
 *                    directly)
 * @param controller  the controller's part of {@code convergence}: from the message's arrival
 *                    until the flow-mods were handed to the switches (the rest is the switches
 *                    applying them and answering the barrier)
 * @param flowMods    flow-mods the move sent, per switch (with the clean-up of the old location
 *                    when that was a step of its own, e.g. the port left first)
 * @param unconfirmed switches that did not confirm (disconnected, error) within the timeout
 */
public record Migration(long sequence, Kind kind, String subject, String network, MacAddress mac,
                        Optional<PortLocation> from, PortLocation to, String cause, Instant detectedAt,
                        Optional<Duration> convergence, Optional<Duration> controller,
                        Map<DatapathId, Integer> flowMods,
                        Set<DatapathId> unconfirmed) {

    public enum Kind { LOGICAL_PORT, HOST }

    public Migration {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(network, "network");
        Objects.requireNonNull(mac, "mac");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(cause, "cause");
        Objects.requireNonNull(detectedAt, "detectedAt");
        Objects.requireNonNull(convergence, "convergence");
        Objects.requireNonNull(controller, "controller");
        flowMods = Map.copyOf(flowMods);
        unconfirmed = Set.copyOf(unconfirmed);
    }

    /** Flow-mods sent in all, over every switch. */
    public int totalFlowMods() {
        return flowMods.values().stream().mapToInt(Integer::intValue).sum();
    }
}
