package dev.weft.core.openflow;

import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFPacketIn;
import org.projectfloodlight.openflow.protocol.OFPortDesc;
import org.projectfloodlight.openflow.types.OFPort;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a switch tells us before its handshake ends, bounded: its ports (by number, so parts that
 * repeat a port do not grow anything; at most {@link #MAX_PORTS}) and the messages that are kept
 * to be delivered afterwards (at most {@link #MAX_QUEUED} messages and {@link #MAX_QUEUED_BYTES}
 * bytes of packet data). A switch that sends more is not trusted with more memory: the excess is
 * dropped and counted. Event-loop thread only.
 */
final class EarlyMessages {
    /**
     * More ports than any switch we know of has (Open vSwitch allows 65,279 on a bridge; a large
     * one has a few thousand), and about 6 MB of port descriptions per connection at most.
     */
    static final int MAX_PORTS = 16_384;
    static final int MAX_QUEUED = 1_024;
    static final int MAX_QUEUED_BYTES = 1 << 20;
    /** What a queued message costs besides its packet data (headers, objects). */
    private static final int MESSAGE_OVERHEAD = 128;

    private final Map<OFPort, OFPortDesc> ports = new LinkedHashMap<>();
    private final List<OFMessage> queued = new ArrayList<>();
    private int queuedBytes;

    /** Add reported ports; returns how many were ignored because the switch has too many. */
    int addPorts(List<OFPortDesc> more) {
        int ignored = 0;
        for (OFPortDesc p : more) {
            if (ports.size() < MAX_PORTS || ports.containsKey(p.getPortNo())) {
                ports.put(p.getPortNo(), p);
            } else {
                ignored++;
            }
        }
        return ignored;
    }

    /** Keep a message for after the handshake; false if it was dropped (too much kept already). */
    boolean queue(OFMessage m) {
        int cost = MESSAGE_OVERHEAD + (m instanceof OFPacketIn pi ? pi.getData().length : 0);
        if (queued.size() >= MAX_QUEUED || queuedBytes + cost > MAX_QUEUED_BYTES) {
            return false;
        }
        queued.add(m);
        queuedBytes += cost;
        return true;
    }

    List<OFPortDesc> ports() {
        return List.copyOf(ports.values());
    }

    List<OFMessage> queued() {
        return queued;
    }

    int queuedBytes() {
        return queuedBytes;
    }
}
