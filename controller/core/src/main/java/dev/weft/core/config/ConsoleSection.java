package dev.weft.core.config;

import java.time.Duration;

/**
 * The {@code console:} section of the config file: the operator's web page, {@code /metrics},
 * {@code /health} and usage for billing, all served by the REST API's server. Every key is
 * optional; see {@code dev.weft.console.ConsoleSettings} for the meaning and the defaults.
 *
 * @param enabled         false: none of it (the API stays)
 * @param statsInterval   how often the switches' flow statistics are read for traffic per tenant and port
 * @param usageResolution the length of one usage record (the finest time range usage can be asked for)
 * @param usageRetention  how long usage records are kept
 */
public record ConsoleSection(Boolean enabled, Duration statsInterval, Duration usageResolution,
                             Duration usageRetention) {
}
