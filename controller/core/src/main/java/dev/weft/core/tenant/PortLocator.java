package dev.weft.core.tenant;

import dev.weft.api.event.LogicalPortLocated;
import dev.weft.api.tenant.Binding;
import dev.weft.api.tenant.LocationControl;
import dev.weft.api.tenant.LogicalPort;
import dev.weft.api.tenant.NetworkConfig;
import dev.weft.api.tenant.PortLocation;
import dev.weft.core.dispatch.EventBus;
import dev.weft.core.dispatch.Lane;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where each logical port is (a snapshot any thread reads) and who decides it: the
 * {@link TenantManager} from what the switches show, until an app takes over through
 * {@link LocationControl} for interface- and MAC-bound ports. Every move is announced as a
 * {@link LogicalPortLocated}. Changed on the control lane only.
 */
final class PortLocator {
    private static final Logger log = LoggerFactory.getLogger(PortLocator.class);

    private final Lane control;
    private final EventBus bus;
    private final Supplier<NetworkConfig> config;
    private final Control locationControl = new Control();
    private volatile LocationMap locations = LocationMap.EMPTY;
    /** True once an app decides where interface- and MAC-bound ports are. */
    private volatile boolean delegated;

    PortLocator(Lane control, EventBus bus, Supplier<NetworkConfig> config) {
        this.control = control;
        this.bus = bus;
        this.config = config;
    }

    LocationMap locations() {
        return locations;
    }

    boolean delegated() {
        return delegated;
    }

    LocationControl locationControl() {
        return locationControl;
    }

    /** Forgets the locations of the ports {@code gone} names (without announcing it). */
    void forget(Predicate<String> gone) {
        locations = locations.without(gone);
    }

    void relocate(LogicalPort p, PortLocation to, String cause) {
        PortLocation from = locations.get(p.name());
        if (Objects.equals(from, to)) {
            return;
        }
        locations = locations.with(p.name(), to);
        log.info("logical port {} ({}/{}) {}: {}", p.name(), p.tenant(), p.network(),
                to == null ? "gone from " + from : from == null ? "at " + to : "moved " + from + " -> " + to, cause);
        bus.dispatch(new LogicalPortLocated(p, Optional.ofNullable(to), Optional.ofNullable(from), cause));
    }

    private final class Control implements LocationControl {
        @Override
        public void takeOver() {
            if (!delegated) {
                delegated = true;
                log.info("logical ports bound by interface or MAC are located by an app from now on");
            }
        }

        @Override
        public void locate(LogicalPort port, Optional<PortLocation> to, String cause) {
            if (!control.inLane()) {
                throw new IllegalStateException("locate() runs on the control lane only");
            }
            NetworkConfig cfg = config.get();
            LogicalPort current = cfg.port(port.name())
                    .orElseThrow(() -> new IllegalArgumentException("no logical port " + port.name()));
            to.ifPresent(l -> {
                if (cfg.node(l.dpid()).isEmpty() && !(current.binding() instanceof Binding.Static)) {
                    throw new IllegalArgumentException(l.dpid() + " is not a transport node");
                }
            });
            relocate(current, to.orElse(null), cause);
        }
    }
}
