package dev.weft.sim.net;

import java.time.Duration;

/**
 * The outcome of {@link SimNetwork#ping}: ARP (when needed) then one ICMP echo.
 *
 * @param reason   empty on success, else what failed ("no ARP reply", "no echo reply")
 * @param packetIns packet-ins caused by the ARP and echo exchanges together
 */
public record PingResult(String from, String to, boolean success, String reason, int packetIns, Duration elapsed) {
    @Override
    public String toString() {
        return from + " -> " + to + ": " + (success ? "ok" : "FAILED (" + reason + ")") + ", " + packetIns
                + " packet-ins, " + elapsed.toMillis() + " ms";
    }
}
