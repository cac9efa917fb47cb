package dev.weft.sim.net;

/**
 * Where a traced frame came from.
 *
 * <p>A trace id packs three things, so that they travel with a frame (and with its copies,
 * buffers and PACKET_OUTs) at no cost: the trace ({@code base}), the kind of origin, and the host
 * whose wire the frame entered the network from ({@code sender}, a host index; 0 when the frame
 * was made by a controller or a switch). The sender is what tells two hosts apart that use the
 * same MAC and IP addresses.
 */
public enum FrameOrigin {
    /** The frame the test injected, or a copy of it forwarded (possibly rewritten) by switches. */
    INJECTED,
    /** A host's answer to a traced frame (ARP reply, ICMP echo reply). */
    HOST_REPLY,
    /** A frame a controller made while answering a traced packet-in (e.g. a proxy ARP reply). */
    CONTROLLER;

    private static final int ORIGIN_BITS = 2;
    private static final int SENDER_BITS = 20;
    /** Hosts a network can tell apart as senders (indexes 1..MAX_SENDERS). */
    static final int MAX_SENDERS = (1 << SENDER_BITS) - 1;

    static long id(long base, FrameOrigin o) {
        return (base << (SENDER_BITS + ORIGIN_BITS)) | o.ordinal();
    }

    static long base(long id) {
        return id >>> (SENDER_BITS + ORIGIN_BITS);
    }

    static FrameOrigin of(long id) {
        return values()[(int) (id & 3)];
    }

    /** The index of the host that put the frame on its wire, or 0. */
    static int sender(long id) {
        return (int) ((id >>> ORIGIN_BITS) & MAX_SENDERS);
    }

    /** The same trace and origin, sent by host {@code index} (1..MAX_SENDERS). */
    static long withSender(long id, int index) {
        long cleared = id & ~((long) MAX_SENDERS << ORIGIN_BITS);
        return cleared | ((long) index << ORIGIN_BITS);
    }
}
