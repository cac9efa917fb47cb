package dev.weft.api.tenant;

import java.util.Optional;

/**
 * For the app that decides where logical ports are (the {@code mobility} app). Without one, the
 * core locates ports by itself: an interface-bound port is where a port with its interface name
 * was last added, and nowhere once that port is deleted; MAC bindings are not located.
 *
 * <p>After {@link #takeOver()}, the core still reports what the switches show
 * ({@link dev.weft.api.event.InterfaceChanged}) and still locates static bindings, but locates
 * interface- and MAC-bound ports only when told with {@link #locate}. Obtain it with
 * {@code ctx.service(LocationControl.class)}.
 */
public interface LocationControl {

    /** Decide locations from now on; call from {@code App.start}, before switches connect. */
    void takeOver();

    /**
     * Put a logical port at {@code to}, or nowhere (empty). On the control lane only: the
     * {@link dev.weft.api.event.LogicalPortLocated} event is delivered before this returns, and
     * the published locations already show the change. A no-op when nothing changes.
     */
    void locate(LogicalPort port, Optional<PortLocation> to, String cause);
}
