package dev.weft.core.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The {@code controller:} section of the config file. Every key is optional; absent keys keep
 * their defaults (or the command line's value, which wins over the file).
 */
public record ControllerSection(
        List<String> listen,
        List<String> apps,
        Path plugins,
        Integer dispatchThreads,
        List<String> openflowVersions,
        Duration echoInterval,
        Duration echoTimeout,
        Duration handshakeTimeout,
        Duration requestTimeout,
        Boolean tableMissToController,
        Duration flowAuditInterval,
        Duration startupHold,
        String logLevel,
        TlsSection tls,
        Duration takeoverProbeTimeout,
        Path stateDir,
        Integer warmUpMigrations,
        Integer warmUpSwitches) {

    public static final ControllerSection EMPTY = new ControllerSection(null, null, null, null, null, null,
            null, null, null, null, null, null, null, null, null, null, null, null);
}
