package dev.weft.core.openflow;

import org.projectfloodlight.openflow.types.DatapathId;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

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
 * @param peerFaults         what the switch sent that was wrong (a frame partly unparsable, an undecodable
 *                           message, ...), by kind; every kind is present, most at 0
 */
public record SwitchTotals(DatapathId dpid, boolean connected, long connections, long packetIns, long flowMods,
                           long errors, long handshakeNanos, long lastHandshakeNanos, Map<PeerFault, Long> peerFaults) {

    public SwitchTotals {
        EnumMap<PeerFault, Long> all = new EnumMap<>(PeerFault.class);
        for (PeerFault f : PeerFault.values()) {
            all.put(f, peerFaults.getOrDefault(f, 0L));
        }
        peerFaults = Collections.unmodifiableMap(all);
    }

    /** The peer faults added up over every kind. */
    public long peerFaultsTotal() {
        return peerFaults.values().stream().mapToLong(Long::longValue).sum();
    }
}
