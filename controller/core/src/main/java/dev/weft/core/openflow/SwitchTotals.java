package dev.weft.core.openflow;

import org.projectfloodlight.openflow.types.DatapathId;

/**
 * A switch's counts since the controller started, over all its connections (for the metrics).
 *
 * @param connected          whether it is connected now
 * @param connections        handshakes completed
 * @param packetIns          PACKET_INs received
 * @param flowMods           FLOW_MODs sent (by the flow subsystem and by reactive apps)
 * @param errors             OpenFlow ERRORs received
 * @param handshakeNanos     the handshakes' durations added up (TCP connection to the last BARRIER_REPLY)
 * @param lastHandshakeNanos the last handshake's
 */
public record SwitchTotals(DatapathId dpid, boolean connected, long connections, long packetIns, long flowMods,
                           long errors, long handshakeNanos, long lastHandshakeNanos) {
}
