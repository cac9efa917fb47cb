package dev.weft.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.weft.api.event.ConfigChanged;
import dev.weft.api.event.HostMoved;
import dev.weft.api.event.LinkAdded;
import dev.weft.api.event.LinkRemoved;
import dev.weft.api.event.LogicalPortLocated;
import dev.weft.api.event.LogicalPortMoved;
import dev.weft.api.event.PortStatusChanged;
import dev.weft.api.event.SwitchConnected;
import dev.weft.api.event.SwitchDisconnected;
import dev.weft.api.event.TransportNodeChanged;
import dev.weft.api.state.StateStore;
import dev.weft.apps.mobility.api.MobilityService;
import dev.weft.core.Controller;
import dev.weft.core.Extension;
import dev.weft.core.state.MemoryStateStore;
import dev.weft.rest.RequestObserver;
import dev.weft.rest.Route;
import dev.weft.rest.RouteSource;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The operator's console, as a controller {@link Extension} whose routes the REST API's server
 * serves ({@link RouteSource}): the web page and its live events, {@code /metrics},
 * {@code /health}, traffic and usage. Its own work (reading flow statistics, keeping usage,
 * writing events) runs on one thread, {@code weft-console}; it follows the controller through
 * observers that only set a bit, so nothing on a switch's lane or the control lane waits for it.
 *
 * <pre>{@code
 * Console console = new Console(ConsoleSettings.DEFAULTS);
 * Controller.builder(settings).extension(console).extension(new RestEndpoint(rest, List.of(console))).start();
 * }</pre>
 */
public final class Console implements Extension, RouteSource {
    private static final Logger log = LoggerFactory.getLogger(Console.class);

    private final ConsoleSettings settings;
    private ScheduledExecutorService executor;
    private TrafficPoller poller;
    private UsageLedger ledger;
    private EventHub hub;
    private Metrics metrics;
    private Health health;
    private Optional<MobilityService> mobility = Optional.empty();

    public Console(ConsoleSettings settings) {
        this.settings = settings;
    }

    @Override
    public String name() {
        return "console";
    }

    @Override
    public void start(Controller c) {
        executor = Executors.newSingleThreadScheduledExecutor(new DefaultThreadFactory("weft-console", true));
        mobility = c.service(MobilityService.class);
        StateStore state = c.service(StateStore.class).orElseGet(MemoryStateStore::new);
        ledger = new UsageLedger(state.open("usage"), settings.usageResolution(), settings.usageRetention(),
                state.durable(), c.settings().clock().instant());
        hub = new EventHub(executor, Long.toHexString(c.startedAt().toEpochMilli()));
        poller = new TrafficPoller(mobility, c.tenants(), c.settings().clock(), settings.statsInterval(), executor,
                t -> {
                    ledger.record(t);
                    hub.traffic(ConsoleViews.traffic(t).toString());
                    hub.mark(EventHub.Topic.FLOWS);
                });
        metrics = new Metrics(c, mobility, poller);
        health = new Health(c);
        c.observe(SwitchConnected.class, e -> hub.mark(EventHub.Topic.SWITCHES));
        c.observe(SwitchDisconnected.class, e -> hub.mark(EventHub.Topic.SWITCHES));
        c.observe(PortStatusChanged.class, e -> hub.mark(EventHub.Topic.SWITCHES));
        c.observe(LinkAdded.class, e -> hub.mark(EventHub.Topic.LINKS));
        c.observe(LinkRemoved.class, e -> hub.mark(EventHub.Topic.LINKS));
        c.observe(TransportNodeChanged.class, e -> hub.mark(EventHub.Topic.NODES));
        c.observe(ConfigChanged.class, e -> hub.mark(EventHub.Topic.TENANTS));
        c.observe(LogicalPortLocated.class, e -> hub.mark(EventHub.Topic.LOCATIONS));
        c.observe(LogicalPortMoved.class, e -> hub.mark(EventHub.Topic.MIGRATIONS));
        c.observe(HostMoved.class, e -> hub.mark(EventHub.Topic.MIGRATIONS));
        hub.start();
        poller.start();
        log.info("console: flow statistics read every {} ms{}; usage in records of {} s kept for {} days", settings
                        .statsInterval().toMillis(), mobility.isPresent() ? "" : " (not: no mobility app)",
                settings.usageResolution().toSeconds(), settings.usageRetention().toDays());
    }

    @Override
    public List<Route> routes(Controller c) {
        if (health == null) {
            throw new IllegalStateException("the console must start before the REST API (add its extension first)");
        }
        return new ConsoleRoutes(c, settings, metrics, health, hub, poller, ledger, mobility.isPresent()).routes();
    }

    @Override
    public Optional<JsonNode> openApi() {
        try (InputStream in = Console.class.getResourceAsStream("openapi-console.yaml")) {
            if (in == null) {
                throw new IllegalStateException("openapi-console.yaml is missing from the jar");
            }
            return Optional.of(new ObjectMapper(new YAMLFactory()).readTree(in));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read openapi-console.yaml: " + e.getMessage(), e);
        }
    }

    @Override
    public RequestObserver observer() {
        return (method, route, status, nanos) -> {
            if (metrics != null) {
                metrics.answered(method, route, status, nanos);
            }
        };
    }

    /** The last traffic read (for tests). */
    Traffic traffic() {
        return poller.last();
    }

    @Override
    public void close() {
        if (executor == null) {
            return;
        }
        try {
            // The period being filled is written as it is: a clean stop loses no usage.
            executor.submit(ledger::closeOpen).get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            log.warn("the last usage records could not be written at the stop: {}", e.toString());
        }
        executor.shutdownNow();
        hub.close();
        metrics.close();
        executor = null;
    }
}
