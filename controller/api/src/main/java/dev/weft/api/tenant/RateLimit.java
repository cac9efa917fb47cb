package dev.weft.api.tenant;

/**
 * What a logical port may send, enforced by OpenFlow meters on its hypervisor: {@code kbps} of
 * everything it sends (with a burst of {@code burstKb} kilobits), and {@code broadcastPps} packets
 * per second of what it broadcasts or multicasts (so a storm stays on its own port). 0 means no
 * limit of that kind.
 */
public record RateLimit(long kbps, long burstKb, long broadcastPps) {
    public static final RateLimit NONE = new RateLimit(0, 0, 0);

    public RateLimit {
        if (kbps < 0 || burstKb < 0 || broadcastPps < 0) {
            throw new IllegalArgumentException("rate limits are not negative");
        }
        if (kbps > 0xffffffffL || burstKb > 0xffffffffL || broadcastPps > 0xffffffffL) {
            throw new IllegalArgumentException("rate limits fit 32 bits");
        }
    }

    public boolean isNone() {
        return kbps == 0 && broadcastPps == 0;
    }
}
