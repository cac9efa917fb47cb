package dev.weft.sim.bench;

/** The Ethernet frame inside every probe packet-in. */
public enum ProbeFrame {
    /** A well-formed 64-byte IPv4/UDP frame (the default). */
    UDP,
    /**
     * cbench's own 64-byte frame, byte for byte: IPv4 with IP protocol 255 and cbench's payload,
     * the source MAC's index written little-endian as cbench does. A controller that cannot parse
     * protocol 255 fails here as it did under cbench.
     */
    CBENCH;

}
