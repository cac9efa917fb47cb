package dev.weft.sim.datapath;

/**
 * A frame crossing a port, with what travels beside its bytes: tunnel metadata (for tunnel
 * ports, like a VXLAN VNI and outer addresses) and the simulator's trace bookkeeping.
 *
 * @param bytes      the Ethernet frame (never modified after construction; rewrites copy)
 * @param tunnelId   tunnel key set by the sender (0 when none)
 * @param tunnelSrc  outer IPv4 source as an unsigned int in a long (0 when none)
 * @param tunnelDst  outer IPv4 destination (0 when none)
 * @param trace      trace id this frame belongs to (0 = untraced)
 * @param hops       switch traversals so far (storm guard)
 */
public record Frame(byte[] bytes, long tunnelId, long tunnelSrc, long tunnelDst, long trace, int hops) {
    public static Frame of(byte[] bytes) {
        return new Frame(bytes, 0, 0, 0, 0, 0);
    }

    public static Frame traced(byte[] bytes, long trace) {
        return new Frame(bytes, 0, 0, 0, trace, 0);
    }

    public Frame withTunnel(long id, long src, long dst) {
        return new Frame(bytes, id, src, dst, trace, hops);
    }

    public int length() {
        return bytes.length;
    }
}
