package dev.weft.core;

import dev.weft.api.tenant.NetworkConfig;
import dev.weft.api.tenant.Tenant;
import dev.weft.core.config.ConfigException;
import dev.weft.core.config.ConfigLoader;
import dev.weft.core.config.ReloadResult;
import dev.weft.core.config.SharedConfig;
import dev.weft.core.config.WeftConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/**
 * Reloads of the config file and writes through the API, put in force in the order they read.
 * The file is read and validated without holding anything (a slow or huge file delays only its
 * own reload, never another reload or an API write); only putting it in force is serialised, and
 * a reading older than what is already in force is dropped rather than applied over it. A file
 * with no {@code tenants:} section at all (empty, or cut short by an editor) is refused when
 * tenants are running: removing them all needs {@code tenants: []}.
 */
final class ConfigReloads {
    private static final Logger log = LoggerFactory.getLogger(ConfigReloads.class);

    private final Optional<Path> file;
    private final Supplier<NetworkConfig> running;
    private final BiFunction<NetworkConfig, WeftConfig, ReloadResult> apply;
    private final AtomicLong readings = new AtomicLong();
    private long inForce;
    private volatile SharedConfig shared;

    ConfigReloads(Optional<Path> file, Supplier<NetworkConfig> running,
                  BiFunction<NetworkConfig, WeftConfig, ReloadResult> apply) {
        this.file = file;
        this.running = running;
        this.apply = apply;
    }

    ReloadResult reload() {
        Path f = file.orElse(null);
        if (f == null) {
            return new ReloadResult(ReloadResult.Outcome.REJECTED, "no config file to reload (start with --config FILE)",
                    Set.of());
        }
        long ticket = readings.incrementAndGet();
        WeftConfig next;
        String text;
        try {
            text = ConfigLoader.read(f);
            next = ConfigLoader.parse(text, f.toString());
        } catch (ConfigException e) {
            log.error("config reload rejected, the running configuration stays: {}", e.getMessage());
            return new ReloadResult(ReloadResult.Outcome.REJECTED, e.getMessage(), Set.of());
        }
        if (next.network().tenants().isEmpty() && !ConfigLoader.saysNoTenants(text)) {
            List<String> gone = running.get().tenants().stream().map(Tenant::name).toList();
            if (!gone.isEmpty()) {
                String why = ConfigLoader.declaresTenants(text)
                        ? "the file's tenants: section lists nothing and is not tenants: [] (half-written?)"
                        : "the file has no tenants: section (" + (text.isBlank() ? "it is empty" : "half-written?") + ")";
                String msg = f + ": " + why + ", which would remove every tenant (" + String.join(", ", gone)
                        + "); refused, the running configuration stays. To remove them all, write tenants: []";
                log.error("config reload rejected: {}", msg);
                return new ReloadResult(ReloadResult.Outcome.REJECTED, msg, Set.of());
            }
        }
        SharedConfig sc = shared;
        if (sc != null) {
            return sc.publish(text, next); // every instance applies it from the shared config, this one too
        }
        return applyReading(ticket, next);
    }

    void share(SharedConfig sc) {
        shared = sc;
    }

    Optional<SharedConfig> shared() {
        return Optional.ofNullable(shared);
    }

    private synchronized ReloadResult applyReading(long ticket, WeftConfig next) {
        if (ticket < inForce) {
            log.info("config reload skipped: a newer reading of the file is already in force");
            return new ReloadResult(ReloadResult.Outcome.UNCHANGED, "a newer reading of the file is in force",
                    Set.of());
        }
        inForce = ticket;
        return apply.apply(next.network(), next);
    }

    /** A configuration validated elsewhere (an API write, already in the file): any reading started before it is stale. */
    synchronized ReloadResult applyNetwork(NetworkConfig next, WeftConfig whole) {
        inForce = readings.incrementAndGet();
        return apply.apply(next, whole);
    }
}
