package dev.weft.core.openflow;

/** Names of the handlers in a switch connection's pipeline. */
final class PipelineNames {
    static final String TURN_READS = "turn-reads";
    static final String TLS = "tls";
    static final String TLS_LOG = "tls-log";
    static final String DECODER = "of-decoder";
    static final String ENCODER = "of-encoder";
    static final String KEEPALIVE = "keepalive";
    static final String HANDSHAKE = "handshake";
    static final String ACTIVE = "switch";

    private PipelineNames() {
    }
}
