package dev.weft.sim.datapath;

import dev.weft.sim.packet.Field;
import dev.weft.sim.packet.FieldSource;
import dev.weft.sim.packet.Headers;

/** A packet going through the pipeline: current bytes plus pipeline fields. Not thread-safe. */
final class Packet implements FieldSource {
    private byte[] bytes;
    private Headers headers;
    final int inPort;
    long metadata;
    long tunnelId;
    long tunnelSrc;
    long tunnelDst;
    /** Connection tracking: state bits as Open vSwitch's ct_state, and the zone (0 until ct). */
    int ctState;
    int ctZone;
    final long trace;
    final int hops;
    /** Set when an action ended the packet's processing (a TTL that ran out). */
    boolean halted;

    Packet(Frame frame, int inPort) {
        this.bytes = frame.bytes();
        this.inPort = inPort;
        this.tunnelId = frame.tunnelId();
        this.tunnelSrc = frame.tunnelSrc();
        this.tunnelDst = frame.tunnelDst();
        this.trace = frame.trace();
        this.hops = frame.hops();
    }

    private Packet(Packet o) {
        this.bytes = o.bytes;
        this.headers = o.headers;
        this.inPort = o.inPort;
        this.metadata = o.metadata;
        this.tunnelId = o.tunnelId;
        this.tunnelSrc = o.tunnelSrc;
        this.tunnelDst = o.tunnelDst;
        this.ctState = o.ctState;
        this.ctZone = o.ctZone;
        this.trace = o.trace;
        this.hops = o.hops;
    }

    Packet copy() {
        return new Packet(this);
    }

    byte[] bytes() {
        return bytes;
    }

    void setBytes(byte[] b) {
        if (b != bytes) {
            bytes = b;
            headers = null;
        }
    }

    Headers headers() {
        if (headers == null) {
            headers = Headers.parse(bytes);
        }
        return headers;
    }

    /** The frame as it leaves the switch now (pipeline tunnel fields travel with it). */
    Frame toFrame() {
        return new Frame(bytes, tunnelId, tunnelSrc, tunnelDst, trace, hops + 1);
    }

    @Override
    public boolean has(Field f) {
        return f.isPipelineField() || headers().has(f);
    }

    @Override
    public long get(Field f) {
        return switch (f) {
            case IN_PORT, IN_PHY_PORT -> inPort & 0xffffffffL;
            case METADATA -> metadata;
            case TUNNEL_ID -> tunnelId;
            case TUNNEL_IPV4_SRC -> tunnelSrc;
            case TUNNEL_IPV4_DST -> tunnelDst;
            case CT_STATE -> ctState & 0xffffffffL;
            case CT_ZONE -> ctZone;
            default -> headers().get(f);
        };
    }
}
