package dev.weft.api.fabric;

import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.MacAddress;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What the L2 gateway app shows (REST {@code /api/v1/fabric/gateways}, {@code weft fabric}): per
 * gateway (a logical network bridged to a VLAN on a port of a transport node) the MACs learned
 * behind it, with when each was learned. Readable from any thread.
 */
public interface GatewayStatus {

    /** Every configured gateway, by name, with the MACs learned behind it (by MAC). */
    List<Gateway> gateways();

    /**
     * @param network {@code tenant/network}
     * @param node    the transport node's name
     */
    record Gateway(String name, String network, int segment, String node, DatapathId dpid, int port, int vlan,
                   List<LearnedMac> learned) {
        public Gateway {
            Objects.requireNonNull(name, "name");
            learned = List.copyOf(learned);
        }
    }

    /** A MAC seen behind a gateway: first at {@code learnedAt}. */
    record LearnedMac(MacAddress mac, Instant learnedAt) {
        public LearnedMac {
            Objects.requireNonNull(mac, "mac");
            Objects.requireNonNull(learnedAt, "learnedAt");
        }
    }
}
