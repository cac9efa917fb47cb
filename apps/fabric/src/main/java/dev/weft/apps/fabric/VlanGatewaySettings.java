package dev.weft.apps.fabric;

import java.time.Duration;

/**
 * {@code apps: vlan-gateway:} in the config file.
 *
 * @param maxMacs MACs learned per gateway at most (default 1024); beyond it new MACs are not
 *                learned (logged once when the table fills up, shown as {@code full} with a
 *                count of refusals): their frames still get in, each with a copy to the
 *                controller (rate-limited), until entries age out
 * @param macAge  how long a learned MAC that is not seen stays learned (default 300s); seen =
 *                its entry on the gateway switch matched packets since the counters were last
 *                read, which happens every quarter of the age (at least every 1 s, at most 60 s)
 */
public record VlanGatewaySettings(Integer maxMacs, Duration macAge) {
    public VlanGatewaySettings {
        maxMacs = maxMacs == null ? 1024 : maxMacs;
        macAge = macAge == null ? Duration.ofSeconds(300) : macAge;
        if (maxMacs < 1) {
            throw new IllegalArgumentException("max-macs must be at least 1, was " + maxMacs);
        }
        if (macAge.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("mac-age must be at least 1s, was " + macAge);
        }
    }

    /** How often the learned entries' counters are read. */
    public Duration readEvery() {
        Duration d = macAge.dividedBy(4);
        return d.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1)
                : d.compareTo(Duration.ofSeconds(60)) > 0 ? Duration.ofSeconds(60) : d;
    }
}
