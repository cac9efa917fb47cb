package dev.weft.core.openflow;

import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFFeaturesReply;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFPortDesc;
import org.projectfloodlight.openflow.protocol.OFVersion;

import java.time.Instant;
import java.util.List;

/**
 * What the handshake learned about a switch, and the messages that arrived during it (delivered
 * after the switch is announced, in arrival order), and what the controller sent during it (so
 * that an ERROR about it can name it). {@code handshakeNanos} runs from the TCP connection to the
 * last BARRIER_REPLY; {@code helloNanos} is the part spent waiting for the switch's HELLO.
 */
record HandshakeResult(OFVersion version, OFFactory factory, OFFeaturesReply features, List<OFPortDesc> ports,
                       List<OFMessage> queued, List<OFMessage> sent, Instant connectedAt, long handshakeNanos,
                       long helloNanos) {
    HandshakeResult {
        ports = List.copyOf(ports);
        queued = List.copyOf(queued);
        sent = List.copyOf(sent);
    }
}
