package dev.weft.testing;

import dev.weft.api.App;
import dev.weft.api.AppContext;
import dev.weft.api.AppCookie;
import dev.weft.api.Disposition;
import dev.weft.api.EventHandler;
import dev.weft.api.Switch;
import dev.weft.api.SwitchService;
import dev.weft.api.event.Event;
import dev.weft.api.event.PacketIn;
import dev.weft.api.event.SwitchConnected;
import dev.weft.api.packet.Ethernet;
import org.projectfloodlight.openflow.protocol.OFPacketIn;
import org.projectfloodlight.openflow.protocol.OFPacketInReason;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.OFBufferId;
import org.projectfloodlight.openflow.types.OFPort;

import java.lang.reflect.RecordComponent;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs one or more apps without a network: events are delivered synchronously through the same
 * chain rules as the controller (app order, STOP, a throwing handler counts as STOP), timers run
 * when the test says so, and the clock moves by hand.
 *
 * <pre>{@code
 * AppHarness h = new AppHarness().config(MyConfig.class, new MyConfig(...));
 * h.start(new MyApp());
 * FakeSwitch sw = h.connect(FakeSwitch.withPorts(1, OFVersion.OF_13, 4));
 * h.packetIn(sw, 1, Frames.ethernet(...));
 * assertThat(sw.sent(OFFlowAdd.class)).hasSize(1);
 * }</pre>
 */
public final class AppHarness {
    private record Sub(int appOrder, Class<? extends Event> type, EventHandler<Event> handler) {
    }

    private final List<Sub> subs = new ArrayList<>();
    private final Map<Class<?>, Object> configs = new HashMap<>();
    private final Map<DatapathId, Switch> switches = new LinkedHashMap<>();
    private final List<Runnable> timers = new ArrayList<>();
    private final Map<Class<?>, Object> services = new HashMap<>();
    private final MutableClock clock = new MutableClock();
    private final List<Throwable> failures = new ArrayList<>();
    private final java.util.ArrayDeque<Runnable> deferred = new java.util.ArrayDeque<>();
    private int depth;
    private int apps;

    /** The config object an app gets from {@code ctx.config(type)}. */
    public <T> AppHarness config(Class<T> type, T value) {
        configs.put(type, value);
        return this;
    }

    public <S> AppHarness service(Class<S> type, S impl) {
        services.put(type, impl);
        return this;
    }

    public MutableClock clock() {
        return clock;
    }

    /** Start an app; apps started earlier come first in the chain. */
    public <A extends App> A start(A app) throws Exception {
        int order = apps++;
        app.start(new Context(app.name(), order));
        return app;
    }

    /**
     * Deliver an event through the chain; returns the disposition (STOP if a handler threw).
     * Tasks the apps deferred run when the outermost delivery returns, as on the control lane.
     */
    public Disposition deliver(Event event) {
        depth++;
        try {
            return chain(event);
        } finally {
            if (--depth == 0) {
                runDeferred();
            }
        }
    }

    /**
     * Deliver several events as one batch, as the controller's control lane does within one task:
     * tasks the apps deferred run once, after the last event.
     */
    public void deliverAll(Event... events) {
        depth++;
        try {
            for (Event e : events) {
                chain(e);
            }
        } finally {
            if (--depth == 0) {
                runDeferred();
            }
        }
    }

    private void runDeferred() {
        Runnable r;
        while ((r = deferred.poll()) != null) {
            depth++;
            try {
                r.run();
            } finally {
                depth--;
            }
        }
    }

    private Disposition chain(Event event) {
        for (Sub s : subs) {
            if (!s.type().isInstance(event)) {
                continue;
            }
            try {
                if (s.handler().handle(event) == Disposition.STOP) {
                    return Disposition.STOP;
                }
            } catch (Exception e) {
                failures.add(e);
                return Disposition.STOP;
            }
        }
        return Disposition.CONTINUE;
    }

    /** Exceptions thrown by handlers so far (each counted as STOP). */
    public List<Throwable> failures() {
        return List.copyOf(failures);
    }

    /** Add a switch and deliver its SwitchConnected. */
    public <S extends Switch> S connect(S sw) {
        switches.put(sw.id(), sw);
        deliver(new SwitchConnected(sw));
        return sw;
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

    /** Run every scheduled task once. */
    public void runTimers() {
        for (Runnable r : List.copyOf(timers)) {
            r.run();
        }
    }

    private final class Context implements AppContext {
        private final String name;
        private final int order;

        Context(String name, int order) {
            this.name = name;
            this.order = order;
        }

        @Override
        public String appName() {
            return name;
        }

        @Override
        @SuppressWarnings("unchecked")
        public <E extends Event> void on(Class<E> type, EventHandler<? super E> handler) {
            subs.add(new Sub(order, type, (EventHandler<Event>) handler));
            subs.sort((a, b) -> Integer.compare(a.appOrder(), b.appOrder()));
        }

        @Override
        public SwitchService switches() {
            return new SwitchService() {
                @Override
                public Collection<Switch> all() {
                    return List.copyOf(switches.values());
                }

                @Override
                public Optional<Switch> get(DatapathId id) {
                    return Optional.ofNullable(switches.get(id));
                }
            };
        }

        @Override
        public <T> T config(Class<T> type) {
            Object c = configs.get(type);
            if (c != null) {
                return type.cast(c);
            }
            return defaults(type);
        }

        @Override
        public AppCookie cookie() {
            return new AppCookie(100 + order, 0, 0);
        }

        @Override
        public Clock clock() {
            return clock;
        }

        @Override
        public Cancellable schedule(Duration initialDelay, Duration period, Runnable task) {
            timers.add(task);
            return () -> timers.remove(task);
        }

        @Override
        public <S> Optional<S> service(Class<S> type) {
            return Optional.ofNullable(type.cast(services.get(type)));
        }

        @Override
        public void defer(Runnable task) {
            deferred.add(task);
            if (depth == 0) {
                runDeferred();
            }
        }

        @Override
        public void publish(dev.weft.api.event.NetworkEvent event) {
            defer(() -> deliver(event));
        }

        @Override
        public <S> void provide(Class<S> type, S service) {
            if (services.putIfAbsent(type, service) != null) {
                throw new IllegalStateException(type.getSimpleName() + " is provided already");
            }
        }
    }

    /** A config record with every component absent (null), so its constructor applies defaults. */
    private static <T> T defaults(Class<T> type) {
        if (!type.isRecord()) {
            try {
                return type.getDeclaredConstructor().newInstance();
            } catch (ReflectiveOperationException e) {
                throw new IllegalArgumentException("register a config for " + type.getName() + " with config()", e);
            }
        }
        RecordComponent[] rc = type.getRecordComponents();
        Class<?>[] types = new Class<?>[rc.length];
        Object[] args = new Object[rc.length];
        for (int i = 0; i < rc.length; i++) {
            types[i] = rc[i].getType();
            args[i] = types[i].isPrimitive() ? primitiveZero(types[i]) : null;
        }
        try {
            return type.getDeclaredConstructor(types).newInstance(args);
        } catch (ReflectiveOperationException e) {
            throw new IllegalArgumentException("cannot build default " + type.getName() + "; register one with config()", e);
        }
    }

    private static Object primitiveZero(Class<?> t) {
        if (t == boolean.class) {
            return false;
        }
        if (t == long.class) {
            return 0L;
        }
        if (t == double.class) {
            return 0.0;
        }
        if (t == float.class) {
            return 0f;
        }
        if (t == char.class) {
            return '\0';
        }
        if (t == byte.class) {
            return (byte) 0;
        }
        if (t == short.class) {
            return (short) 0;
        }
        return 0;
    }
}
