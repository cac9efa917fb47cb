package dev.weft.api.fabric;

import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.MacAddress;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What the L2 gateway app shows (REST {@code /api/v1/fabric/gateways}, {@code weft fabric}): per
 * gateway (a logical network bridged to a VLAN on a port of a transport node) the MACs learned
 * behind it, with when each was learned and last seen, and how full its bounded table is. Readable from any thread.
 */
public interface GatewayStatus {

    /** Every configured gateway, by name, with the MACs learned behind it (by MAC). */
    List<Gateway> gateways();

    /**
     * @param network  {@code tenant/network}
     * @param node     the transport node's name
     * @param maxMacs  how many MACs it learns at most ({@code apps: vlan-gateway: max-macs})
     * @param macAge   how long a MAC not seen stays learned ({@code apps: vlan-gateway: mac-age})
     * @param full     whether it holds {@code maxMacs} MACs (new ones are not learned)
     * @param refused  new MACs not learned because it was full, since the start
     */
    record Gateway(String name, String network, int segment, String node, DatapathId dpid, int port, int vlan,
                   int maxMacs, Duration macAge, boolean full, long refused, List<LearnedMac> learned) {
        public Gateway {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(macAge, "macAge");
            learned = List.copyOf(learned);
        }
    }

    /**
     * A MAC seen behind a gateway: learned at {@code learnedAt}, last seen at {@code lastSeen} (its
     * entry on the gateway switch matched packets since the counters were read before). It is
     * forgotten once not seen for the gateway's {@code macAge}.
     */
    record LearnedMac(MacAddress mac, Instant learnedAt, Instant lastSeen) {
        public LearnedMac {
            Objects.requireNonNull(mac, "mac");
            Objects.requireNonNull(learnedAt, "learnedAt");
            Objects.requireNonNull(lastSeen, "lastSeen");
        }
    }
}
