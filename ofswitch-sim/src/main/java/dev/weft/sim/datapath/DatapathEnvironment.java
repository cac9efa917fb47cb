package dev.weft.sim.datapath;

import org.projectfloodlight.openflow.protocol.OFMessage;

/**
 * Everything a datapath talks to: the controller connection and the wires on its ports.
 * All calls happen on the datapath's thread.
 */
public interface DatapathEnvironment {
    /** A message for the controller (a reply, an error or an asynchronous message). */
    void toController(OFMessage message);

    /** Whether a controller connection is up; packet-ins are dropped while it is not. */
    boolean controllerConnected();

    /** A frame leaves through {@code port} (which is up). */
    void transmit(SimPort port, Frame frame);

    /** A packet-in for {@code frame} was sent (before the message goes out). */
    default void packetInSent(SimPort inPort, Frame frame) {
    }

    /**
     * The trace id for frames emitted by a PACKET_OUT (or a FLOW_MOD applying a buffered packet).
     * {@code bufferedTrace} is the buffered packet's trace, or 0 when the controller sent data.
     */
    default long attributePacketOut(long bufferedTrace, byte[] data) {
        return bufferedTrace;
    }
}
