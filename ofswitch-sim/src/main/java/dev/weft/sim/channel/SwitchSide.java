package dev.weft.sim.channel;

import java.util.Set;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFVersion;

/**
 * What a {@link ControllerConnection} serves: one switch. Callbacks come from a Netty I/O thread;
 * implementations hand them over to their own thread.
 */
public interface SwitchSide {
    /** For logs: the switch's name. */
    String name();

    /** Versions offered in HELLO. */
    Set<OFVersion> versions();

    /** HELLO exchange done: the connection now speaks {@code version}. */
    void connected(ControllerConnection connection, OFVersion version);

    /** A message from the controller after version negotiation. */
    void message(ControllerConnection connection, OFMessage message);

    /** The connection closed (a reconnect may follow). */
    void disconnected(ControllerConnection connection);
}
