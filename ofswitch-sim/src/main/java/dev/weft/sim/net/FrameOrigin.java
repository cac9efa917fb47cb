package dev.weft.sim.net;

/** Where a traced frame came from. */
public enum FrameOrigin {
    /** The frame the test injected, or a copy of it forwarded (possibly rewritten) by switches. */
    INJECTED,
    /** A host's answer to a traced frame (ARP reply, ICMP echo reply). */
    HOST_REPLY,
    /** A frame a controller made while answering a traced packet-in (e.g. a proxy ARP reply). */
    CONTROLLER;

    static long id(long base, FrameOrigin o) {
        return (base << 2) | o.ordinal();
    }

    static long base(long id) {
        return id >>> 2;
    }

    static FrameOrigin of(long id) {
        return values()[(int) (id & 3)];
    }
}
