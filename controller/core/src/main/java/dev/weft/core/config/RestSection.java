package dev.weft.core.config;

/**
 * The {@code rest:} section of the config file: the northbound HTTP API. Every key is optional.
 * See {@link dev.weft.rest.RestSettings} for the meaning and the defaults.
 *
 * @param enabled      false: no HTTP server at all
 * @param listen       HOST:PORT (default 127.0.0.1:8080)
 * @param tokenFile    a file whose content (trimmed) is the bearer token
 * @param tokenEnv     the name of an environment variable holding the bearer token
 * @param requireToken require the token even on a loopback address
 * @param privateKey   with {@code certificate}: serve HTTPS with this PEM key (as ovs-pki makes them)
 * @param certificate  the PEM certificate for {@code privateKey}
 */
public record RestSection(Boolean enabled, String listen, String tokenFile, String tokenEnv, Boolean requireToken,
                          String privateKey, String certificate) {
    /** Plain HTTP. */
    public RestSection(Boolean enabled, String listen, String tokenFile, String tokenEnv, Boolean requireToken) {
        this(enabled, listen, tokenFile, tokenEnv, requireToken, null, null);
    }
}
