package dev.weft.api;

/**
 * A controller application (NOX style): it subscribes to events in {@link #start(AppContext)}
 * and reacts to them. Apps are found with {@link java.util.ServiceLoader}: list the implementing
 * class in {@code META-INF/services/dev.weft.api.App}. An app needs a public no-argument
 * constructor and depends on this API module only.
 *
 * <p>Threading: events of one switch are always delivered in order, on that switch's dispatch
 * thread, so per-switch state kept by an app needs no locks as long as it is only touched from
 * handlers of that switch's events (or from {@link Switch#execute(Runnable)}). Network events
 * (links, hosts: {@link dev.weft.api.event.NetworkEvent}) are delivered in order on one control
 * thread that is not a switch's thread. State shared between switches, or between switch events
 * and network events, must be thread-safe.
 */
public interface App {

    /** The name used to enable the app ({@code --apps}) and to name it in logs; lower-case, dashes. */
    String name();

    /** Subscribe to events and read configuration. Throwing here stops the controller from starting. */
    void start(AppContext ctx) throws Exception;

    /** Release resources. Called once, in reverse start order, when the controller stops. */
    default void stop() {
    }
}
