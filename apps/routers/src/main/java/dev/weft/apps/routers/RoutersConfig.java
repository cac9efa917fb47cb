package dev.weft.apps.routers;

/**
 * {@code apps: routers:} in the config file.
 *
 * @param puntRate  packets per second each VM port may have answered with an ICMP error by the
 *                  controller (TTL exceeded, unreachable); more are dropped (default 20)
 * @param puntBurst how many of those at once (default 40)
 */
public record RoutersConfig(Double puntRate, Integer puntBurst) {
    public RoutersConfig {
        puntRate = puntRate == null ? 20.0 : puntRate;
        puntBurst = puntBurst == null ? 40 : puntBurst;
        if (puntRate <= 0 || puntRate > 100_000) {
            throw new IllegalArgumentException("punt-rate must be above 0 and at most 100000, was " + puntRate);
        }
        if (puntBurst < 1 || puntBurst > 100_000) {
            throw new IllegalArgumentException("punt-burst must be 1..100000, was " + puntBurst);
        }
    }
}
