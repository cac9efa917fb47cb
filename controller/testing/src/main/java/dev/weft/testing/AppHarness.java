package dev.weft.testing;

import dev.weft.api.App;
import dev.weft.api.AppCookie;
import dev.weft.api.Disposition;
import dev.weft.api.Switch;
import dev.weft.api.event.Event;
import dev.weft.api.event.NetworkEvent;
import dev.weft.api.event.PacketIn;
import dev.weft.api.event.SwitchEvent;
import dev.weft.api.packet.Ethernet;
import dev.weft.core.Controller;
import dev.weft.core.ControllerSettings;
import dev.weft.core.config.ConfigLoader;
import dev.weft.core.dispatch.AppHandle;
import dev.weft.core.topology.TopologySettings;
import dev.weft.fakes.MutableClock;
import org.projectfloodlight.openflow.protocol.OFPacketIn;
import org.projectfloodlight.openflow.protocol.OFPacketInReason;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.OFBufferId;
import org.projectfloodlight.openflow.types.OFPort;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Runs apps in the real controller, in process: the same assembly as {@code weft controller}
 * ({@link Controller}), its event bus and chain rules (app order, STOP, a throwing handler
 * counts as STOP), its core services (tenants, flows, hosts) and its config loader, with
 * switches that live in memory ({@code FakeSwitch}) instead of connections. Each call returns
 * once the controller is at rest (the control lane has run everything the call caused), so a
 * test can assert right after it. Timers run when the test says so; the clock moves by hand.
 *
 * <pre>{@code
 * try (AppHarness h = new AppHarness().config("apps:\n  my-app:\n    limit: 5\n")) {
 *     MyApp app = h.start(new MyApp());
 *     FakeSwitch sw = h.connect(FakeSwitch.withPorts(1, OFVersion.OF_13, 4));
 *     h.packetIn(sw, 1, frame);
 *     assertThat(sw.sent(OFFlowAdd.class)).hasSize(1);
 * }
 * }</pre>
 *
 * <p>Differences from a production start, on purpose: LLDP link discovery is off unless the
 * config turns it on ({@code topology: discovery: true}; fake switches have no cables), the
 * startup hold and the flow audit are off, and one dispatch thread is used.
 */
public final class AppHarness implements AutoCloseable {
    private final MutableClock clock = new MutableClock();
    private final ManualTimers timers = new ManualTimers();
    private final Map<Class<?>, Object> services = new LinkedHashMap<>();
    private String configText;
    private Controller controller;

    /**
     * The config file the controller starts with, as a user would write it (its {@code apps:}
     * sections bind to the apps' config types; tenants and transport nodes go to the tenant
     * service). Read by the real loader: an invalid file throws its {@code ConfigException}.
     */
    public AppHarness config(String yaml) {
        requireNotStarted();
        configText = yaml;
        return this;
    }

    /** Offer {@code impl} to the apps as the {@code type} service, instead of the core's own. */
    public <S> AppHarness service(Class<S> type, S impl) {
        requireNotStarted();
        services.put(type, impl);
        return this;
    }

    public MutableClock clock() {
        return clock;
    }

    /** Start the controller with {@code app} as its only app. */
    public <A extends App> A start(A app) {
        startAll(app);
        return app;
    }

    /** Start the controller with these apps, in this chain order. */
    public void startAll(App... apps) {
        requireNotStarted();
        ControllerSettings.Builder b = ControllerSettings.builder().dispatchThreads(1).clock(clock)
                .topology(TopologySettings.DEFAULTS.withDiscovery(false)).startupHold(Duration.ZERO)
                .flowAuditInterval(Duration.ZERO);
        if (configText != null) {
            b.config(ConfigLoader.parse(configText, "(test config)"));
        }
        b.apps(java.util.Arrays.stream(apps).map(App::name).toList());
        Controller.Builder cb = Controller.builder(b.build()).apps(List.of(apps)).timers(timers).withoutListeners();
        services.forEach((t, s) -> override(cb, t, s));
        controller = cb.start();
        settle();
    }

    @SuppressWarnings("unchecked")
    private static <S> void override(Controller.Builder cb, Class<S> type, Object impl) {
        cb.service(type, (S) impl);
    }

    /** The controller (its tenant service, reconciler, switches). */
    public Controller controller() {
        requireStarted();
        return controller;
    }

    /** The cookie of a started app: the owner mark of its flow entries. */
    public AppCookie cookie(String app) {
        return controller().cookie(app).orElseThrow(() -> new IllegalArgumentException("no app '" + app + "'"));
    }

    /** Add a switch, announce it (SwitchConnected) and wait until the controller is at rest. */
    public <S extends Switch> S connect(S sw) {
        controller().attach(sw);
        settle();
        return sw;
    }

    /** Remove a switch (SwitchDisconnected). */
    public void disconnect(Switch sw, String reason) {
        controller().detach(sw, reason);
        settle();
    }

    /**
     * Deliver an event through the chain (a switch's on its switch, a network event on the
     * control lane); returns the disposition (STOP if a handler threw).
     */
    public Disposition deliver(Event event) {
        CompletableFuture<Disposition> d = event instanceof SwitchEvent se ? controller().deliver(se)
                : controller().deliver((NetworkEvent) event);
        settle();
        return d.join();
    }

    /**
     * Deliver several events as one batch: all are queued before any runs, so tasks the apps
     * defer while handling them run after the last one, as on the control lane.
     */
    public void deliverAll(Event... events) {
        List<CompletableFuture<Disposition>> all = new ArrayList<>();
        for (Event e : events) {
            all.add(e instanceof SwitchEvent se ? controller().deliver(se) : controller().deliver((NetworkEvent) e));
        }
        settle();
        all.forEach(CompletableFuture::join);
    }

    /** Deliver a PACKET_IN of {@code frame} received on {@code inPort}, not buffered by the switch. */
    public Disposition packetIn(Switch sw, int inPort, byte[] frame) {
        return packetIn(sw, inPort, frame, OFBufferId.NO_BUFFER);
    }

    public Disposition packetIn(Switch sw, int inPort, byte[] frame, OFBufferId buffer) {
        var f = sw.factory();
        OFPacketIn.Builder b = f.buildPacketIn().setBufferId(buffer).setTotalLen(frame.length)
                .setReason(OFPacketInReason.NO_MATCH).setData(frame);
        if (sw.version() == OFVersion.OF_10) {
            b.setInPort(OFPort.of(inPort));
        } else {
            b.setMatch(f.buildMatch().setExact(MatchField.IN_PORT, OFPort.of(inPort)).build());
        }
        Ethernet eth = Ethernet.parse(frame).orElseThrow(() -> new IllegalArgumentException("not an Ethernet frame"));
        return deliver(new PacketIn(sw, b.build(), OFPort.of(inPort), eth));
    }

    /** Run every periodic task (the apps' and the core's) once, then wait until the controller is at rest. */
    public void runTimers() {
        requireStarted();
        timers.runAll();
        settle();
    }

    /** Handler invocations that threw so far, over every app (each counted as STOP). */
    public long failures() {
        return controller().apps().stream().mapToLong(AppHandle::failures).sum();
    }

    /** Wait until the control lane has run everything queued, and what that queued. */
    public void settle() {
        controller().awaitControlLaneIdle();
    }

    private void requireStarted() {
        if (controller == null) {
            throw new IllegalStateException("start an app first (start(app))");
        }
    }

    private void requireNotStarted() {
        if (controller != null) {
            throw new IllegalStateException("the harness has started already");
        }
    }

    @Override
    public void close() {
        if (controller != null) {
            controller.close();
        }
    }
}
