package dev.weft.apps.dhcp;

/**
 * {@code apps: dhcp:} in the config file.
 *
 * @param puntRate  DHCP requests per second each VM port may have answered (default 10); more are
 *                  dropped before any work is done for them
 * @param puntBurst how many at once (default 20)
 */
public record DhcpConfig(Double puntRate, Integer puntBurst) {
    public DhcpConfig {
        puntRate = puntRate == null ? 10.0 : puntRate;
        puntBurst = puntBurst == null ? 20 : puntBurst;
        if (puntRate <= 0 || puntRate > 100_000) {
            throw new IllegalArgumentException("punt-rate must be above 0 and at most 100000, was " + puntRate);
        }
        if (puntBurst < 1 || puntBurst > 100_000) {
            throw new IllegalArgumentException("punt-burst must be 1..100000, was " + puntBurst);
        }
    }
}
