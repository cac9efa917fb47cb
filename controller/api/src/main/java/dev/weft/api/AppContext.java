package dev.weft.api;

import dev.weft.api.event.Event;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/** What the controller gives an app when it starts. */
public interface AppContext {

    /** The app's own name, as enabled. */
    String appName();

    /**
     * Subscribe to an event type. Handlers of one type run in the order in which apps are
     * enabled; within one app, in the order of subscription. Subscribe from
     * {@link App#start(AppContext)}.
     */
    <E extends Event> void on(Class<E> type, EventHandler<? super E> handler);

    /** The switches currently connected. */
    SwitchService switches();

    /**
     * This app's section of the configuration file ({@code apps: <name>: ...}) bound to
     * {@code type} (a record or bean; keys in kebab-case). An absent section binds as an empty
     * object, so a record's compact constructor can apply defaults. Unknown keys are an error.
     */
    <T> T config(Class<T> type);

    /** The flow cookie that marks this app's flow entries (app id in the high bits). */
    AppCookie cookie();

    /** The controller's clock; use it instead of the system time so that tests can move time. */
    Clock clock();

    /**
     * Run {@code task} every {@code period} on the controller's timer thread. To touch a switch's
     * state from it, hop onto the switch's thread with {@link Switch#execute(Runnable)}.
     */
    Cancellable schedule(Duration initialDelay, Duration period, Runnable task);

    /**
     * Run {@code task} on the control lane once the events being delivered now are done. Events
     * that concern no single switch (configuration, logical ports, transport nodes) are delivered
     * on that lane, often many in a row: mark what changed in the handlers and recompute once
     * in a deferred task.
     */
    void defer(Runnable task);

    /** A controller service by type (for example a topology service), if this controller has one. */
    <S> Optional<S> service(Class<S> type);

    /**
     * Deliver a network event to every app (and the core's subscribers), on the control lane,
     * after what is being delivered now: how an app announces what it found out (for example a
     * migration and its convergence time).
     */
    default void publish(dev.weft.api.event.NetworkEvent event) {
        throw new UnsupportedOperationException("this controller does not let apps publish events");
    }

    /**
     * Offer a service to the other apps and to the controller (for example its REST API), found
     * with {@link #service(Class)}. Call from {@link App#start(AppContext)}; one provider per type.
     */
    default <S> void provide(Class<S> type, S service) {
        throw new UnsupportedOperationException("this controller does not let apps provide services");
    }

    /** A handle that stops a scheduled task. */
    interface Cancellable {
        void cancel();
    }
}
